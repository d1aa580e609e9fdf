"""Communes as people type them, and distances from a commune.

A commune typed loosely ("castelnau le lez", "Saint-Paul (65)", a postal or INSEE code) is looked
up in an index of every commune's folded name kept in the cache; distances are computed in SQL
with an equirectangular approximation, good to 1 % over the region.
"""

import re
from dataclasses import dataclass

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, FloatField, Value
from django.db.models.functions import Coalesce, Sqrt

from .models import Commune
from .search import fold

# One degree of latitude, in kilometres.
KM_PER_DEGREE = 111.195
# cos(latitude) at the middle of Occitanie (≈ 43.7° N): shrinks longitude degrees to the same
# scale as latitude degrees. Over the region this equirectangular approximation errs by < 1 %.
LONGITUDE_SCALE = 0.73

COMMUNE_INDEX_CACHE_KEY = "registry:commune-index:v1"
# "Saint-Paul (65)", "Albi 81000", "Foix — 09122": a département code, postal code or INSEE code
# after the name narrows the choice.
_COMMUNE_SUFFIX = re.compile(r"^(?P<name>.*?)[\s,—–(-]*\b(?P<code>\d{5}|\d[\dAB]\d?)\)?\s*$")


@dataclass(frozen=True)
class CommuneEntry:
    insee_code: str
    name: str
    key: str
    departement_id: str
    postal_codes: tuple[str, ...]
    latitude: float | None
    longitude: float | None

    @property
    def label(self) -> str:
        """How a choice is shown, and can be typed back: "Saint-Paul (65)"."""
        return f"{self.name} ({self.departement_id})"

    def commune(self) -> Commune:
        """The commune, without a query: the fields the index holds, the others deferred."""
        known = {
            "insee_code": self.insee_code,
            "name": self.name,
            "departement_id": self.departement_id,
            "postal_codes": list(self.postal_codes),
            "latitude": self.latitude,
            "longitude": self.longitude,
        }
        # from_db() takes the values in the order of the model's fields.
        fields = [f.attname for f in Commune._meta.concrete_fields if f.attname in known]
        return Commune.from_db(DEFAULT_DB_ALIAS, fields, [known[name] for name in fields])


def commune_index() -> list[CommuneEntry]:
    """Every commune with its folded name, the most populous first (cached for an hour,
    forgotten when a commune is saved through registry.services.references.save_reference)."""
    index = cache.get(COMMUNE_INDEX_CACHE_KEY)
    if index is None:
        rows = Commune.objects.order_by(F("population").desc(nulls_last=True), "name").values_list(
            "insee_code", "name", "departement_id", "postal_codes", "latitude", "longitude"
        )
        index = [
            CommuneEntry(code, name, fold(name), dep, tuple(postal_codes), lat, lon)
            for code, name, dep, postal_codes, lat, lon in rows
        ]
        cache.set(COMMUNE_INDEX_CACHE_KEY, index, 3600)
    return index


def forget_commune_index() -> None:
    cache.delete(COMMUNE_INDEX_CACHE_KEY)


def match_communes(text: str, *, postal_code: str = "") -> list[CommuneEntry]:
    """The communes `text` may name, the most populous first: the ones whose name it is
    (case, accents, hyphens and apostrophes ignored: "castelnau le lez"), else the ones whose
    name starts with it; an INSEE code; a postal code; or a name followed by a département code,
    postal code or INSEE code ("Saint-Paul (65)"). `postal_code`, when given, keeps the communes
    it serves, unless none of the matches is one of them (a mistyped postal code)."""
    text = (text or "").strip()
    if not text:
        return []
    index = commune_index()
    code = ""
    if suffix := _COMMUNE_SUFFIX.match(text):
        text, code = suffix["name"], suffix["code"].upper()
    key = fold(text)
    if not key:  # a code alone: the commune with that INSEE code, else those of a postal code
        return [e for e in index if e.insee_code == code] or [
            e for e in index if len(code) == 5 and code in e.postal_codes
        ]
    exact = [entry for entry in index if entry.key == key]
    prefix = [entry for entry in index if entry.key.startswith(key) and entry.key != key]
    if code:
        exact, prefix = (
            [e for e in entries if code in (e.insee_code, e.departement_id, *e.postal_codes)]
            for entries in (exact, prefix)
        )
    candidates = [exact, prefix]
    if postal_code:
        served = [[e for e in entries if postal_code in e.postal_codes] for entries in candidates]
        candidates = [*served, *candidates]
    return next((entries for entries in candidates if entries), [])


def choice_labels(matches: list[CommuneEntry]) -> list[str]:
    """How to show communes to choose from, each in a form match_communes() reads back as that
    commune alone: "Saint-Paul (65)", or with its INSEE code when the département is not
    enough."""
    labels = [entry.label for entry in matches]
    return [
        label if labels.count(label) == 1 else f"{entry.name} ({entry.insee_code})"
        for label, entry in zip(labels, matches, strict=True)
    ]


def find_commune(text: str) -> Commune | None:
    """The commune `text` names (see match_communes) when it names only one."""
    matches = match_communes(text)
    return matches[0].commune() if len(matches) == 1 else None


# --- Distances ---------------------------------------------------------------------------------


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
