"""Action plans (planning app): agents and curators compose them, simulate them with the engine
(nothing is written to assessments), compare two, export and print them.

A large plan's simulation runs in the background (planning.tasks): its page then shows the
progress and reloads itself (a refresh `<meta>`, no script) until the figures are in."""

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessment.forms import AnswersForm, attach_engine_errors, framework_criteria
from assessment.prefill import load_framework
from assessment.services import published_framework
from core.permissions import agent_required
from planning import impact, services, tasks
from planning.exports import plan_table
from planning.forms import CompareForm, PlanForm, PlanMeasureForm, ThresholdForm
from planning.models import Plan, PlanMeasure
from registry.models import Departement, PacteAction

from .coverage_views import download


def _plans():
    return tasks.plans().select_related("created_by")


def _loaded():
    framework = published_framework()
    return load_framework(framework) if framework else None


@agent_required
def plan_list(request):
    plans = _plans().annotate(measures=Count("items", distinct=True))
    return render(request, "backoffice/plan_list.html", {"plans": plans, "compare": CompareForm()})


@agent_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    form = PlanForm(request.POST or None)
    if form.is_valid():
        plan = services.create_plan(by=request.user, **form.cleaned_data)
        messages.success(request, _("Plan “%(title)s” created.") % {"title": plan})
        return redirect(plan)
    return render(request, "backoffice/plan_form.html", {"form": form})


@agent_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = get_object_or_404(Plan, pk=pk)
    # The service reads the plan again (locked) and records what differs from the input.
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        plan = services.update_plan(plan=plan, by=request.user, **form.cleaned_data)
        messages.success(request, _("Plan “%(title)s” saved.") % {"title": plan})
        return redirect(plan)
    return render(request, "backoffice/plan_form.html", {"form": form, "plan": plan})


def _item_rows(items, result, followups, english: bool, labels_fr: dict, labels_en: dict):
    rows = []
    for item in items:
        effect = [
            ((labels_en if english else labels_fr).get(code, code), code, _answer(value))
            for code, value in (item.expected_effect or {}).items()
        ]
        rows.append(
            {
                "item": item,
                "targets": result.targets_by_item.get(item.pk, 0) if result else None,
                "newly_eligible": result.summary.by_measure.get(item.measure_id, 0)
                if result
                else None,
                "effect": effect,
                "followups": followups.get(item.pk),
            }
        )
    return rows


@agent_required
def plan_detail(request, pk):
    plan = get_object_or_404(_plans(), pk=pk)
    threshold = ThresholdForm(request.GET or None).threshold_km()
    loaded = _loaded()
    items = impact.plan_items(plan)
    simulation = (
        tasks.plan_simulation(plan, loaded, items=items, threshold_km=threshold, by=request.user)
        if loaded
        else None
    )
    result = simulation.result if simulation else None
    followups = impact.followup_results(plan, items, loaded)
    criteria = loaded.definition.criteria if loaded else ()
    english = request.LANGUAGE_CODE == "en"
    names = dict(Departement.objects.order_by("code").values_list("code", "name"))
    actions = {a.code: a.label for a in PacteAction.objects.all()}
    return render(
        request,
        "backoffice/plan_detail.html",
        {
            "plan": plan,
            "threshold_form": ThresholdForm(initial={"threshold": threshold}),
            "threshold": threshold,
            "download_query": urlencode({"threshold": threshold}),
            "framework": loaded.framework if loaded else None,
            "simulation": simulation,
            "refresh": tasks.POLL_SECONDS if simulation and simulation.pending else None,
            "result": result,
            "rows": _item_rows(
                items,
                result,
                followups,
                english,
                {c.code: c.label for c in criteria},
                {c.code: c.label_en or c.label for c in criteria},
            ),
            "by_departement": _by_departement(result, names) if result else [],
            "by_action": [
                (code, actions.get(code, code), count)
                for code, count in sorted(result.summary.by_action.items())
            ]
            if result
            else [],
            "newly_eligible": [
                (outcome, *result.names[outcome.id]) for outcome in result.newly_eligible
            ]
            if result
            else [],
            "has_results": any(r.done for r in followups.values()),
            "changes": [
                (change, _change_lines(change))
                for change in plan.changes.select_related("by")[:100]
            ],
        },
    )


def _answer(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, int | float):
        return number_format(value)
    return str(value)


def _change_lines(change) -> list[tuple]:
    """(field label, before, after) of a recorded change, labels in the reader's language."""
    model = PlanMeasure if change.measure_code else Plan
    lines = []
    for name, values in (change.changes or {}).items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        label = field.verbose_name if field else name
        choices = dict(field.flatchoices) if field and field.choices else {}
        before, after = (values + [None, None])[:2] if isinstance(values, list) else (None, values)
        lines.append(
            _("%(label)s: %(before)s → %(after)s")
            % {
                "label": capfirst(label),
                "before": _shown(_label(choices, before)),
                "after": _shown(_label(choices, after)),
            }
        )
    return lines


def _label(choices: dict, value):
    """The label of a choice, else the value itself (lists and effects are not choices)."""
    return choices.get(value, value) if isinstance(value, str) else value


def _shown(value) -> str:
    if value in (None, "", [], {}):
        return "–"
    if isinstance(value, dict):  # an expected effect
        return ", ".join(f"{code} → {_answer(answer)}" for code, answer in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _by_departement(result, names) -> list[tuple]:
    population = result.population_newly_within_by_departement
    codes = sorted(set(result.summary.by_departement) | set(population))
    return [
        (code, names.get(code, code), result.summary.by_departement.get(code, 0), population[code])
        for code in codes
    ]


@agent_required
def plan_download(request, pk, fmt):
    plan = get_object_or_404(_plans(), pk=pk)
    threshold = ThresholdForm(request.GET or None).threshold_km()
    loaded = _loaded()
    if loaded is None:
        return render(request, "includes/no_framework.html", status=503)
    simulation = tasks.plan_simulation(plan, loaded, threshold_km=threshold, by=request.user)
    if simulation.result is None:
        # Still being simulated, or failed: the plan's page says which.
        return redirect(f"{plan.get_absolute_url()}?threshold={threshold}")
    header, rows = plan_table(simulation.result)
    return download(request, fmt, header, rows, name=f"plan-{plan.pk}", title=_("Plan"))


@agent_required
@require_POST
def plan_simulation_retry(request, pk):
    """Start a failed simulation again, then back to the page that showed it (`next`)."""
    plan = get_object_or_404(_plans(), pk=pk)
    threshold = ThresholdForm(request.POST).threshold_km()
    loaded = _loaded()
    if loaded is not None:
        tasks.retry_simulation(plan, loaded, threshold_km=threshold, by=request.user)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = f"{plan.get_absolute_url()}?threshold={threshold}"
    return redirect(back)


@agent_required
def plan_compare(request):
    form = CompareForm(request.GET or None)
    columns = []
    if form.is_valid():
        loaded = _loaded()
        threshold = form.cleaned_data["threshold"]
        for plan in (form.cleaned_data["first"], form.cleaned_data["second"]):
            plan = _plans().get(pk=plan.pk)
            simulation = (
                tasks.plan_simulation(plan, loaded, threshold_km=threshold, by=request.user)
                if loaded
                else None
            )
            columns.append(
                {
                    "plan": plan,
                    "simulation": simulation,
                    "result": simulation.result if simulation else None,
                }
            )
    names = dict(Departement.objects.order_by("code").values_list("code", "name"))
    actions = {a.code: a.label for a in PacteAction.objects.all()}
    departements = sorted(
        {code for c in columns if c["result"] for code in c["result"].summary.by_departement}
    )
    action_codes = sorted(
        {code for c in columns if c["result"] for code in c["result"].summary.by_action}
    )
    return render(
        request,
        "backoffice/plan_compare.html",
        {
            "form": form,
            "columns": columns,
            "threshold": form.cleaned_data["threshold"] if columns else None,
            "refresh": tasks.POLL_SECONDS
            if any(c["simulation"] and c["simulation"].pending for c in columns)
            else None,
            "departement_rows": [
                (
                    names.get(code, code),
                    [
                        c["result"].summary.by_departement.get(code, 0) if c["result"] else None
                        for c in columns
                    ],
                )
                for code in departements
            ],
            "action_rows": [
                (
                    code,
                    actions.get(code, code),
                    [
                        c["result"].summary.by_action.get(code, 0) if c["result"] else None
                        for c in columns
                    ],
                )
                for code in action_codes
            ],
        },
    )


# --- the measures of a plan ------------------------------------------------------------------


@agent_required
@require_http_methods(["GET", "POST"])
def plan_measure_add(request, pk):
    plan = get_object_or_404(Plan, pk=pk)
    form = PlanMeasureForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_plan_measure(
                plan=plan,
                measure=form.cleaned_data["measure"],
                by=request.user,
                initiatives=form.cleaned_data["picked"],
                loaded=_loaded(),
                **form.values(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Measure %(code)s added. Its expected effect starts from the criteria it "
                    "helps and the engine's suggestions: check it."
                )
                % {"code": item.measure_id},
            )
            return redirect("backoffice:plan-measure-edit", pk=plan.pk, item=item.pk)
    return render(request, "backoffice/plan_measure_form.html", {"plan": plan, "form": form})


@agent_required
@require_http_methods(["GET", "POST"])
def plan_measure_edit(request, pk, item):
    item = get_object_or_404(
        PlanMeasure.objects.select_related("plan", "measure"), pk=item, plan_id=pk
    )
    framework = published_framework()
    criteria = framework_criteria(framework) if framework else []
    helped = set(item.measure.criterion_codes or ()) | set(item.expected_effect or {})
    criteria.sort(key=lambda c: c.code not in helped)  # the measure's criteria first
    form = PlanMeasureForm(request.POST or None, instance=item, plan=item.plan)
    effect_form = AnswersForm(
        request.POST or None,
        criteria=criteria,
        initial=AnswersForm.initial_from(item.expected_effect or {}),
        prefix="effect",
    )
    if request.method == "POST" and form.is_valid() and effect_form.is_valid():
        try:
            services.update_plan_measure(
                item=item,
                by=request.user,
                initiatives=form.cleaned_data["picked"],
                loaded=load_framework(framework) if framework else None,
                expected_effect=effect_form.answers(),
                **form.values(),
            )
        except ValidationError as error:
            attach_engine_errors(effect_form, error)
        else:
            messages.success(request, _("Measure %(code)s saved.") % {"code": item.measure_id})
            return redirect(item.plan)
    return render(
        request,
        "backoffice/plan_measure_form.html",
        {
            "plan": item.plan,
            "item": item,
            "form": form,
            "effect_form": effect_form,
            "helped_count": sum(1 for c in criteria if c.code in helped),
        },
    )


@agent_required
@require_POST
def plan_measure_remove(request, pk, item):
    item = get_object_or_404(PlanMeasure.objects.select_related("plan"), pk=item, plan_id=pk)
    plan = item.plan
    services.remove_plan_measure(item=item, by=request.user)
    messages.success(
        request, _("Measure %(code)s removed from the plan.") % {"code": item.measure_id}
    )
    return redirect(plan)
