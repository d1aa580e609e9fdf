"""Public catalogue queries: accent-insensitive search, distance ordering, key figures.

PostgreSQL folds accents with its `unaccent` extension (created by migration 0002); SQLite gets
a deterministic `UNACCENT` SQL function registered on every connection (see apps.py), written
in Python with the same behaviour for the accents and ligatures of French, so that a search
gives the same results on both databases.
"""

import unicodedata

from django.db.models import CharField, F, FloatField, Func, TextField, Value
from django.db.models.functions import Coalesce, Concat, Replace, Sqrt

from .models import Commune

# Characters that Unicode decomposition leaves alone but PostgreSQL's unaccent rules expand.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})

# One degree of latitude, in kilometres.
KM_PER_DEGREE = 111.195
# cos(latitude) at the middle of Occitanie (≈ 43.7° N): shrinks longitude degrees to the same
# scale as latitude degrees. Over the region this equirectangular approximation errs by < 1 %.
LONGITUDE_SCALE = 0.73

MAX_SEARCH_WORDS = 8


def fold_accents(value):
    """`value` without accents or ligatures ("Épicerie Ariège" → "Epicerie Ariege")."""
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(value))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LIGATURES)


def register_sqlite_unaccent(sender, connection, **kwargs):
    """Give SQLite connections the UNACCENT() function that PostgreSQL has as an extension."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("UNACCENT", 1, fold_accents, deterministic=True)


class Unaccent(Func):
    function = "UNACCENT"
    output_field = TextField()


def search_words(text: str) -> list[str]:
    """The words of a free-text query, folded the way the database folds the columns."""
    return fold_accents(text or "").split()[:MAX_SEARCH_WORDS]


def search(queryset, text: str):
    """Initiatives whose name, descriptions, commune or département contain every word of
    `text`, ignoring case and accents."""
    words = search_words(text)
    if not words:
        return queryset
    queryset = queryset.alias(
        search_text=Unaccent(
            Concat(
                "name",
                Value(" "),
                "summary",
                Value(" "),
                "description",
                Value(" "),
                "commune__name",
                Value(" "),
                "departement__name",
                output_field=TextField(),
            )
        )
    )
    for word in words:
        queryset = queryset.filter(search_text__icontains=word)
    return queryset


def find_commune(text: str) -> Commune | None:
    """The commune named `text` (or with that INSEE code), ignoring case, accents and hyphens.

    When several communes share a name, the most populous wins; an exact name beats a prefix.
    """
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit():
        return Commune.objects.filter(insee_code=text).first()
    key = " ".join(fold_accents(text).replace("-", " ").replace("'", " ").split())
    communes = Commune.objects.alias(
        key=Replace(
            Replace(Unaccent("name"), Value("-"), Value(" ")),
            Value("'"),
            Value(" "),
            output_field=CharField(),
        )
    ).order_by(F("population").desc(nulls_last=True), "insee_code")
    return communes.filter(key__iexact=key).first() or communes.filter(key__istartswith=key).first()


def annotate_distance(queryset, commune: Commune):
    """Annotate `distance_km`, as the crow flies from `commune`.

    Computed in SQL so that ordering and pagination cover every result. An initiative without
    coordinates of its own is placed at its commune's centre.
    """
    latitude = Coalesce("latitude", "commune__latitude", output_field=FloatField())
    longitude = Coalesce("longitude", "commune__longitude", output_field=FloatField())
    d_lat = latitude - Value(commune.latitude)
    d_lon = (longitude - Value(commune.longitude)) * Value(LONGITUDE_SCALE)
    return queryset.annotate(distance_km=Sqrt(d_lat * d_lat + d_lon * d_lon) * Value(KM_PER_DEGREE))


def order_by_distance(queryset, commune: Commune):
    """Nearest to `commune` first (annotates `distance_km`)."""
    return annotate_distance(queryset, commune).order_by(
        F("distance_km").asc(nulls_last=True), "name", "pk"
    )
