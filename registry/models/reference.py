"""Reference data that curators maintain: distribution types, product categories, labels,
needs and obstacles, and the Pacte régional's orientations and actions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.i18n import in_active_language


class ReferenceItem(models.Model):
    """A row of reference data with a stable code and a French and an English name."""

    code = models.CharField(_("code"), max_length=30, primary_key=True)
    name = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language (French when no English name is given)."""
        return in_active_language(self.name, self.name_en)


class InitiativeType(ReferenceItem):
    description = models.TextField(_("definition"), blank=True)

    class Meta(ReferenceItem.Meta):
        verbose_name = _("distribution type")
        verbose_name_plural = _("distribution types")


class ProductCategory(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")


class Label(ReferenceItem):
    family = models.CharField(
        _("family"), max_length=100, blank=True, help_text=_("E.g. SIQO, regional brand.")
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("label")
        verbose_name_plural = _("labels")


class Need(ReferenceItem):
    """A category of needs and obstacles that initiatives declare (brief §4)."""

    description = models.TextField(_("description"), blank=True)

    class Meta(ReferenceItem.Meta):
        verbose_name = _("need or obstacle")
        verbose_name_plural = _("needs and obstacles")


class PacteOrientation(ReferenceItem):
    """One of the six strategic orientations of the Pacte régional (O1–O6)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("Pacte orientation")
        verbose_name_plural = _("Pacte orientations")


class PacteAction(ReferenceItem):
    """One of the ten flagship actions of the Pacte régional (A1–A10)."""

    official = models.BooleanField(
        _("official wording"),
        default=False,
        help_text=_("Unticked while the title is a working proposal awaiting the official text."),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("Pacte action")
        verbose_name_plural = _("Pacte actions")
