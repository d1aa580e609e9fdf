"""Where initiatives are: départements and communes, with their outlines for the maps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def outline_field():
    return models.JSONField(
        _("outline"),
        null=True,
        blank=True,
        help_text=_("Simplified boundary: a GeoJSON geometry in longitude, latitude."),
    )


class Departement(models.Model):
    code = models.CharField(_("INSEE code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    outline = outline_field()

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self):
        return f"{self.name} ({self.code})"


class Commune(models.Model):
    insee_code = models.CharField(_("INSEE code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name=_("département"),
    )
    postal_codes = models.JSONField(
        _("postal codes"), default=list, help_text=_("Every postal code that serves the commune.")
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    outline = outline_field()

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return f"{self.name} ({self.departement_id})"
