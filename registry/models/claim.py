from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.constraints import CheckConstraint

from .initiative import Initiative


class ClaimStatus(models.TextChoices):
    AWAITING_EMAIL = "awaiting_email", _("Awaiting e-mail confirmation")
    AWAITING_REVIEW = "awaiting_review", _("Awaiting an agent's review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


OPEN_CLAIM_STATUSES = [ClaimStatus.AWAITING_EMAIL, ClaimStatus.AWAITING_REVIEW]


class ClaimQuerySet(models.QuerySet):
    def open(self):
        """Claims not decided yet (waiting for the e-mail link or for an agent)."""
        return self.filter(status__in=OPEN_CLAIM_STATUSES)

    def awaiting_review(self):
        return self.filter(status=ClaimStatus.AWAITING_REVIEW)


class Claim(models.Model):
    """A retailer's request to become an owner of a listing registered without one.

    Proof: the SIRET must match the listing's, and a link sent to the listing's public e-mail
    must be followed; then an agent approves or rejects it.
    """

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="claims", verbose_name=_("initiative")
    )
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="claims",
        verbose_name=_("claimant"),
    )
    siret = models.CharField(_("SIRET given"), max_length=14)
    message = models.TextField(
        _("message to the agents"), blank=True, help_text=_("Your role in the initiative.")
    )
    email_sent_to = models.EmailField(_("confirmation sent to"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ClaimStatus,
        default=ClaimStatus.AWAITING_EMAIL,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("reason"), blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            CheckConstraint(condition=Q(status__in=ClaimStatus.values), name="claim_status_known"),
            models.UniqueConstraint(
                fields=["initiative", "claimant"],
                condition=Q(status__in=OPEN_CLAIM_STATUSES),
                name="claim_one_open_per_claimant_and_initiative",
            ),
        ]

    def __str__(self):
        return f"{self.initiative} ← {self.claimant}"
