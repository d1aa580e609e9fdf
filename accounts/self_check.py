"""Self-check → registration: the answers of the public self-check as initial values of the
registration steps."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms

from registry.models import Initiative, Intermediaries

from .step_forms import STEPS

# The framework's criteria name the registry fact that pre-fills them (Criterion.prefill_source,
# whose values are the names of Initiative fields for plain facts). Read the other way, a
# self-check answer gives the initial value of that field in the registration steps. Facts that
# are not a field of a step (in Occitanie, legal id, governance from the legal form, territory
# from the commune's population) cannot be read back and are left out.
#
# Choice answers that spell a registry choice differently: the assessment's pre-filler writes
# Intermediaries as "none" / "one" / "mixed" (tests check both directions agree).
SELF_CHECK_CHOICE_ANSWERS = {
    "intermediaries": {
        "none": Intermediaries.NONE,
        "one": Intermediaries.ONE,
        "mixed": Intermediaries.MORE,
    },
}


def _step_fields() -> dict[str, forms.Field]:
    """Every field of the initiative steps, by name."""
    return {
        name: field
        for form_class in STEPS.values()
        for name, field in form_class.base_fields.items()
        if name != "version"
    }


def _self_check_value(name: str, field: forms.Field, answer):
    """The initial value of `field` given by a self-check answer; ValueError when it does not
    fit (wrong type, unknown choice, out of range)."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        # Reference items (labels…) are keyed by their code; unknown codes match no checkbox.
        if isinstance(answer, str):
            answer = [answer]
        if not isinstance(answer, list | tuple) or not all(isinstance(a, str) for a in answer):
            raise ValueError(name)
        return sorted({a.strip() for a in answer if a.strip()}) or None
    if isinstance(field, forms.MultipleChoiceField):
        # Codes among the field's choices; an empty list is an answer ("none of these").
        known = {str(value) for value, _label in field.choices}
        if not isinstance(answer, list | tuple) or not all(
            isinstance(a, str) and a in known for a in answer
        ):
            raise ValueError(name)
        return sorted(set(answer))
    if isinstance(field, forms.NullBooleanField | forms.BooleanField):
        if not isinstance(answer, bool):
            raise ValueError(name)
        return answer
    if isinstance(answer, bool) or not isinstance(answer, str | int | float | Decimal):
        raise ValueError(name)
    if isinstance(field, forms.TypedChoiceField):
        aliases = SELF_CHECK_CHOICE_ANSWERS.get(name, {})
        value = aliases.get(answer, answer) if isinstance(answer, str) else answer
        try:
            return field.clean(str(int(value)) if isinstance(value, int) else value)
        except forms.ValidationError:
            raise ValueError(name) from None
    if isinstance(field, forms.DecimalField | forms.IntegerField | forms.FloatField):
        try:
            number = Decimal(str(answer).strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError(name) from None
        if not number.is_finite():
            raise ValueError(name)
        # Round to what the field stores (whole percentages, FTE to one decimal).
        if isinstance(field, forms.DecimalField):
            places = field.decimal_places
        elif isinstance(field, forms.FloatField):
            places = None
        else:
            places = 0
        try:
            if places is not None:
                number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            value = field.clean(str(number))
        except (InvalidOperation, forms.ValidationError):
            raise ValueError(name) from None
        if value is None:
            raise ValueError(name)
        return value
    raise ValueError(name)  # a kind of field answers cannot fill


def _self_check_fact(name: str, field: forms.Field, answer):
    """`_self_check_value`, then the model field's own validators (ranges of percentages,
    hours…), which a model form only runs when it saves."""
    value = _self_check_value(name, field, answer)
    if value is not None and not isinstance(field, forms.ModelMultipleChoiceField):
        try:
            Initiative._meta.get_field(name).run_validators(value)
        except forms.ValidationError:
            raise ValueError(name) from None
    return value


def self_check_initial(answers, facts) -> dict:
    """Initial values of registration fields taken from self-check answers.

    `answers` is {criterion code: answer} as the self-check keeps it in the session; `facts` is
    {criterion code: registry fact} of the framework those answers were given under (its
    criteria's pre-fill sources). Answers that do not fit the field are ignored; when several
    criteria fill the same field, the first one (in `facts` order) wins.
    """
    initial = {}
    if not isinstance(answers, dict) or not isinstance(facts, dict):
        return initial
    fields = _step_fields()
    for code, fact in facts.items():
        field = fields.get(fact)
        if field is None or fact in initial or answers.get(code) is None:
            continue
        try:
            value = _self_check_fact(fact, field, answers[code])
        except ValueError:
            continue
        if value is not None:
            initial[fact] = value
    return initial
