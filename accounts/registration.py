"""The retailers' space: their initiatives, the registration steps, submission and the commune search."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.self_check import self_check_initial
from accounts.step_forms import STEPS, IdentityForm, LocationForm
from assessment.models import Framework
from assessment.queries import with_current_assessment
from assessment.services import SELF_CHECK_FRAMEWORK_KEY, SELF_CHECK_SESSION_KEY
from core.permissions import retailer_required
from core.roles import is_agent
from registry.communes import commune_index
from registry.models import (
    PRACTICE_FIELDS,
    SOURCING_FIELDS,
    Claim,
    Initiative,
    Status,
)
from registry.search import fold
from registry.services.initiatives import (
    M2M_FIELDS,
    RE_MODERATION_FIELDS,
    ConcurrencyConflict,
    create_initiative,
    update_initiative,
)
from registry.services.workflow import submit_initiative

NEW_INITIATIVE_SESSION_KEY = "new_initiative_identity"
STEP_NAMES = list(STEPS)


# Retailer space ------------------------------------------------------------------------------


@retailer_required
def my_initiatives(request):
    initiatives = with_current_assessment(
        Initiative.objects.owned_by(request.user).with_references()
    ).order_by("-updated_at")
    # The assessment app's result tag reads this prefetched list instead of querying per row;
    # the model is reached through the reverse relation, as the registry does not import it.
    assessment_model = Initiative._meta.get_field("assessments").related_model
    initiatives = initiatives.prefetch_related(
        Prefetch(
            "assessments",
            queryset=assessment_model.objects.filter(is_current=True).select_related("framework"),
            to_attr="current_assessments",
        )
    )
    initiatives = initiatives.prefetch_related("needs")
    for initiative in initiatives:
        initiative.edit_step = (
            first_incomplete_step(initiative)
            if initiative.status == Status.DRAFT
            else STEP_NAMES[0]
        )
    claims = (
        Claim.objects.filter(claimant=request.user)
        .select_related("initiative")
        .order_by("-created_at")
    )
    return render(
        request,
        "accounts/my_initiatives.html",
        {
            "initiatives": initiatives,
            "claims": claims,
            "editable_statuses": [
                Status.DRAFT,
                Status.SUBMITTED,
                Status.VALIDATED,
                Status.REJECTED,
            ],
            "submittable_statuses": [Status.DRAFT, Status.REJECTED],
        },
    )


def _editable_initiative(request, slug) -> Initiative:
    """The initiative, for its owners and agents; anyone else's answers 404 like an unknown
    slug (a 403 would tell which slugs exist, drafts included)."""
    initiatives = (
        Initiative.objects.all()
        if is_agent(request.user)
        else Initiative.objects.owned_by(request.user)
    )
    initiative = get_object_or_404(
        initiatives.select_related("type", "commune", "departement"), slug=slug
    )
    if initiative.status == Status.ARCHIVED:
        raise PermissionDenied(_("An archived initiative can no longer be edited."))
    return initiative


@retailer_required
def initiative_create(request, step="identite"):
    """Steps 1 and 2 of a new initiative; it is saved as a draft once it has a location."""
    if step not in ("identite", "lieu"):
        raise Http404
    stored = request.session.get(NEW_INITIATIVE_SESSION_KEY)
    identity = IdentityForm(stored) if stored else IdentityForm()
    if step == "lieu" and not (stored and identity.is_valid()):
        return redirect("accounts:initiative-create")

    if step == "identite":
        form = IdentityForm(request.POST or stored or None)
        if request.method == "POST" and form.is_valid():
            request.session[NEW_INITIATIVE_SESSION_KEY] = {
                name: request.POST.get(name, "") for name in IdentityForm._meta.fields
            }
            return redirect("accounts:initiative-create-step", step="lieu")
    else:
        form = LocationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = {**identity.cleaned_data, **form.cleaned_data}
            data.pop("version", None)
            try:
                initiative = create_initiative(
                    initiative=Initiative(**{k: v for k, v in data.items() if k not in M2M_FIELDS}),
                    relations={k: v for k, v in data.items() if k in M2M_FIELDS},
                    owner=request.user,
                )
            except ValidationError as error:
                # Rare: someone registered the same SIRET meanwhile.
                form.add_error(None, error)
            else:
                del request.session[NEW_INITIATIVE_SESSION_KEY]
                messages.success(request, _("Draft saved. You can come back to it at any time."))
                return redirect(
                    "accounts:initiative-edit", slug=initiative.slug, step="approvisionnement"
                )
    return render(
        request,
        "accounts/initiative_form.html",
        {"form": form, "step": step, "steps": _steps(step, None), "initiative": None},
    )


def _steps(current: str, initiative):
    return [
        {
            "slug": slug,
            "title": form_class.title,
            "number": number,
            "current": slug == current,
            "url": reverse("accounts:initiative-edit", args=[initiative.slug, slug])
            if initiative
            else None,
        }
        for number, (slug, form_class) in enumerate(STEPS.items(), start=1)
    ]


@retailer_required
def initiative_edit(request, slug, step="identite"):
    initiative = _editable_initiative(request, slug)
    form_class = STEPS.get(step)
    if form_class is None:
        raise Http404
    conflict = None
    if request.method == "POST":
        form = form_class(request.POST, instance=initiative)
        if form.is_valid():
            try:
                saved, changed = update_initiative(
                    initiative=initiative,
                    changes=form.changes(),
                    expected_version=form.cleaned_data["version"] or 0,
                    by=request.user,
                    moderated=not is_agent(request.user),
                )
            except ConcurrencyConflict as error:
                conflict = error
                data = request.POST.copy()
                data["version"] = error.current.version
                form = form_class(data, instance=error.current)
                form.is_valid()
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if request.POST.get("action") == "submit":
                    # "Send for moderation" belongs to the step's form: what was typed on
                    # this page is saved above, then the initiative is submitted.
                    return _submit(request, saved)
                if (
                    changed
                    and saved.status == Status.SUBMITTED
                    and initiative.status == Status.VALIDATED
                ):
                    messages.warning(
                        request,
                        _(
                            "Saved. You changed facts that moderation checks (%(fields)s), so "
                            "the initiative goes back to moderation: it no longer appears in "
                            "the public catalogue until an agent validates it again."
                        )
                        % {"fields": ", ".join(_field_labels(form, changed))},
                    )
                else:
                    messages.success(request, _("Saved."))
                return _after_save(request, saved, step)
    else:
        initial = _self_check_prefill(request, initiative, form_class)
        form = form_class(instance=initiative, initial=initial)
        if initial:
            messages.info(request, _("Some figures come from your self-check: please check them."))
    return render(
        request,
        "accounts/initiative_form.html",
        {
            "form": form,
            "step": step,
            "steps": _steps(step, initiative),
            "initiative": initiative,
            "conflict": conflict,
            "is_last": step == STEP_NAMES[-1],
            "can_submit": initiative.status in (Status.DRAFT, Status.REJECTED),
            "re_moderation_fields": _re_moderation_fields(request, initiative, form),
        },
    )


def _self_check_facts(version) -> dict[str, str]:
    """{criterion code: registry fact} of the framework the self-check was answered under (the
    published one when unknown), in its order; empty when there is no such framework. A
    framework published since then may give a code another meaning: the answers are read with
    the criteria they answered."""
    frameworks = Framework.objects
    framework = (
        frameworks.filter(version=version).first() if isinstance(version, int) else None
    ) or frameworks.published().first()
    if framework is None:
        return {}
    return dict(
        framework.criteria.exclude(prefill_source="")
        .order_by("position", "code")
        .values_list("code", "prefill_source")
    )


def _self_check_prefill(request, initiative, form_class) -> dict:
    """Initial values of the step's fields that the visitor's self-check answered and that the
    initiative does not know yet."""
    answers = request.session.get(SELF_CHECK_SESSION_KEY)
    if not answers:
        return {}
    version = request.session.get(SELF_CHECK_FRAMEWORK_KEY)
    prefill = self_check_initial(answers, _self_check_facts(version))
    initial = {}
    for name, value in prefill.items():
        if name not in form_class.base_fields:
            continue
        current = getattr(initiative, name)
        known = current.exists() if hasattr(current, "exists") else current is not None
        if not known:
            initial[name] = value
    return initial


def _re_moderation_fields(request, initiative, form) -> list[str]:
    """Labels of the fields of `form` whose change unpublishes `initiative` (a validated one
    edited by its owner) until an agent validates it again; empty when none applies."""
    if initiative.status != Status.VALIDATED or is_agent(request.user):
        return []
    return _field_labels(form, RE_MODERATION_FIELDS)


def _field_labels(form, names) -> list[str]:
    """Labels of the fields of `form` named in `names`, in the order of the form."""
    return [str(field.label) for name, field in form.fields.items() if name in names]


def first_incomplete_step(initiative) -> str:
    """The step to open when someone goes back to a draft: the first one left empty.

    A draft always has its identity and location (it is saved with them); the following steps
    are optional, so a step counts as incomplete when none of its fields has a value. Expects
    products, labels and needs prefetched.
    """
    filled = {
        "approvisionnement": initiative.products.all()
        or any(
            getattr(initiative, name) is not None
            for name in SOURCING_FIELDS
            if name not in PRACTICE_FIELDS
        ),
        "pratiques": any(getattr(initiative, name) is not None for name in PRACTICE_FIELDS),
        "labels": initiative.labels.all(),
        "besoins": initiative.needs.all(),
    }
    for step in STEP_NAMES:
        if step in filled and not filled[step]:
            return step
    return STEP_NAMES[0]


def _after_save(request, initiative, step):
    action = request.POST.get("action", "save")
    position = STEP_NAMES.index(step)
    if action == "next" and position + 1 < len(STEP_NAMES):
        return redirect(
            "accounts:initiative-edit", slug=initiative.slug, step=STEP_NAMES[position + 1]
        )
    if action == "finish":
        if is_agent(request.user) and not initiative.owners.filter(pk=request.user.pk).exists():
            return redirect("backoffice:initiative", slug=initiative.slug)
        return redirect("accounts:my-initiatives")
    return redirect("accounts:initiative-edit", slug=initiative.slug, step=step)


@require_POST
@retailer_required
def initiative_submit(request, slug):
    return _submit(request, _editable_initiative(request, slug))


def _submit(request, initiative):
    try:
        submit_initiative(initiative=initiative, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("accounts:initiative-edit", slug=initiative.slug, step="identite")
    messages.success(
        request,
        _("“%(name)s” is sent for moderation. You will receive an e-mail once it is reviewed.")
        % {"name": initiative.name},
    )
    return redirect("accounts:my-initiatives")


# Commune search (JSON for the search-as-you-type field) ---------------------------------------


@login_required
@require_GET
def commune_search(request):
    """Communes whose name starts with (or contains) `q`, optionally within a postal code,
    with their point (where the location step's map goes when one is picked)."""
    query = fold(request.GET.get("q", ""))
    postal_code = request.GET.get("postal_code", "").strip()
    if len(query) < 2 and len(postal_code) != 5:
        return JsonResponse({"results": []})
    matches = _search_communes(query, postal_code if len(postal_code) == 5 else "")
    if not matches and query and postal_code:
        # A mistyped postal code should not hide the commune the person is typing.
        matches = _search_communes(query, "")
    return JsonResponse({"results": matches})


def _search_communes(query: str, postal_code: str) -> list[dict]:
    """Up to 20 communes, the one named `query` exactly first (case, accents, hyphens and
    apostrophes ignored: registry.search.fold), then those with a word starting with it, the
    most populous first."""
    matches = []
    for entry in commune_index():
        if postal_code and postal_code not in entry.postal_codes:
            continue
        if query and not entry.key.startswith(query) and f" {query}" not in entry.key:
            continue
        matches.append(entry)
    matches.sort(key=lambda entry: entry.key != query)  # stable: by population within
    return [
        {
            "insee_code": entry.insee_code,
            "name": entry.name,
            "postal_codes": list(entry.postal_codes),
            "label": f"{entry.name} — {entry.insee_code}",
            "latitude": entry.latitude,
            "longitude": entry.longitude,
        }
        for entry in matches[:20]
    ]
