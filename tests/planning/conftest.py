"""A small territory whose distances are computed by hand.

Every commune lies on the meridian 1° E, where a great-circle distance is the latitude
difference times 111.195 km (6,371 km × π / 180), so each distance below is a multiple of a
round number of kilometres:

    Haute-Garonne (31)                 Ariège (09)
    31001 Aville   43.0°   1,000 inh.  09001 Dville  42.5°  (55.597 km south of Aville) 300 inh.
    31002 Bville   +10 km    500 inh.
    31003 Cville   +25 km    200 inh.

`territory.outlet(commune, ...)` adds a validated initiative at the commune's point (no point
of its own), with a current assessment of the verdict asked.
"""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from planning.geo import KM_PER_DEGREE
from registry.models import Commune, Departement, InitiativeType, Status
from tests.api.conftest import token_client
from tests.factories import (
    AssessmentFactory,
    InitiativeFactory,
    MeasureFactory,
    PacteActionFactory,
    StoredAssessmentFactory,
    scoring_framework,
)

LAT0 = 43.0
LON = 1.0
# Answers under the scoring framework.
NOT_ELIGIBLE = {"E1": True, "C1": 35}  # 5 points out of the 10 needed
CONDITION_FAILED = {"E1": False, "C1": 35}


def north(km: float) -> float:
    """The latitude `km` north of LAT0 on the meridian."""
    return LAT0 + km / KM_PER_DEGREE


def square(lat: float, lon: float, half: float = 0.02) -> dict:
    """A small square outline around a point (GeoJSON, counter-clockwise)."""
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon - half, lat - half],
                [lon + half, lat - half],
                [lon + half, lat + half],
                [lon - half, lat + half],
                [lon - half, lat - half],
            ]
        ],
    }


def make_commune(code, name, departement, lat, population):
    return Commune.objects.create(
        insee_code=code,
        name=name,
        departement=departement,
        postal_codes=[code],
        population=population,
        latitude=lat,
        longitude=LON,
        outline=square(lat, LON),
    )


@pytest.fixture
def territory(db):
    haute_garonne = Departement.objects.create(
        code="31", name="Haute-Garonne", outline=square(LAT0, LON, 0.5)
    )
    ariege = Departement.objects.create(code="09", name="Ariège", outline=square(42.5, LON, 0.2))
    types = {
        code: InitiativeType.objects.create(code=code, name=name, name_en=name)
        for code, name in [("MAG_PROD", "Magasin"), ("AMAP", "AMAP"), ("HUB", "Halle")]
    }
    communes = SimpleNamespace(
        a=make_commune("31001", "Aville", haute_garonne, LAT0, 1000),
        b=make_commune("31002", "Bville", haute_garonne, north(10), 500),
        c=make_commune("31003", "Cville", haute_garonne, north(25), 200),
        d=make_commune("09001", "Dville", ariege, 42.5, 300),
    )
    framework = scoring_framework()

    def outlet(commune, *, verdict="eligible", status=Status.VALIDATED, type_code="MAG_PROD", **kw):
        initiative = InitiativeFactory(
            commune=commune,
            postal_code=commune.insee_code,
            latitude=None,
            longitude=None,
            status=status,
            type=types[type_code],
            **kw,
        )
        if verdict:
            StoredAssessmentFactory(initiative=initiative, framework=framework, verdict=verdict)
        return initiative

    return SimpleNamespace(
        departements=SimpleNamespace(haute_garonne=haute_garonne, ariege=ariege),
        communes=communes,
        types=types,
        framework=framework,
        outlet=outlet,
    )


@pytest.fixture
def world(territory, agent):
    """An eligible shop in Aville; not eligible: one in Cville (25 km north), one in Ariège
    (its condition E1 failed); an unvalidated one in Bville that is never targeted. Measure
    LOG1 helps criterion C1 (Pacte action A3), REG1 helps E1 and C1 (A9)."""

    def assessed(commune, answers, **kw):
        initiative = territory.outlet(commune, verdict=None, **kw)
        AssessmentFactory(initiative=initiative, framework=territory.framework, answers=answers)
        return initiative

    territory.aville = assessed(territory.communes.a, {"E1": True, "C1": 73})
    territory.cville = assessed(territory.communes.c, NOT_ELIGIBLE, name="Épicerie de Cville")
    territory.dville = assessed(territory.communes.d, CONDITION_FAILED, name="Halle de Dville")
    territory.draft = assessed(territory.communes.b, NOT_ELIGIBLE, status=Status.SUBMITTED)
    territory.log1 = MeasureFactory(
        code="LOG1", criterion_codes=["C1"], pacte_actions=[PacteActionFactory(code="A3")]
    )
    territory.reg1 = MeasureFactory(
        code="REG1", criterion_codes=["E1", "C1"], pacte_actions=[PacteActionFactory(code="A9")]
    )
    territory.agent = agent
    return territory


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def agent_api(agent):
    return token_client(agent)
