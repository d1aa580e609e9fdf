"""Loading a framework for the engine, and the answers an assessment starts from: registry
facts (pre-filling) and the answers of the initiative's current assessment (carry-over)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from registry.models import PRACTICE_FIELDS, Initiative, LegalForm

from . import engine
from .models import Framework, PrefillSource

OCCITANIE_DEPARTEMENTS = frozenset(
    {"09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"}
)
INTERMEDIARY_CHOICES = {0: "none", 1: "one", 2: "mixed"}
GOVERNANCE_BY_LEGAL_FORM = {
    LegalForm.SCIC: "coop",
    LegalForm.SCOP: "coop",
    LegalForm.COOPERATIVE: "coop",
    LegalForm.FARM: "producers",
}


# C10 "Territoire": the Région's options name a commune size beside each zoning ("FRR / FRR+ or
# commune under 2,000 inhabitants", "QPV or commune under 3,500 inhabitants"). The zonings
# themselves (France Ruralités Revitalisation communes, priority urban districts) are not in any
# data we hold offline, so the commune's population (INSEE, population municipale) decides:
# a proxy of rural versus urban. An outlet in a larger FRR commune or in a QPV gets "other" and
# the agent corrects it on the answer sheet, which says the answer was derived.
TERRITORY_BY_POPULATION = ((2000, "frr"), (3500, "qpv"))
TERRITORY_OTHERWISE = "other"


def _number(value):
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def _codes(value):
    """A list of codes, sorted; None (unknown) stays None, [] ("none of these") stays []."""
    if value is None:
        return None
    return sorted(value)


def _commune_population(initiative):
    # Bulk re-scoring reads facts as plain rows with the population alongside.
    if hasattr(initiative, "commune_population"):
        return initiative.commune_population
    commune = getattr(initiative, "commune", None)
    return commune.population if commune is not None else None


def territory_from_population(population):
    """The C10 option a commune of `population` inhabitants gets (None when unknown)."""
    if population is None:
        return None
    for limit, option in TERRITORY_BY_POPULATION:
        if population < limit:
            return option
    return TERRITORY_OTHERWISE


# Each pre-filler reads an initiative already loaded with its commune (and labels when used).
PREFILLERS: dict[str, Callable[[Initiative], object]] = {
    PrefillSource.IN_OCCITANIE: lambda i: (
        i.departement_id in OCCITANIE_DEPARTEMENTS if i.departement_id else None
    ),
    PrefillSource.LEGAL_ID: lambda i: bool(i.siret or i.rna) or None,
    PrefillSource.REGIONAL_PURCHASE_SHARE: lambda i: _number(i.regional_purchase_share),
    PrefillSource.SHORT_CIRCUIT_SHARE: lambda i: _number(i.short_circuit_share),
    PrefillSource.ORGANIC_SHARE: lambda i: _number(i.organic_share),
    PrefillSource.QUALITY_SHARE: lambda i: _number(i.quality_share),
    PrefillSource.PRODUCER_PRICE_SHARE: lambda i: _number(i.producer_price_share),
    PrefillSource.PARTNER_PRODUCERS: lambda i: _number(i.partner_producers),
    PrefillSource.INTERMEDIARIES: lambda i: INTERMEDIARY_CHOICES.get(i.intermediaries),
    PrefillSource.STAFF_FTE: lambda i: _number(i.staff_fte),
    PrefillSource.WEEKLY_OPENING_HOURS: lambda i: _number(i.weekly_opening_hours),
    PrefillSource.STEP_FREE_ACCESS: lambda i: i.step_free_access,
    # What the retailer declared, else what the legal form says for sure.
    PrefillSource.LEGAL_FORM_GOVERNANCE: lambda i: (
        i.governance or GOVERNANCE_BY_LEGAL_FORM.get(i.legal_form)
    ),
    PrefillSource.LABELS: lambda i: _label_codes(i) or None,
    PrefillSource.FOOD_RETAIL_MAIN_ACTIVITY: lambda i: i.food_retail_main_activity,
    PrefillSource.COMPLIANCE_DECLARED: lambda i: i.compliance_declared,
    PrefillSource.ENVIRONMENTAL_PRACTICES: lambda i: _codes(i.environmental_practices),
    PrefillSource.SOCIAL_ACCESS_SCHEMES: lambda i: _codes(i.social_access_schemes),
    PrefillSource.OUTREACH_EVENTS: lambda i: _number(i.outreach_events_per_year),
    PrefillSource.WORK_INTEGRATION_JOBS: lambda i: i.work_integration_jobs,
    PrefillSource.FOOD_POLICY_PARTNERSHIP: lambda i: i.food_policy_partnership or None,
    PrefillSource.FINANCIAL_SITUATION: lambda i: i.financial_situation or None,
    PrefillSource.COMMUNE_POPULATION: lambda i: territory_from_population(_commune_population(i)),
}


def _label_codes(initiative) -> list[str]:
    codes = getattr(initiative, "label_codes", None)  # set by bulk re-scoring
    if codes is None:
        codes = sorted(label.code for label in initiative.labels.all())
    return codes


PREFILL_FIELDS = (
    "pk",
    "name",
    "slug",
    "departement_id",
    "siret",
    "rna",
    "legal_form",
    "regional_purchase_share",
    "short_circuit_share",
    "organic_share",
    "quality_share",
    "producer_price_share",
    "partner_producers",
    "intermediaries",
    "staff_fte",
    "weekly_opening_hours",
    "step_free_access",
    *PRACTICE_FIELDS,
)


@dataclass(frozen=True)
class LoadedFramework:
    """A framework's definition for the engine, plus what pre-filling needs."""

    framework: Framework
    definition: engine.FrameworkDef
    prefill: dict[str, str]  # criterion code -> prefill source

    @property
    def uses_labels(self) -> bool:
        return PrefillSource.LABELS in self.prefill.values()


def load_framework(framework: Framework) -> LoadedFramework:
    criteria = list(framework.criteria.order_by("position", "code"))
    definition = engine.FrameworkDef(
        version=framework.version,
        title=framework.title,
        min_score=framework.min_score,
        criteria=tuple(c.definition() for c in criteria),
    )
    prefill = {c.code: c.prefill_source for c in criteria if c.prefill_source}
    return LoadedFramework(framework, definition, prefill)


def framework_definition(framework: Framework) -> engine.FrameworkDef:
    return load_framework(framework).definition


def answers_from_facts(loaded: LoadedFramework, initiative: Initiative) -> dict:
    """`prefill_answers` for a framework loaded once (bulk re-scoring, the impact preview)."""
    answers = {}
    by_code = {c.code: c for c in loaded.definition.criteria}
    for code, source in loaded.prefill.items():
        value = PREFILLERS[source](initiative)
        if value is None:
            continue
        try:
            answers[code] = engine.clean_answer(by_code[code], value)
        except ValueError:
            continue  # a fact that does not fit the question is left for the agent
    return answers


def prefill_answers(*, framework: Framework, initiative: Initiative) -> dict:
    """Answers ({criterion code: value}) that registry facts give for `framework`."""
    return answers_from_facts(load_framework(framework), initiative)


def carry_over(*, old: engine.FrameworkDef | None, new: engine.FrameworkDef, answers: dict) -> dict:
    """Keep the answers whose criterion exists in `new` with the same code and question."""
    if not answers:
        return {}
    old_signatures = old.signatures() if old else {}
    new_signatures = new.signatures()
    kept = {}
    for criterion in new.criteria:
        code = criterion.code
        if code not in answers:
            continue
        if old is not None and old_signatures.get(code) == new_signatures[code]:
            # Stored answers were cleaned under `old`: same question, same valid answer.
            kept[code] = answers[code]
            continue
        if old is not None:
            continue  # the question changed: its old answer does not carry over
        try:
            kept[code] = engine.clean_answer(criterion, answers[code])
        except ValueError:
            continue
    return kept


def starting_answers(*, framework: Framework, initiative: Initiative) -> dict:
    """What the assessment form starts from: the current answers, else the registry facts."""
    loaded = load_framework(framework)
    answers = answers_from_facts(loaded, initiative)
    current = initiative.assessments.filter(is_current=True).select_related("framework").first()
    if current:
        old = (
            loaded.definition
            if current.framework_id == framework.pk
            else framework_definition(current.framework)
        )
        answers.update(carry_over(old=old, new=loaded.definition, answers=current.answers))
    return answers
