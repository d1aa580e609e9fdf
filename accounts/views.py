"""Accounts: log-in, sign-up, e-mail verification, password reset, profile, and the holder's
personal data: download and account deletion (under /comptes/)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts import personal_data
from accounts.forms import (
    AccountDeleteForm,
    EmailAuthenticationForm,
    PasswordResetForm,
    ProfileForm,
    ResendVerificationForm,
    SignupForm,
)
from accounts.services import (
    account_to_verify,
    activate_account,
    can_delete_account,
    delete_account,
    register_account,
    resend_verification,
)
from core.client import client_ip
from core.limits import too_many_attempts
from core.roles import RETAILER, has_role, is_agent
from core.urls import site_url
from registry.models import Initiative

# Wrong passwords allowed per account and hour on the deletion page.
ACCOUNT_DELETE_ATTEMPTS = (5, 3600)


def axes_username(request, credentials) -> str:
    """The name django-axes counts failures under: e-mail addresses in lower case, so that
    changing the case of an address does not dodge the lock-out."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    username = username.strip()
    return username.lower() if "@" in username else username


class LoginView(auth_views.LoginView):
    """Log in with the e-mail address; without a safe `next`, each role lands on its home."""

    authentication_form = EmailAuthenticationForm

    def get_default_redirect_url(self):
        user = self.request.user
        if is_agent(user):
            return reverse("backoffice:home")
        if has_role(user, RETAILER):
            return reverse("accounts:my-initiatives")
        return super().get_default_redirect_url()


# Sign-up and verification ---------------------------------------------------------------------


def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:my-initiatives")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        limit, period = settings.SIGNUP_RATE_LIMIT
        if too_many_attempts(scope="signup", key=client_ip(request), limit=limit, period=period):
            return render(request, "accounts/rate_limited.html", status=429)
        if form.is_spam:
            # Same answer as a real sign-up, so robots learn nothing.
            return render(request, "accounts/signup_done.html")
        if form.is_valid():
            register_account(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                site_url=site_url(request),
            )
            return render(request, "accounts/signup_done.html")
    return render(request, "accounts/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def verify(request, uidb64, token):
    """The link of the sign-up e-mail. GET only shows a button, so that mail scanners following
    links activate nothing; the POST activates the account and logs in, once."""
    if request.method == "POST":
        user = activate_account(uidb64=uidb64, token=token)
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your e-mail address is confirmed. Welcome!"))
            return redirect("accounts:my-initiatives")
    elif account_to_verify(uidb64=uidb64, token=token) is not None:
        return render(request, "accounts/verify.html")
    return render(
        request, "accounts/verify_failed.html", {"form": ResendVerificationForm()}, status=400
    )


@require_http_methods(["GET", "POST"])
def verify_resend(request):
    """Ask for a new verification link. The answer is the same whether the address has an
    account awaiting activation or not, and comes before the e-mail leaves."""
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST":
        limit, period = settings.SIGNUP_RATE_LIMIT
        if too_many_attempts(
            scope="verify-resend", key=client_ip(request), limit=limit, period=period
        ):
            return render(request, "accounts/rate_limited.html", {"resend": True}, status=429)
        if form.is_valid():
            resend_verification(
                email=form.cleaned_data["email"],
                site_url=site_url(request),
                after_response=True,
            )
            return render(request, "accounts/verify_resend.html", {"sent": True})
    return render(request, "accounts/verify_resend.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


# Personal data --------------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def personal_data_download(request):
    """Everything about the account and the initiatives it owns, as a JSON attachment."""
    response = HttpResponse(
        personal_data.personal_data_json(request.user),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{personal_data.FILENAME}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """Delete one's own account after typing the password; the page first lists what happens
    to each initiative the account owns."""
    user = request.user
    if not can_delete_account(user):
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "accounts/account_delete.html", {"closable": False})
    limit, period = ACCOUNT_DELETE_ATTEMPTS
    locked = request.method == "POST" and too_many_attempts(
        scope="account-delete", key=str(user.pk), limit=limit, period=period
    )
    form = AccountDeleteForm(request.POST or None, user=user, locked=locked)
    if form.is_valid():
        delete_account(user=user)
        logout(request)
        messages.success(request, _("Your account is deleted. Goodbye!"))
        return redirect("catalogue:home")
    owned = Initiative.objects.owned_by(user).prefetch_related("owners").order_by("name")
    alone = [i for i in owned if all(owner.pk == user.pk for owner in i.owners.all())]
    shared = [i for i in owned if i not in alone]
    return render(
        request,
        "accounts/account_delete.html",
        {"closable": True, "form": form, "alone": alone, "shared": shared},
    )
