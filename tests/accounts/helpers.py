import datetime

from django.utils import timezone

from accounts.step_forms import STEPS


def step_data(initiative, step: str, **overrides) -> dict:
    """The POST data of `step` as the edit page would send it unchanged, then `overrides`."""
    form = STEPS[step](instance=initiative)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name)
        if name == "commune":
            value = field.prepare_value(value)
        if isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif value is None:
            data[name] = "unknown" if name == "step_free_access" else ""
        elif isinstance(value, bool):
            data[name] = "true" if value else "false"
        else:
            data[name] = value
    data.update(overrides)
    return data


def years_ago(years: int, *, days: int = 0) -> datetime.datetime:
    """`years` calendar years before now, then `days` more (29 February: the 28th)."""
    now = timezone.now()
    try:
        moment = now.replace(year=now.year - years)
    except ValueError:
        moment = now.replace(year=now.year - years, day=28)
    return moment - datetime.timedelta(days=days)
