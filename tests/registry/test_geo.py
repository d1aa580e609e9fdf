import pytest

from registry.geo import bounds, contains

# A 4 × 4 square with a 2 × 2 hole in the middle, and a separate unit square to the east.
SQUARE_WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]],
        [[1, 1], [1, 3], [3, 3], [3, 1], [1, 1]],
    ],
}
TWO_PARTS = {
    "type": "MultiPolygon",
    "coordinates": [
        SQUARE_WITH_HOLE["coordinates"],
        [[[10, 0], [11, 0], [11, 1], [10, 1], [10, 0]]],
    ],
}


@pytest.mark.parametrize(
    ("lon", "lat", "inside"),
    [
        (0.5, 0.5, True),  # in the ring between the exterior and the hole
        (3.5, 2.0, True),
        (2.0, 2.0, False),  # in the hole
        (5.0, 2.0, False),  # east of the square
        (-1.0, 2.0, False),
        (2.0, 4.5, False),  # north of it
    ],
)
def test_contains_a_polygon_with_a_hole(lon, lat, inside):
    assert contains(SQUARE_WITH_HOLE, lon, lat) is inside


def test_contains_any_part_of_a_multipolygon():
    assert contains(TWO_PARTS, 10.5, 0.5)
    assert contains(TWO_PARTS, 0.5, 0.5)
    assert not contains(TWO_PARTS, 2.0, 2.0)
    assert not contains(TWO_PARTS, 7.0, 0.5)


def test_contains_refuses_what_is_not_a_polygon():
    with pytest.raises(ValueError):
        contains({"type": "Point", "coordinates": [0, 0]}, 0, 0)
    with pytest.raises(ValueError):
        contains(None, 0, 0)


def test_bounds():
    assert bounds(TWO_PARTS) == (0, 0, 11, 4)
