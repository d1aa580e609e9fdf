"""Great-circle distances and the nearest-point index, against hand-computed values."""

import math
import random

import pytest

from planning.geo import KM_PER_DEGREE, PointIndex, haversine_km


def test_one_degree_of_latitude_is_111_195_km():
    # 6,371 × π / 180 = 111.19493 km, whatever the longitude.
    assert haversine_km(43.0, 1.0, 44.0, 1.0) == pytest.approx(111.19493, abs=1e-5)
    assert round(KM_PER_DEGREE, 5) == 111.19493


def test_one_degree_of_longitude_at_60_degrees_is_about_half_of_that():
    # 2R·asin(cos 60° · sin 0.5°) = 2 × 6,371 × asin(0.5 × 0.0087265) = 55.5969 km.
    assert haversine_km(60.0, 0.0, 60.0, 1.0) == pytest.approx(55.5969, abs=1e-4)


def test_distance_is_symmetric_and_zero_at_the_same_point():
    assert haversine_km(43.6, 1.44, 43.61, 3.88) == haversine_km(43.61, 3.88, 43.6, 1.44)
    assert haversine_km(43.6, 1.44, 43.6, 1.44) == 0


def test_toulouse_to_montpellier_is_about_196_km():
    # Town halls: Toulouse 43.60426 N 1.44367 E, Montpellier 43.61092 N 3.87723 E; the
    # parallel at 43.6° gives 2.43356° × 111.195 × cos 43.6° ≈ 195.9 km.
    assert haversine_km(43.60426, 1.44367, 43.61092, 3.87723) == pytest.approx(195.9, abs=0.2)


def test_an_empty_index_finds_nothing():
    assert PointIndex([]).nearest(43.0, 1.0) is None


def test_the_index_finds_the_nearest_point_and_its_distance():
    index = PointIndex([(43.0 + 10 / KM_PER_DEGREE, 1.0, "ten"), (43.0 + 0.5, 1.0, "far")])

    distance, key = index.nearest(43.0, 1.0)

    assert key == "ten"
    assert distance == pytest.approx(10.0, abs=1e-9)


@pytest.mark.parametrize(
    "spread",
    [
        pytest.param(lambda rng: (rng.uniform(42.3, 45.1), rng.uniform(-0.3, 4.9)), id="uniform"),
        pytest.param(
            lambda rng: (43.6 + rng.gauss(0, 0.03), 1.44 + rng.gauss(0, 0.03)), id="clustered"
        ),
        pytest.param(lambda rng: (43.6, 1.44), id="all at one point"),
    ],
)
def test_the_index_agrees_with_a_brute_force_search(spread):
    rng = random.Random(7)
    points = [(*spread(rng), n) for n in range(600)] + [(44.9, 4.8, "outlier")]
    index = PointIndex(points)

    for _ in range(200):
        lat, lon = rng.uniform(42.0, 45.5), rng.uniform(-0.7, 5.2)
        expected = min(haversine_km(lat, lon, p_lat, p_lon) for p_lat, p_lon, _key in points)
        distance, _key = index.nearest(lat, lon)
        assert math.isclose(distance, expected, abs_tol=1e-6)
