"""The pure coverage function, on hand-computed distances along the meridian 1° E."""

import pytest

from planning.coverage import (
    CommunePoint,
    Outlet,
    coverage,
    distance_class,
    nearest_outlets,
    summarise,
    with_new_outlets,
)
from planning.geo import KM_PER_DEGREE

FAMILIES = ("shops", "baskets", "markets", "hubs")


def at(km: float) -> float:
    return 43.0 + km / KM_PER_DEGREE


COMMUNES = [
    CommunePoint("31001", "Aville", "31", 1000, at(0), 1.0),
    CommunePoint("31002", "Bville", "31", 500, at(10), 1.0),  # exactly 10 km from Aville
    CommunePoint("31003", "Cville", "31", 200, at(25), 1.0),
    CommunePoint("09001", "Dville", "09", 300, 42.5, 1.0),  # 0.5° = 55.597 km south
]
SHOP_IN_AVILLE = Outlet(1, at(0), 1.0, "shops", "31")


def by_code(result):
    return {row.commune.code: row for row in result.communes}


def test_distances_are_hand_computed_ones_rounded_to_the_metre():
    result = by_code(coverage(COMMUNES, [SHOP_IN_AVILLE], 10, FAMILIES))

    assert result["31001"].distance_km == 0
    assert result["31002"].distance_km == 10.0
    assert result["31003"].distance_km == 25.0
    assert result["09001"].distance_km == 55.597


def test_a_commune_exactly_at_the_threshold_is_within_it():
    result = by_code(coverage(COMMUNES, [SHOP_IN_AVILLE], 10, FAMILIES))

    assert result["31002"].within
    assert not result["31003"].within
    assert not by_code(coverage(COMMUNES, [SHOP_IN_AVILLE], 9.999, FAMILIES))["31002"].within


def test_a_departement_with_no_eligible_outlet_has_all_its_population_beyond():
    result = coverage(COMMUNES, [SHOP_IN_AVILLE], 10, FAMILIES)

    ariege = result.departements["09"]
    assert (ariege.outlets, ariege.communes_beyond, ariege.population_beyond) == (0, 1, 300)
    assert ariege.population_beyond_percent == 100.0
    haute_garonne = result.departements["31"]
    assert (haute_garonne.outlets, haute_garonne.population_beyond) == (1, 200)
    assert (result.region.population, result.region.population_beyond) == (2000, 500)


def test_without_any_outlet_every_commune_is_beyond_and_in_the_last_class():
    result = coverage(COMMUNES, [], 10, FAMILIES)

    assert all(row.distance_km is None and not row.within for row in result.communes)
    assert {row.distance_class for row in result.communes} == {5}
    assert result.region.population_beyond == 2000


def test_hubs_count_for_their_family_but_not_overall():
    hub = Outlet(2, at(25), 1.0, "hubs", "31")

    row = by_code(coverage(COMMUNES, [SHOP_IN_AVILLE, hub], 10, FAMILIES))["31003"]

    assert row.distance_km == 25.0
    assert row.nearest.distance("hubs") == 0
    assert row.nearest.distance("shops") == 25.0
    assert row.nearest.distance("baskets") is None


def test_types_of_no_family_count_overall():
    other = Outlet(3, at(25), 1.0, "other", "31")

    row = by_code(coverage(COMMUNES, [SHOP_IN_AVILLE, other], 10, FAMILIES))["31003"]

    assert (row.distance_km, row.nearest.outlet_id) == (0, 3)


def test_outlets_without_a_point_count_in_their_departement_but_not_in_distances():
    unplaced = Outlet(4, None, None, "shops", "09")

    result = coverage(COMMUNES, [SHOP_IN_AVILLE, unplaced], 10, FAMILIES)

    assert result.departements["09"].outlets == 1
    assert by_code(result)["09001"].distance_km == 55.597


@pytest.mark.parametrize(
    ("distance", "expected"),
    [(0, 0), (5, 0), (5.001, 1), (10, 1), (15, 2), (20, 3), (20.001, 4), (None, 5)],
)
def test_distance_classes_follow_the_threshold(distance, expected):
    assert distance_class(distance, 10) == expected


def test_white_zones_are_the_communes_beyond_from_a_population_farthest_first():
    result = coverage(COMMUNES, [SHOP_IN_AVILLE], 10, FAMILIES)

    assert [row.commune.code for row in result.white_zones()] == ["09001", "31003"]
    assert [row.commune.code for row in result.white_zones(min_population=250)] == ["09001"]


def test_adding_outlets_incrementally_equals_recomputing():
    new = [Outlet(5, at(24), 1.0, "baskets", "31"), Outlet(6, 42.5, 1.0, "hubs", "09")]
    before = nearest_outlets(COMMUNES, [SHOP_IN_AVILLE], FAMILIES)

    merged = with_new_outlets(COMMUNES, before, new, FAMILIES)

    assert merged == nearest_outlets(COMMUNES, [SHOP_IN_AVILLE, *new], FAMILIES)
    assert summarise(COMMUNES, merged, 10, families=FAMILIES).region.population_beyond == 300
