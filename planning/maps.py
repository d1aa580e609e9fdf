"""The choropleth's geometry: commune and département outlines as SVG paths, projected on the
server (`planning.svg`) and cached until the outlines change."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db.models import Count, Sum, TextField
from django.db.models.functions import Cast, Length

from registry.models import Commune, Departement

from . import svg
from .queries import cached

MAP_WIDTH = 1000


@dataclass(frozen=True)
class MapGeometry:
    width: int
    height: int
    communes: dict[str, str]  # INSEE code → path data
    departements: dict[str, str]  # code → path data


def outline_version() -> str:
    """A fingerprint of the outlines (their number and total length as text)."""
    parts = [
        Commune.objects.aggregate(
            n=Count("outline"), size=Sum(Length(Cast("outline", TextField())))
        ),
        Departement.objects.aggregate(
            n=Count("outline"), size=Sum(Length(Cast("outline", TextField())))
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def _geometry(departement: str | None) -> MapGeometry:
    communes = Commune.objects.exclude(outline__isnull=True)
    departements = Departement.objects.exclude(outline__isnull=True)
    if departement:
        communes = communes.filter(departement_id=departement)
        departements = departements.filter(code=departement)
    commune_outlines = dict(communes.values_list("insee_code", "outline"))
    departement_outlines = dict(departements.values_list("code", "outline"))
    box = svg.bounds([*commune_outlines.values(), *departement_outlines.values()])
    if box is None:
        return MapGeometry(MAP_WIDTH, 0, {}, {})
    projection = svg.projection(box, MAP_WIDTH)
    return MapGeometry(
        width=projection.width,
        height=projection.height,
        communes={code: svg.path(o, projection) for code, o in commune_outlines.items()},
        departements={code: svg.path(o, projection) for code, o in departement_outlines.items()},
    )


def map_geometry(departement: str | None = None) -> MapGeometry:
    """The outlines of the région's communes (or of one département's) and départements."""
    return cached(
        f"map-{departement or 'region'}", outline_version(), lambda: _geometry(departement)
    )
