"""What the public pages read: visible initiatives, the map's verdicts and the home page's key
figures."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from assessment.models import Verdict
from assessment.queries import eligible as eligible_initiatives
from assessment.queries import with_current_assessment
from planning.queries import DEFAULT_THRESHOLD_KM, departement_summary
from registry.models import Departement, Initiative, InitiativeType, Status

NOT_ASSESSED = "not_assessed"


@dataclass(frozen=True)
class MapVerdict:
    """How the map shows a verdict: a symbol and a shape (CSS class) besides the colour, so that
    the legend and the markers do not rely on colour alone, and the words."""

    code: str
    label: str | Promise
    symbol: str

    @property
    def css_class(self) -> str:
        return "verdict-" + self.code.replace("_", "-")


# In the legend's order. The labels are the verdict badges' words (list, detail page).
MAP_VERDICTS = (
    MapVerdict(Verdict.ELIGIBLE.value, _("Eligible"), "✓"),
    MapVerdict(Verdict.NOT_ELIGIBLE.value, _("Not eligible"), "✕"),
    MapVerdict(Verdict.INCOMPLETE.value, _("Assessment incomplete"), "!"),
    MapVerdict(NOT_ASSESSED, _("Not assessed yet"), "?"),
)
MAP_VERDICT_BY_CODE = {verdict.code: verdict for verdict in MAP_VERDICTS}


def map_verdict(code: str | None) -> MapVerdict:
    """The map's verdict for an initiative's current verdict (None: not assessed)."""
    return MAP_VERDICT_BY_CODE.get(code or NOT_ASSESSED, MAP_VERDICT_BY_CODE[NOT_ASSESSED])


def public_initiatives():
    """The initiatives the public may see, with their references and current verdict."""
    return with_current_assessment(Initiative.objects.validated().with_references())


def key_figures() -> dict:
    """Figures for the home page: validated initiatives by département and type, share eligible,
    and per département the population beyond 10 km of an eligible outlet (planning)."""
    validated = Q(initiatives__status=Status.VALIDATED)
    total = Initiative.objects.validated().count()
    eligible = eligible_initiatives(Initiative.objects.validated()).count() if total else 0
    by_departement = Departement.objects.annotate(count=Count("initiatives", filter=validated))
    by_type = (
        InitiativeType.objects.annotate(count=Count("initiatives", filter=validated))
        .filter(count__gt=0)
        .order_by("-count", "code")
    )
    return {
        "total": total,
        "eligible": eligible,
        "eligible_percent": round(100 * eligible / total) if total else 0,
        "by_departement": list(by_departement),
        "by_type": list(by_type),
        "coverage_km": DEFAULT_THRESHOLD_KM,
        "coverage": departement_summary(DEFAULT_THRESHOLD_KM),
    }
