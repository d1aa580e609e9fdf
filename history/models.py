"""The versions of the tracked models, kept by django-simple-history in this app's tables.

Registering the models here rather than with a `HistoricalRecords()` field on each keeps every
history table and migration in one app, out of the way of the registry's, the assessment's and
the recommendations' own migrations.

What is recorded, and what is not (see also core/history.py):

- Initiatives: every write through registry.services (create, update, status change,
  anonymisation) and any plain save(), one version each, with its products, labels and needs
  as codes (`relations`), who and why (an import names its file, a restore its version).
  Not recorded: the search text (derived), the owners (claims and accounts keep that trace).
- Assessments: each new assessment, by whom. Not recorded: the bulk re-scoring of a published
  framework (assessment.rescore writes its rows with one INSERT per batch; each row still says
  when, by whom and under which framework), nor `is_current` flags, which follow from the rows.
- Frameworks and criteria: every save (the admin, duplication), publication and retirement.
- Measures: every save, with their Pacte actions, needs and target types.
"""

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from assessment.models import Assessment, Criterion, Framework
from core import history
from recommendations.models import Measure
from registry.models import Initiative

INITIATIVE_RELATIONS = ("products", "labels", "needs")


class Recorder(HistoricalRecords):
    """simple-history's recorder, asking core.history who acts and why when the instance and
    the request do not say."""

    def get_history_user(self, instance):
        if hasattr(instance, "_history_user"):
            return instance._history_user
        acting = history.current()
        if acting.user is not None:
            return acting.user
        return super().get_history_user(instance)

    def get_change_reason_for_object(self, instance, history_type, using):
        reason = super().get_change_reason_for_object(instance, history_type, using)
        return reason or history.current().reason or None


class InitiativeVersionBase(models.Model):
    """What a version of an initiative holds beyond its own columns."""

    relations = models.JSONField(
        _("products, labels and needs"),
        default=dict,
        help_text=_("Codes of the products, labels and needs at the time, by relation."),
    )

    class Meta:
        abstract = True


def _track(model, **options) -> None:
    """simple_history.register(), keeping the recorder for core.history.record()."""
    recorder = Recorder(**options)
    recorder.manager_name = "history"
    recorder.table_name = None
    recorder.module = __name__
    recorder.cls = model
    recorder.add_extra_methods(model)
    recorder.finalize(model)
    history.track(model, recorder)


_track(
    Initiative,
    # Derived or bookkeeping columns: the search text follows the other fields, and the version's
    # own date says when it was saved.
    excluded_fields=["search_text", "search_name", "updated_at"],
    bases=[InitiativeVersionBase],
    verbose_name=_("version of an initiative"),
    verbose_name_plural=_("versions of initiatives"),
)
_track(
    Assessment,
    # The engine derives both from the answers, which are kept.
    excluded_fields=["explanation", "suggestions"],
    verbose_name=_("version of an assessment"),
    verbose_name_plural=_("versions of assessments"),
)
_track(
    Framework,
    verbose_name=_("version of a framework"),
    verbose_name_plural=_("versions of frameworks"),
)
_track(
    Criterion,
    verbose_name=_("version of a criterion"),
    verbose_name_plural=_("versions of criteria"),
)
_track(
    Measure,
    m2m_fields=["pacte_actions", "needs", "target_types"],
    verbose_name=_("version of a measure"),
    verbose_name_plural=_("versions of measures"),
)

HistoricalInitiative = Initiative.history.model


def relation_codes(initiative) -> dict[str, list[str]]:
    """{relation: sorted codes} of `initiative`'s products, labels and needs, from the database
    (or from a prefetch, when the caller made one)."""
    codes = {}
    for name in INITIATIVE_RELATIONS:
        manager = getattr(initiative, name)
        prefetched = getattr(initiative, "_prefetched_objects_cache", {}).get(name)
        if prefetched is not None:
            codes[name] = sorted(item.pk for item in prefetched)
        else:
            codes[name] = sorted(manager.values_list("pk", flat=True))
    return codes


@receiver(pre_create_historical_record, sender=HistoricalInitiative)
def _snapshot_relations(sender, instance, history_instance, **kwargs):
    history_instance.relations = relation_codes(instance)
