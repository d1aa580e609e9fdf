"""Reference data (distribution types, products, labels, needs, communes, départements), saved
and deleted with the search text of the initiatives that refer to them."""

from django.db import transaction

from ..communes import forget_commune_index
from ..models import Commune, Initiative
from ..search import initiatives_referring_to, refresh_search_text

NAME_FIELDS = ("name", "name_en")


@transaction.atomic
def save_reference(*, item, changed_fields=None) -> int:
    """Save a reference row (distribution type, product family, label, need, commune,
    département…) and, when one of its names changed (`changed_fields`; None: maybe), the search
    text of the initiatives that refer to it. Returns how many search texts changed.

    The admin saves reference rows through here: a curator who renames a label makes the
    initiatives carrying it findable by the new name at once.
    """
    item.save()
    if isinstance(item, Commune):
        forget_commune_index()
    if changed_fields is not None and not set(NAME_FIELDS).intersection(changed_fields):
        return 0
    return refresh_search_text(initiatives_referring_to([item]))


@transaction.atomic
def delete_references(*, items) -> None:
    """Delete reference rows (a queryset or a list of one model) and refresh the search text of
    the initiatives that carried them (deleting a label takes it off every initiative)."""
    rows = list(items)
    affected = list(initiatives_referring_to(rows).values_list("pk", flat=True))
    if hasattr(items, "delete"):  # a queryset: one query, as the admin does
        items.delete()
    else:
        for item in rows:
            item.delete()
    if rows and isinstance(rows[0], Commune):
        forget_commune_index()
    refresh_search_text(Initiative.objects.filter(pk__in=affected))
