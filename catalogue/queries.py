"""What the public pages read: visible initiatives and the home page's key figures."""

from django.db.models import Count, Q

from assessment.queries import eligible as eligible_initiatives
from assessment.queries import with_current_assessment
from registry.models import Departement, Initiative, InitiativeType, Status


def public_initiatives():
    """The initiatives the public may see, with their references and current verdict."""
    return with_current_assessment(Initiative.objects.validated().with_references())


def key_figures() -> dict:
    """Figures for the home page: validated initiatives by département and type, share eligible."""
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
    }
