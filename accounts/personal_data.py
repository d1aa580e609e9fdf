"""Everything the registry holds about one account and the initiatives it owns, as one JSON
document (GDPR right of access and to portability, articles 15 and 20).

Other people's personal data stay out: co-owners are counted, not named, and agents appear as
"by_you": false, as they do in the retailers' space.
"""

import json

from axes.models import AccessLog
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.utils import timezone

from assessment.models import Assessment
from recommendations.models import FollowUp
from registry.models import Claim, Initiative
from registry.services.initiatives import M2M_FIELDS

FILENAME = "mes-donnees.json"


def personal_data(user) -> dict:
    """The account of `user`, the initiatives it owns (every field, status history, follow-ups,
    assessments), its claims and its recorded log-ins."""
    initiatives = (
        Initiative.objects.owned_by(user)
        .select_related("type", "commune", "departement")
        .prefetch_related(
            *M2M_FIELDS,
            "owners",
            "status_changes",
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("framework").order_by("assessed_at"),
            ),
            Prefetch(
                "measure_followups",
                queryset=FollowUp.objects.select_related("measure")
                .prefetch_related("events")
                .order_by("proposed_on", "pk"),
            ),
        )
        .order_by("pk")
    )
    claims = Claim.objects.filter(claimant=user).select_related("initiative").order_by("pk")
    log_ins = AccessLog.objects.filter(username__in=login_names(user)).order_by("attempt_time")
    return {
        "generated_at": timezone.now(),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_active": user.is_active,
            "roles": sorted(user.groups.values_list("name", flat=True)),
        },
        "initiatives": [_initiative(initiative, user) for initiative in initiatives],
        "claims": [_claim(claim) for claim in claims],
        "log_ins": [
            {
                "at": log.attempt_time,
                "logged_out_at": log.logout_time,
                "ip_address": log.ip_address,
                "user_agent": log.user_agent,
            }
            for log in log_ins
        ],
    }


def login_names(user) -> set[str]:
    """The names django-axes may have recorded the log-ins of `user` under (lower-cased e-mail
    addresses: accounts.views.axes_username)."""
    names = {name for name in (user.get_username(), user.email) if name}
    return names | {name.lower() for name in names}


def personal_data_json(user) -> str:
    return json.dumps(personal_data(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _initiative(initiative: Initiative, user) -> dict:
    data = {
        field.name: field.value_from_object(initiative)
        for field in Initiative._meta.concrete_fields
    }
    for name in M2M_FIELDS:
        data[name] = [item.pk for item in getattr(initiative, name).all()]
    data["other_owners"] = sum(1 for owner in initiative.owners.all() if owner.pk != user.pk)
    data["status_history"] = [
        {
            "from": change.from_status,
            "to": change.to_status,
            "at": change.changed_at,
            "by_you": change.changed_by_id == user.pk,
            "reason": change.reason,
        }
        for change in sorted(initiative.status_changes.all(), key=lambda c: (c.changed_at, c.pk))
    ]
    data["assessments"] = [
        {
            "framework_version": assessment.framework.version,
            "assessed_at": assessment.assessed_at,
            "current": assessment.is_current,
            "verdict": assessment.verdict,
            "score": assessment.score,
            "max_score": assessment.max_score,
            "answers": assessment.answers,
            "explanation": assessment.explanation,
            "suggestions": assessment.suggestions,
        }
        for assessment in initiative.assessments.all()
    ]
    data["follow_ups"] = [
        _follow_up(followup, user) for followup in initiative.measure_followups.all()
    ]
    return data


def _follow_up(followup: FollowUp, user) -> dict:
    return {
        "measure": followup.measure.code,
        "measure_title": followup.measure.title,
        "state": followup.state,
        "proposed_on": followup.proposed_on,
        "started_on": followup.started_on,
        "closed_on": followup.closed_on,
        "comment": followup.comment,
        "score_before": followup.score_before,
        "max_score_before": followup.max_score_before,
        "verdict_before": followup.verdict_before,
        "score_after": followup.score_after,
        "max_score_after": followup.max_score_after,
        "verdict_after": followup.verdict_after,
        "steps": [
            {
                "state": event.state,
                "at": event.at,
                "by_you": event.by_id == user.pk,
                "comment": event.comment,
            }
            for event in followup.events.all()
        ],
    }


def _claim(claim: Claim) -> dict:
    return {
        "initiative": claim.initiative.slug,
        "initiative_name": claim.initiative.name,
        "siret": claim.siret,
        "message": claim.message,
        "confirmation_sent_to": claim.email_sent_to,
        "status": claim.status,
        "created_at": claim.created_at,
        "email_confirmed_at": claim.email_confirmed_at,
        "decided_at": claim.decided_at,
        "decision_reason": claim.decision_reason,
    }
