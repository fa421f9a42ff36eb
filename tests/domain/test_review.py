"""Comparisons beyond noise, and self-audit against external evaluation."""

from decimal import Decimal

import pytest

from audit.domain.review import Change, calibrate, compare
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
