"""The public self-check: a visitor answers the published framework and sees the verdict."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from assessment.forms import AnswersForm, attach_engine_errors, framework_criteria
from assessment.presentation import result_context
from assessment.services import (
    SELF_CHECK_FRAMEWORK_KEY,
    SELF_CHECK_SESSION_KEY,
    evaluate_answers,
    published_framework,
)


@require_http_methods(["GET", "POST"])
def self_check(request):
    framework = published_framework()
    if framework is None:
        return render(request, "includes/no_framework.html", status=503)
    criteria = framework_criteria(framework)
    form = AnswersForm(request.POST or None, criteria=criteria)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome, suggestions = evaluate_answers(framework=framework, answers=form.answers())
        except ValidationError as error:
            attach_engine_errors(form, error)
        else:
            result = result_context(result=outcome, suggestions=suggestions)
            # Kept in the visitor's session only, so that registration can start pre-filled.
            request.session[SELF_CHECK_SESSION_KEY] = {
                row.code: row.answer for row in outcome.criteria if row.answer is not None
            }
            request.session[SELF_CHECK_FRAMEWORK_KEY] = framework.version
    return render(
        request,
        "catalogue/self_check.html",
        {"framework": framework, "form": form, "result": result},
    )
