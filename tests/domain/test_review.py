"""Comparisons beyond noise, self-audit against external evaluation, and the states of results."""

from decimal import Decimal

import pytest

from audit.domain.review import Change, ResultState, calibrate, compare, result_state
from audit.domain.scoring import Observed, Rating

M, E, P, N, NA = Rating.MET, Rating.EXCEEDS, Rating.PARTIAL, Rating.NOT_MET, Rating.NA


@pytest.mark.parametrize(
    ("before", "after", "change"),
    [
        ((20, 30), (29, 30), Change.IMPROVED),
        ((29, 30), (20, 30), Change.DECLINED),
        ((27, 30), (28, 30), Change.WITHIN_NOISE),  # one standard more: noise at n = 30
        ((270, 300), (294, 300), Change.IMPROVED),  # the same rates with ten times the counts
    ],
)
def test_compare(before, after, change):
    assert compare(Observed(*before), Observed(*after)) == change


def test_calibration_counts_agreement_and_flags_overrating():
    pairs = [("A", M, M), ("B", E, N), ("C", M, P), ("D", NA, N), ("E", N, N)]
    result = calibrate(pairs)
    assert (result.pairs, result.agreeing) == (4, 2)  # 対象外 leaves the pair out
    assert result.agreement == Decimal("0.5")
    assert result.overrated == ("B",)
    assert result.kappa is None  # too few pairs


def test_cohens_kappa_against_a_hand_computed_value():
    # 10 pairs: 7 agree; self rates 6 met / 4 not met, external 5 met / 5 not met.
    pairs = [
        (f"S{i}", own, ext)
        for i, (own, ext) in enumerate([(M, M)] * 4 + [(N, N)] * 3 + [(M, N)] * 2 + [(N, M)])
    ]
    result = calibrate(pairs)
    # p_o = 0.7; p_e = 0.6·0.5 + 0.4·0.5 = 0.5; κ = (0.7 − 0.5) / (1 − 0.5) = 0.4
    assert result.kappa == Decimal("0.4")


def test_perfect_agreement_on_one_category_is_kappa_one():
    assert calibrate([(f"S{i}", M, M) for i in range(12)]).kappa == Decimal(1)


def test_calibration_is_order_independent():
    pairs = [
        (f"S{i}", r1, r2) for i, (r1, r2) in enumerate([(M, N), (E, E), (P, M), (N, N), (M, M)] * 3)
    ]
    assert calibrate(pairs) == calibrate(list(reversed(pairs)))


STATES = [
    # (audits as (status, returned), year, first year recorded, state)
    ([("accepted", False)], 2024, 2022, ResultState.ACCEPTED),
    ([("submitted", False)], 2024, 2022, ResultState.SUBMITTED),
    ([("draft", True)], 2024, 2022, ResultState.RETURNED),
    ([("draft", False)], 2024, 2022, ResultState.DRAFT),
    ([], 2024, 2022, ResultState.NOT_STARTED),
    ([], 2021, 2022, ResultState.NO_RECORD),  # before any audit was recorded
    ([], 2024, None, ResultState.NO_RECORD),  # nothing recorded at all
    # the most advanced of an office's audits (self-audit and external evaluation)
    ([("draft", False), ("submitted", False)], 2024, 2022, ResultState.SUBMITTED),
    ([("submitted", False), ("accepted", False)], 2024, 2022, ResultState.ACCEPTED),
    ([("draft", False), ("draft", True)], 2024, 2022, ResultState.RETURNED),
]


@pytest.mark.parametrize(("audits", "year", "first_year", "state"), STATES)
def test_result_state(audits, year, first_year, state):
    assert result_state(audits, year, first_year) == state
