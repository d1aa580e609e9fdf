"""The matching function is pure: these tests build plain dataclasses, no database."""

from django.utils import translation

from recommendations.matching import (
    CriterionResult,
    InitiativeProfile,
    MeasureInfo,
    rank_measures,
)


def measure(code, *, needs=(), criteria=(), types=(), status="adopted", priority=2):
    return MeasureInfo(
        code=code,
        title=f"Measure {code}",
        status=status,
        priority=priority,
        need_codes=frozenset(needs),
        criterion_codes=frozenset(criteria),
        target_type_codes=frozenset(types),
    )


PROFILE = InitiativeProfile(
    type_code="MAG_PROD",
    need_codes=frozenset({"K_LOG", "K_FIN"}),
    need_labels={"K_LOG": "logistics", "K_FIN": "financing"},
    criteria=(
        CriterionResult("C1", "local sourcing", points=5, max_points=15),
        CriterionResult("C5", "organic", points=10, max_points=10),
        CriterionResult(
            "E4", "short circuit", points=0, max_points=0, failed=True, eliminatory=True
        ),
        CriterionResult("C13", "outreach", points=None, max_points=3),
    ),
)


def codes(suggestions):
    return [s.measure.code for s in suggestions]


def test_it_ranks_two_needs_above_one_need():
    ranked = rank_measures(
        [measure("ONE", needs={"K_LOG"}), measure("TWO", needs={"K_LOG", "K_FIN"})], PROFILE
    )

    assert codes(ranked) == ["TWO", "ONE"]


def test_a_failed_eliminatory_condition_outweighs_a_declared_need():
    ranked = rank_measures(
        [measure("NEED", needs={"K_LOG"}), measure("ELIM", criteria={"E4"})], PROFILE
    )

    assert codes(ranked) == ["ELIM", "NEED"]


def test_a_weak_criterion_counts_but_a_strong_or_unanswered_one_does_not():
    ranked = rank_measures(
        [
            measure("WEAK", criteria={"C1"}),
            measure("FULL", criteria={"C5"}),
            measure("NA", criteria={"C13"}),
        ],
        PROFILE,
    )

    assert codes(ranked) == ["WEAK"]


def test_unrelated_abandoned_and_excluded_measures_are_left_out():
    ranked = rank_measures(
        [
            measure("UNRELATED", needs={"K_DIG"}),
            measure("GONE", needs={"K_LOG"}, status="abandoned"),
            measure("FOLLOWED", needs={"K_LOG"}),
            measure("KEPT", needs={"K_LOG"}),
        ],
        PROFILE,
        exclude={"FOLLOWED"},
    )

    assert codes(ranked) == ["KEPT"]


def test_type_targeting_excludes_other_types_and_favours_the_right_one():
    ranked = rank_measures(
        [
            measure("AMAP_ONLY", needs={"K_LOG"}, types={"AMAP"}),
            measure("SHOPS", needs={"K_LOG"}, types={"MAG_PROD"}),
            measure("ALL", needs={"K_LOG"}),
        ],
        PROFILE,
    )

    assert codes(ranked) == ["SHOPS", "ALL"]
    assert ranked[0].reasons[-1].kind == "type"


def test_priority_then_status_then_code_break_ties():
    ranked = rank_measures(
        [
            measure("B", needs={"K_LOG"}, priority=3),
            measure("A", needs={"K_LOG"}, priority=3),
            measure("C", needs={"K_LOG"}, priority=1),
            measure("D", needs={"K_LOG"}, priority=3, status="in_place"),
            measure("E", needs={"K_LOG"}, priority=3, status="proposed"),
        ],
        PROFILE,
    )

    assert codes(ranked) == ["C", "D", "A", "B", "E"]


def test_a_broad_measure_does_not_outrank_a_focused_one():
    every_need = {f"K_{n}" for n in range(10)} | {"K_LOG", "K_FIN"}
    ranked = rank_measures(
        [measure("OBS", needs=every_need), measure("LOG", needs={"K_LOG"})], PROFILE
    )

    assert codes(ranked) == ["LOG", "OBS"]


def test_each_suggestion_carries_its_reasons_in_the_active_language():
    ranked = rank_measures([measure("M", needs={"K_LOG"}, criteria={"C1", "E4"})], PROFILE, limit=1)

    with translation.override("en"):
        english = ranked[0].reason_texts
    with translation.override("fr"):
        french = ranked[0].reason_texts

    assert english == [
        "addresses declared need: logistics",
        "helps meet eligibility condition: short circuit",
        "helps criterion: local sourcing",
    ]
    assert french[0] == "répond au besoin déclaré : logistics"
    assert french[2] == "améliore le critère : local sourcing"


def test_reasons_of_the_same_kind_read_as_one_line():
    profile = InitiativeProfile(
        need_codes=frozenset({"K_LOG", "K_FIN"}),
        need_labels={"K_LOG": "logistics", "K_FIN": "financing"},
    )
    ranked = rank_measures([measure("M", needs={"K_LOG", "K_FIN"})], profile, limit=1)

    with translation.override("en"):
        english = ranked[0].reason_texts
    with translation.override("fr"):
        french = ranked[0].reason_texts

    assert len(english) == 1
    assert english[0].startswith("addresses declared needs: ")
    assert {"logistics", "financing"} == set(english[0].split(": ")[1].split(", "))
    assert french[0].startswith("répond aux besoins déclarés : ")


def test_no_profile_means_no_suggestion():
    assert rank_measures([measure("M", needs={"K_LOG"})], InitiativeProfile()) == []
