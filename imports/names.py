"""Names near a place: the index that finds, among many names, those very close to one within
NEARBY_KM, for the import's warnings about possible duplicates."""

from __future__ import annotations

import difflib
import math
from collections import defaultdict
from dataclasses import dataclass

from registry.communes import KM_PER_DEGREE, LONGITUDE_SCALE

from . import cells

# Possible duplicates: names this alike (0 to 1, difflib's ratio on folded names without
# articles), this close (km).
NAME_SIMILARITY = 0.85
NEARBY_KM = 1.0
GRID_LAT = NEARBY_KM / KM_PER_DEGREE
GRID_LON = NEARBY_KM / (KM_PER_DEGREE * LONGITUDE_SCALE)
ARTICLES = frozenset({"le", "la", "les", "l", "de", "du", "des", "d", "et", "a", "au", "aux"})
# A word shared by more names than this around a place tells nothing ("épicerie", "marché"):
# names are compared only when they share a rarer word, or are equal.
COMMON_WORD = 30


def name_key(name: str) -> str:
    """A name as duplicates are compared: folded, without articles."""
    return " ".join(word for word in cells.fold(name).split() if word not in ARTICLES)


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    d_lat = a[0] - b[0]
    d_lon = (a[1] - b[1]) * LONGITUDE_SCALE
    return math.hypot(d_lat, d_lon) * KM_PER_DEGREE


def _cell(position: tuple[float, float]) -> tuple[int, int]:
    return math.floor(position[0] / GRID_LAT), math.floor(position[1] / GRID_LON)


@dataclass(eq=False)
class Known:
    """An initiative of the registry, or a row of the file that creates one, as the duplicate
    check sees it."""

    name: str
    key: str
    position: tuple[float, float]
    label: str  # how a message names it


class NameIndex:
    """Names by place (a grid of NEARBY_KM cells) and by word, to find the names close to one
    within NEARBY_KM without comparing every pair."""

    def __init__(self):
        self._cells: dict[tuple[int, int], dict[str, list[Known]]] = defaultdict(
            lambda: defaultdict(list)
        )

    def add(self, known: Known) -> None:
        words = self._cells[_cell(known.position)]
        words["=" + known.key].append(known)
        for word in set(known.key.split()):
            words[word].append(known)

    def _around(self, position, word: str) -> list[Known]:
        row, col = _cell(position)
        return [
            known
            for d_row in (-1, 0, 1)
            for d_col in (-1, 0, 1)
            for known in self._cells.get((row + d_row, col + d_col), {}).get(word, ())
        ]

    def close_names(self, position, key: str) -> list[tuple[Known, float]]:
        """(name, distance in km) of the names within NEARBY_KM equal or very close to `key`."""
        candidates = {id(known): known for known in self._around(position, "=" + key)}
        for word in set(key.split()):
            around = self._around(position, word)
            if len(around) <= COMMON_WORD:
                candidates.update((id(known), known) for known in around)
        found = []
        for known in candidates.values():
            distance = _distance_km(position, known.position)
            if distance > NEARBY_KM:
                continue
            if known.key == key or (
                difflib.SequenceMatcher(None, key, known.key).ratio() >= NAME_SIMILARITY
            ):
                found.append((known, distance))
        return found
