"""Writes behind accounts: sign-up, e-mail verification and deletion of accounts.

Each function takes keyword-only arguments and sends its e-mails through `core.mail`, so a
rolled-back write never leaves a stray message.
"""

import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.personal_data import login_names
from core.mail import send_later
from core.roles import ADMIN, AGENT, CURATOR, RETAILER, ensure_roles, is_agent
from registry.services.personal_data import Release, release_owner


def register_account(
    *, email: str, password: str, first_name: str = "", last_name: str = "", site_url: str
):
    """Create an inactive retailer account and e-mail it a verification link.

    When the address already has an account, nothing is created: its owner gets an e-mail
    saying so (or a new verification link, while the account awaits activation), and the
    caller shows the same answer either way (no account enumeration).
    Returns the new user, or None when the address was taken.
    """
    User = get_user_model()
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first() or (
        User.objects.filter(username__iexact=email).first()
    )
    if existing and not existing.is_active and existing.last_login is None and existing.email:
        # Signed up before but never confirmed (the first e-mail got lost): a new link helps.
        _send_verification(user=existing, site_url=site_url)
        return None
    if existing:
        send_later(
            template="accounts/email/already_registered",
            context={
                "user": existing,
                "login_url": site_url + reverse("login"),
                "reset_url": site_url + reverse("password_reset"),
            },
            to=[existing.email or email],
        )
        return None
    user = User(
        username=email, email=email, first_name=first_name, last_name=last_name, is_active=False
    )
    user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        try:
            user.save()
        except IntegrityError:  # the same address signed up twice at the same moment
            return None
        retailer = next(group for group in ensure_roles() if group.name == RETAILER)
        user.groups.add(retailer)
        _send_verification(user=user, site_url=site_url)
    return user


class VerificationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens of e-mail verification links, built like Django's password-reset ones.

    The hash covers the password hash, the last log-in, the e-mail address and `is_active`, so a
    link stops working once it has activated the account, once the account was used, or after
    a password change. Links expire after PASSWORD_RESET_TIMEOUT (three days by default).
    """

    key_salt = "accounts.services.VerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


verification_tokens = VerificationTokenGenerator()


def _send_verification(*, user, site_url: str, after_response: bool = False) -> None:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    send_later(
        template="accounts/email/verify",
        context={
            "user": user,
            "verify_url": site_url
            + reverse("accounts:verify", args=[uidb64, verification_tokens.make_token(user)]),
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
        to=[user.email],
        after_response=after_response,
    )


def resend_verification(*, email: str, site_url: str, after_response: bool = False) -> None:
    """E-mail a new verification link to the account awaiting activation that uses `email`.

    Does nothing for an unknown address or an active account; the caller answers the same
    either way (no account enumeration), ideally with `after_response`.
    """
    User = get_user_model()
    user = User.objects.filter(
        email__iexact=email.strip(), is_active=False, last_login__isnull=True
    ).first()
    if user is not None:
        _send_verification(user=user, site_url=site_url, after_response=after_response)


def account_to_verify(*, uidb64: str, token: str):
    """The account awaiting activation that a verification link names; None when the link is
    forged, expired or already used, or the account is active or was used before."""
    User = get_user_model()
    try:
        user = User._default_manager.get(pk=urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, ValidationError, User.DoesNotExist):
        return None
    # An inactive account that has logged in before was deactivated on purpose.
    if user.is_active or user.last_login is not None:
        return None
    return user if verification_tokens.check_token(user, token) else None


@transaction.atomic
def activate_account(*, uidb64: str, token: str):
    """Activate the account a verification link names. Returns it only when this call
    activated it: a link works once, even when two requests race."""
    user = account_to_verify(uidb64=uidb64, token=token)
    if user is None:
        return None
    activated = (
        get_user_model()
        ._default_manager.filter(
            pk=user.pk, is_active=False, last_login__isnull=True, password=user.password
        )
        .update(is_active=True)
    )
    if not activated:
        return None
    user.is_active = True
    return user


# Deletion -------------------------------------------------------------------------------------


def can_delete_account(user) -> bool:
    """Retailers delete their own account; the Région's staff are removed by an administrator,
    as the admin's history of their actions would go with them."""
    return not (user.is_staff or user.is_superuser or is_agent(user))


@transaction.atomic
def delete_account(*, user, by=None) -> Release:
    """Delete `user` and the personal data tied to their account (GDPR right to erasure).

    Initiatives they alone own are archived and their public contact blanked; those they run
    with others only lose them (registry.services.personal_data.release_owner). Their claims go
    with the account (Claim.claimant cascades), and so do their log-in records (django-axes keys
    them by user name, not by a foreign key). The row is deleted rather than anonymised: every
    history that names an account (status changes, assessments, follow-ups, claims decided)
    points to it with SET_NULL, so those rows stay and read "by: —", and the reason recorded
    when an initiative is archived says why. `by` is who asked, when not the holder (an
    administrator).
    """
    if not can_delete_account(user):
        raise ValidationError(
            _("Accounts of the Région's staff are deleted by an administrator."), code="staff"
        )
    release = release_owner(
        owner=user,
        by=by if by is not None else user,
        reason=_(
            "The account of its only owner was deleted: initiative archived, public e-mail "
            "and phone erased."
        ),
    )
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__in=login_names(user)).delete()
    user.delete()
    return release


def never_activated_accounts(*, days: int):
    """Accounts signed up more than `days` ago whose e-mail address was never confirmed.

    Inactive accounts that have logged in before were deactivated on purpose and stay; staff
    accounts, created by administrators, too.
    """
    cutoff = timezone.now() - datetime.timedelta(days=days)
    return get_user_model().objects.filter(
        is_active=False,
        last_login__isnull=True,
        date_joined__lt=cutoff,
        is_staff=False,
        is_superuser=False,
    )


@dataclass
class Purge:
    deleted: list  # the accounts deleted (unsaved copies, for the report)
    kept: list  # never activated, but an agent made them owner of an initiative


@transaction.atomic
def purge_never_activated_accounts(*, days: int, dry_run: bool = False) -> Purge:
    """Delete the accounts never activated within `days` of signing up (see
    never_activated_accounts). One that owns an initiative (an agent gave it one) is kept and
    reported: deleting it would silently take the initiative's owner away."""
    purge = Purge(deleted=[], kept=[])
    for user in never_activated_accounts(days=days).order_by("date_joined", "pk"):
        if user.initiatives.exists():
            purge.kept.append(user)
            continue
        purge.deleted.append(user)
        if not dry_run:
            user.delete()
    return purge


def _years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    """The same day and time `years` calendar years before `moment` (29 February: the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def unused_accounts(*, years: int):
    """Accounts not logged in to for more than `years` years, or never logged in to and signed
    up more than `years` years ago, active or not, oldest first; `last_used` is that date.

    The Région's staff (staff and superusers, agents, curators and admins) are left out, even
    deactivated ones: an administrator deletes them (can_delete_account).
    """
    cutoff = _years_before(timezone.now(), years)
    return (
        get_user_model()
        .objects.annotate(last_used=Coalesce("last_login", "date_joined"))
        .filter(last_used__lt=cutoff)
        .exclude(
            Q(is_staff=True) | Q(is_superuser=True) | Q(groups__name__in=[AGENT, CURATOR, ADMIN])
        )
        .order_by("last_used", "pk")
    )


@dataclass
class Deletion:
    user: object  # the account deleted, or to be (an unsaved copy with `last_used`, to report)
    release: Release | None  # what became of its initiatives; None in a dry run


def delete_unused_accounts(*, years: int, dry_run: bool = False) -> list[Deletion]:
    """Delete the accounts unused for more than `years` years (see unused_accounts), each
    through delete_account, as if its holder had deleted it: initiatives it alone owns are
    archived with their public contact erased. Each deletion is a transaction of its own, so one
    that fails leaves those before it done."""
    return [
        Deletion(user=user, release=None if dry_run else delete_account(user=user))
        for user in unused_accounts(years=years)
    ]
