"""Scoring: ratings, Wilson intervals, suggested ratings, achievement, percentages, completeness."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest

from audit.domain.scoring import (
    MIN_OBSERVATIONS_FOR_A_BARE_RATE,
    Achievement,
    ActionInput,
    FieldError,
    Missing,
    Observed,
    Rating,
    ResponseInput,
    ResponseState,
    achievement,
    check_response,
    missing_items,
    percent,
    suggest_rating,
    wilson_interval,
)

# --- Rating ------------------------------------------------------------------------------

RATINGS = [
    # (rating, stored value, symbol, is_pass, needs_action)
    (Rating.EXCEEDS, "exceeds", "◎", True, False),
    (Rating.MET, "met", "○", True, False),
    (Rating.PARTIAL, "partial", "△", False, True),
    (Rating.NOT_MET, "not_met", "×", False, True),
    (Rating.NA, "na", "対象外", False, False),
]


def test_the_table_covers_every_rating():
    assert {row[0] for row in RATINGS} == set(Rating)


@pytest.mark.parametrize(("rating", "value", "symbol", "is_pass", "needs_action"), RATINGS)
def test_rating(rating, value, symbol, is_pass, needs_action):
    assert Rating(value) is rating
    assert rating.symbol == symbol
    assert rating.is_pass is is_pass
    assert rating.needs_action is needs_action


# --- wilson_interval ---------------------------------------------------------------------

KNOWN_INTERVALS = [
    # (successes, trials, low, high), each to three places
    # a large sample near the top
    (294, 300, "0.957", "0.991"),
    # a smaller one with a similar rate is much wider
    (49, 50, "0.895", "0.996"),
    # half: symmetric about 0.5
    (10, 20, "0.299", "0.701"),
    # the ends (exactness is checked below)
    (50, 50, "0.929", "1.000"),
    (0, 20, "0.000", "0.161"),
]


def to3(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(("successes", "trials", "low", "high"), KNOWN_INTERVALS)
def test_wilson_interval_known_values(successes, trials, low, high):
    interval = wilson_interval(successes, trials)
    assert isinstance(interval.low, Decimal)
    assert isinstance(interval.high, Decimal)
    assert (to3(interval.low), to3(interval.high)) == (Decimal(low), Decimal(high))


EXACT_ENDS = [
    # n of n: the upper bound is exactly 1
    (50, 50, "high", Decimal(1)),
    (1, 1, "high", Decimal(1)),
    (2000, 2000, "high", Decimal(1)),
    # 0 of n: the lower bound is exactly 0
    (0, 20, "low", Decimal(0)),
    (0, 1, "low", Decimal(0)),
    (0, 2000, "low", Decimal(0)),
]


@pytest.mark.parametrize(("successes", "trials", "bound", "expected"), EXACT_ENDS)
def test_wilson_interval_is_exact_at_the_ends(successes, trials, bound, expected):
    assert getattr(wilson_interval(successes, trials), bound) == expected


def test_wilson_interval_narrows_as_the_sample_grows():
    small, large = wilson_interval(49, 50), wilson_interval(294, 300)
    assert large.high - large.low < small.high - small.low


def test_a_wider_z_gives_a_wider_interval():
    at_95 = wilson_interval(15, 20)
    at_99 = wilson_interval(15, 20, z=Decimal("2.5758293035489004"))
    assert at_99.low < at_95.low
    assert at_99.high > at_95.high


IMPOSSIBLE_COUNTS = [
    # no observations
    (0, 0),
    (1, 0),
    (0, -5),
    # more successes than observations
    (5, 3),
    (21, 20),
    # negative successes
    (-1, 10),
]


@pytest.mark.parametrize(("successes", "trials"), IMPOSSIBLE_COUNTS)
def test_wilson_interval_refuses_impossible_counts(successes, trials):
    with pytest.raises(ValueError, match="successes <= trials"):
        wilson_interval(successes, trials)


@st.composite
def counts(draw, max_trials: int = 2000) -> tuple[int, int]:
    trials = draw(st.integers(1, max_trials))
    return draw(st.integers(0, trials)), trials


@settings(deadline=None)
@given(counts())
@example((0, 1))
@example((1, 1))
@example((0, 2000))
@example((2000, 2000))
@example((1, 2000))
@example((1999, 2000))
def test_wilson_interval_agrees_with_scipy(sample):
    successes, trials = sample
    interval = wilson_interval(successes, trials)
    reference = binomtest(successes, trials).proportion_ci(method="wilson")

    assert float(interval.low) == pytest.approx(reference.low, abs=1e-9)
    assert float(interval.high) == pytest.approx(reference.high, abs=1e-9)
    # exact at the ends, where scipy agrees (closely)
    if successes == 0:
        assert interval.low == 0
        assert reference.low == pytest.approx(0, abs=1e-9)
    if successes == trials:
        assert interval.high == 1
        assert reference.high == pytest.approx(1, abs=1e-9)


@given(counts())
@example((0, 1))
@example((1, 1))
def test_wilson_interval_holds_the_observed_rate(sample):
    successes, trials = sample
    interval = wilson_interval(successes, trials)
    assert 0 <= interval.low <= Decimal(successes) / trials <= interval.high <= 1


# --- Observed ----------------------------------------------------------------------------

OBSERVED = [
    # (successes, trials, rate, is_small)
    (27, 30, Decimal("0.9"), False),
    (0, 5, Decimal(0), True),
    (5, 5, Decimal(1), True),
    # the threshold for showing a bare rate is 20 observations
    (19, 19, Decimal(1), True),
    (10, 20, Decimal("0.5"), False),
    (294, 300, Decimal("0.98"), False),
]


@pytest.mark.parametrize(("successes", "trials", "rate", "is_small"), OBSERVED)
def test_observed(successes, trials, rate, is_small):
    observed = Observed(successes, trials)
    assert observed.rate == rate
    assert isinstance(observed.rate, Decimal)
    assert observed.interval == wilson_interval(successes, trials)
    assert observed.is_small is is_small


def test_the_small_sample_threshold_is_twenty():
    assert MIN_OBSERVATIONS_FOR_A_BARE_RATE == 20


# --- suggest_rating ----------------------------------------------------------------------

SUGGESTIONS = [
    # (successes, trials, target, min_observations, expected)
    # ◎: even the lower bound reaches the target
    (294, 300, "0.95", 20, Rating.EXCEEDS),
    (20, 20, "0.8", 20, Rating.EXCEEDS),
    (0, 20, "0", None, Rating.EXCEEDS),
    # ○: the rate reaches the target but the lower bound does not
    (49, 50, "0.95", 20, Rating.MET),
    (16, 20, "0.8", 20, Rating.MET),  # rate exactly at the target
    (19, 20, "0.95", 20, Rating.MET),  # rate exactly at the target
    (20, 20, "1", 20, Rating.MET),  # a target of 100%: the lower bound is never 1
    # △: the rate is below the target but the upper bound still reaches it
    (18, 20, "0.95", 20, Rating.PARTIAL),
    (13, 20, "0.8", 20, Rating.PARTIAL),
    # ×: the whole interval lies below the target
    (17, 20, "0.95", 20, Rating.NOT_MET),
    (12, 20, "0.8", 20, Rating.NOT_MET),
    (0, 300, "0.5", 20, Rating.NOT_MET),
    # too few observations: no suggestion
    (19, 19, "0.8", 20, None),
    (1, 1, "0.8", 2, None),
    (0, 0, "0.8", None, None),
    (0, 0, "0.8", 0, None),
    # exactly the fewest observations is enough; no minimum means any one will do
    (20, 20, "0.8", 20, Rating.EXCEEDS),
    (1, 1, "0.5", None, Rating.MET),
    (1, 1, "0.5", 0, Rating.MET),
]


@pytest.mark.parametrize(
    ("successes", "trials", "target", "min_observations", "expected"), SUGGESTIONS
)
def test_suggest_rating(successes, trials, target, min_observations, expected):
    assert suggest_rating(successes, trials, Decimal(target), min_observations) == expected


BOUNDARIES = [
    # (bound the target sits on, expected): the comparisons are all "reaches", i.e. >=
    ("low", Rating.EXCEEDS),
    ("high", Rating.PARTIAL),
]


@pytest.mark.parametrize(("bound", "expected"), BOUNDARIES)
@pytest.mark.parametrize(("successes", "trials"), [(13, 20), (40, 50), (1, 3)])
def test_suggest_rating_at_a_bound(successes, trials, bound, expected):
    target = getattr(wilson_interval(successes, trials), bound)
    assert suggest_rating(successes, trials, target, None) == expected


def test_suggest_rating_just_above_the_upper_bound_is_not_met():
    target = wilson_interval(13, 20).high + Decimal("1e-20")
    assert suggest_rating(13, 20, target, None) == Rating.NOT_MET


ORDER = {Rating.NOT_MET: 0, Rating.PARTIAL: 1, Rating.MET: 2, Rating.EXCEEDS: 3}


@given(
    trials=st.integers(1, 300),
    target=st.decimals(min_value=0, max_value=1, places=3),
)
@example(trials=20, target=Decimal("0.8"))
@example(trials=20, target=Decimal("0.95"))
@example(trials=1, target=Decimal("0.5"))
def test_suggest_rating_is_monotone_in_successes(trials, target):
    suggestions = [suggest_rating(k, trials, target, None) for k in range(trials + 1)]
    ranks = [ORDER[suggestion] for suggestion in suggestions]
    assert ranks == sorted(ranks)


# --- achievement -------------------------------------------------------------------------

E, M, P, X, NA = Rating.EXCEEDS, Rating.MET, Rating.PARTIAL, Rating.NOT_MET, Rating.NA

ACHIEVEMENTS = [
    # (ratings, passed, applicable, partial, rate, weighted)
    # "27 / 30": 対象外 leaves both sides
    ([M] * 27 + [X] * 3 + [NA], 27, 30, 0, "0.9", "0.9"),
    # ◎ and ○ both pass
    ([E, M, X, X], 2, 4, 0, "0.5", "0.5"),
    # unrated counts as applicable and not met
    ([M, None], 1, 2, 0, "0.5", "0.5"),
    ([None, None, NA], 0, 2, 0, "0", "0"),
    # △ does not pass, but counts half in the weighted rate
    ([P, M], 1, 2, 1, "0.5", "0.75"),
    ([P, P, P, P], 0, 4, 4, "0", "0.5"),
    ([E, P, X, NA, None], 1, 4, 1, "0.25", "0.375"),
    # nothing applicable: no rate at all (not 0%)
    ([NA, NA], 0, 0, 0, None, None),
    ([], 0, 0, 0, None, None),
]


@pytest.mark.parametrize(
    ("ratings", "passed", "applicable", "partial", "rate", "weighted"), ACHIEVEMENTS
)
def test_achievement(ratings, passed, applicable, partial, rate, weighted):
    result = achievement(iter(ratings))  # any iterable, read once
    assert result == Achievement(passed, applicable, partial)
    assert result.rate == (None if rate is None else Decimal(rate))
    assert result.weighted == (None if weighted is None else Decimal(weighted))


def test_twenty_seven_of_thirty_is_shown_as_ninety_percent():
    result = achievement([M] * 27 + [X] * 3 + [NA])
    assert f"{result.passed} / {result.applicable}" == "27 / 30"
    assert percent(result.rate) == "90.0%"


def test_achievement_defaults_to_no_partial():
    assert Achievement(3, 4).partial == 0
    assert Achievement(3, 4).weighted == Achievement(3, 4).rate == Decimal("0.75")


any_rating = st.one_of(st.none(), st.sampled_from(Rating))
ratings_lists = st.lists(any_rating, max_size=60)


@given(ratings_lists)
def test_achievement_rate_is_a_proportion(ratings):
    result = achievement(ratings)
    assert 0 <= result.passed + result.partial <= result.applicable <= len(ratings)
    if result.applicable:
        assert 0 <= result.rate <= 1
        assert 0 <= result.weighted <= 1
    else:
        assert result.rate is None
        assert result.weighted is None


@given(ratings_lists, st.integers(0, 30), st.data())
def test_achievement_ignores_not_applicable(ratings, extra, data):
    # any number of 対象外, anywhere
    with_na = data.draw(st.permutations(ratings + [NA] * extra))
    without_na = [rating for rating in with_na if rating != NA]
    assert achievement(with_na) == achievement(without_na)
    assert achievement(ratings + [NA] * extra) == achievement(ratings)


@given(ratings_lists, st.data())
def test_achievement_does_not_depend_on_order(ratings, data):
    assert achievement(data.draw(st.permutations(ratings))) == achievement(ratings)


@given(ratings_lists, ratings_lists, st.sampled_from([X, P, None]), st.sampled_from([M, E]))
def test_passing_one_more_standard_never_lowers_the_rate(before, after, worse, better):
    old = achievement(before + [worse] + after)
    new = achievement(before + [better] + after)
    assert new.applicable == old.applicable
    assert new.rate >= old.rate
    assert new.weighted >= old.weighted
    # and in fact raises both, as one more standard passes
    assert new.rate > old.rate
    assert new.weighted > old.weighted


@given(ratings_lists)
def test_weighted_is_never_below_the_rate(ratings):
    result = achievement(ratings)
    if result.applicable:
        assert result.weighted >= result.rate
        assert (result.weighted > result.rate) == (result.partial > 0)


# --- percent -----------------------------------------------------------------------------

PERCENTS = [
    # (rate, places, expected)
    (Decimal("0.9"), 1, "90.0%"),
    (Decimal("1"), 1, "100.0%"),
    (Decimal("0"), 1, "0.0%"),
    (Decimal(0) / 5, 1, "0.0%"),
    (Decimal(27) / 30, 1, "90.0%"),
    (Decimal(2) / 3, 1, "66.7%"),
    (Decimal(1) / 3, 1, "33.3%"),
    (Decimal("0.9"), 0, "90%"),
    (Decimal("0.9"), 2, "90.00%"),
    # half-up, not half-even (banker's rounding would give 12.34%, 0.0%, 12%)
    (Decimal("0.12345"), 2, "12.35%"),
    (Decimal("0.0005"), 1, "0.1%"),
    (Decimal("0.125"), 0, "13%"),
    (Decimal("0.00049"), 1, "0.0%"),
    # no rate: a dash, whatever the places
    (None, 1, "—"),
    (None, 0, "—"),
]


@pytest.mark.parametrize(("rate", "places", "expected"), PERCENTS)
def test_percent(rate, places, expected):
    assert percent(rate, places) == expected


def test_percent_shows_one_place_by_default():
    assert percent(Decimal("0.9")) == "90.0%"
    assert percent(None) == "—"


TARGETED = [
    # (rate, target, expected): as many places as the target has, at least one
    (Decimal("0.99996"), Decimal("0.9999"), "100.00%"),
    (Decimal("0.99984"), Decimal("0.9999"), "99.98%"),  # 100.0% with one place
    (Decimal("0.9999"), Decimal("0.9999"), "99.99%"),
    (Decimal("0.97"), Decimal("0.98"), "97.0%"),
    (Decimal("0.97"), Decimal("0.980"), "97.0%"),  # trailing zeros are not places
    (Decimal("0.9871"), Decimal("0.985"), "98.7%"),
    (Decimal("0.9"), Decimal("0.9"), "90.0%"),
    (None, Decimal("0.9999"), "—"),
]


@pytest.mark.parametrize(("rate", "target", "expected"), TARGETED)
def test_percent_against_a_target_has_the_target_s_places(rate, target, expected):
    assert percent(rate, target=target) == expected


@pytest.mark.parametrize(
    ("target", "expected"), [("0.9", "90%"), ("0.985", "98.5%"), ("0.9999", "99.99%")]
)
def test_a_target_itself_is_shown_exactly(target, expected):
    assert percent(Decimal(target), 0, target=Decimal(target)) == expected


# --- check_response ----------------------------------------------------------------------

DUE = date(2025, 3, 31)
ACTION = ActionInput("掲示を更新する", "総務課", DUE)

RESPONSES = [
    # (entry, has_open_action, fields with errors, in order)
    # valid
    (ResponseInput(Rating.MET, 18, 20, evidence="窓口記録"), False, []),
    (ResponseInput(Rating.EXCEEDS), False, []),
    (ResponseInput(), False, []),
    (ResponseInput(Rating.MET, 0, 20), False, []),
    (ResponseInput(Rating.MET, 20, 20), False, []),
    # counts come in pairs; the missing one is named
    (ResponseInput(Rating.MET, successes=18), False, ["trials"]),
    (ResponseInput(Rating.MET, trials=20), False, ["successes"]),
    # negative counts
    (ResponseInput(Rating.MET, -1, 20), False, ["successes"]),
    (ResponseInput(Rating.MET, -1, -1), False, ["successes", "trials"]),
    (ResponseInput(Rating.MET, successes=-1), False, ["trials", "successes"]),
    (ResponseInput(Rating.MET, 0, -1), False, ["trials"]),  # not also "more than"
    # no observations at all: no rate, no interval
    (ResponseInput(Rating.MET, 0, 0), False, ["trials"]),
    # more successes than observations
    (ResponseInput(Rating.MET, 21, 20), False, ["successes"]),
    # 対象外 needs a reason (blank is no reason)
    (ResponseInput(Rating.NA), False, ["na_reason"]),
    (ResponseInput(Rating.NA, na_reason=" \u3000"), False, ["na_reason"]),
    (ResponseInput(Rating.NA, na_reason="窓口なし"), False, []),
    # △ and × need a complete action, or an open one already
    (ResponseInput(Rating.PARTIAL), False, ["actions"]),
    (ResponseInput(Rating.NOT_MET), False, ["actions"]),
    (ResponseInput(Rating.PARTIAL), True, []),
    (ResponseInput(Rating.NOT_MET), True, []),
    (ResponseInput(Rating.PARTIAL, actions=(ACTION,)), False, []),
    (ResponseInput(Rating.NOT_MET, actions=[ACTION]), False, []),
    # ...which ◎, ○ and 対象外 do not
    (ResponseInput(Rating.MET), False, []),
    (ResponseInput(Rating.NA, na_reason="窓口なし"), False, []),
    # an action is all or nothing: what, who and by when
    (ResponseInput(Rating.MET, actions=[ActionInput("掲示", "", None)]), False, ["actions[0]"]),
    (ResponseInput(Rating.MET, actions=[ActionInput("", "総務課", None)]), False, ["actions[0]"]),
    (ResponseInput(Rating.MET, actions=[ActionInput("", "", DUE)]), False, ["actions[0]"]),
    (
        ResponseInput(Rating.MET, actions=[ActionInput("掲示", "総務課", None)]),
        False,
        ["actions[0]"],
    ),
    (ResponseInput(Rating.MET, actions=[ActionInput("", "", None)]), False, []),
    (
        ResponseInput(Rating.MET, actions=[ACTION, ActionInput("掲示", "", DUE)]),
        False,
        ["actions[1]"],
    ),
    # a half-filled action is not an action for △ or ×
    (
        ResponseInput(Rating.PARTIAL, actions=[ActionInput("掲示", "", DUE)]),
        False,
        ["actions", "actions[0]"],
    ),
    (
        ResponseInput(Rating.NOT_MET, actions=[ActionInput(" ", "総務課", DUE)]),
        False,
        ["actions", "actions[0]"],
    ),
    (
        ResponseInput(Rating.PARTIAL, actions=[ActionInput("掲示", "", DUE)]),
        True,
        ["actions[0]"],
    ),
    (ResponseInput(Rating.PARTIAL, actions=[ActionInput("", "", None)]), False, ["actions"]),
    # one complete action is enough even beside a blank one
    (ResponseInput(Rating.PARTIAL, actions=[ActionInput("", "", None), ACTION]), False, []),
    # everything wrong at once, in field order
    (ResponseInput(Rating.NA, successes=3), False, ["trials", "na_reason"]),
    (
        ResponseInput(Rating.NOT_MET, 5, 4, actions=[ActionInput("掲示", "", None)]),
        False,
        ["successes", "actions", "actions[0]"],
    ),
]


@pytest.mark.parametrize(("entry", "has_open_action", "fields"), RESPONSES)
def test_check_response(entry, has_open_action, fields):
    errors = check_response(entry, has_open_action=has_open_action)
    assert [error.field for error in errors] == fields
    for error in errors:
        assert isinstance(error, FieldError)
        assert error.message
        assert str(error) == f"{error.field}: {error.message}"


def test_field_error_fills_in_its_params():
    error = FieldError("trials", "at least %(n)d", {"n": 20})
    assert str(error) == "trials: at least 20"


# --- missing_items -----------------------------------------------------------------------


def state(
    rating: Rating | None,
    *,
    code: str = "A-1",
    evidence: str = "窓口記録",
    na_reason: str = "",
    trials: int | None = None,
    min_observations: int | None = None,
    has_open_action: bool = False,
) -> ResponseState:
    return ResponseState(
        code, rating, evidence, na_reason, trials, min_observations, has_open_action
    )


MISSING = [
    # (response, what is missing)
    # unrated: only the rating is asked for
    (state(None), [Missing.RATING]),
    (state(None, evidence="", trials=1, min_observations=20), [Missing.RATING]),
    # 対象外 needs a reason and nothing else
    (state(NA), [Missing.NA_REASON]),
    (state(NA, na_reason="  "), [Missing.NA_REASON]),
    (state(NA, evidence="", trials=1, min_observations=20), [Missing.NA_REASON]),
    (state(NA, na_reason="窓口なし", evidence=""), []),
    # a rating needs evidence (blank is none)
    (state(M, evidence=""), [Missing.EVIDENCE]),
    (state(E, evidence=" \n"), [Missing.EVIDENCE]),
    # △ and × need an open action
    (state(P), [Missing.ACTION]),
    (state(X), [Missing.ACTION]),
    (state(P, has_open_action=True), []),
    (state(X, has_open_action=True), []),
    # counts below the level's fewest observations
    (state(M, trials=19, min_observations=20), [Missing.OBSERVATIONS]),
    (state(M, trials=0, min_observations=20), [Missing.OBSERVATIONS]),
    (state(M, trials=20, min_observations=20), []),
    (state(M, trials=3, min_observations=None), []),
    # everything at once, in this order
    (
        state(X, evidence="", trials=3, min_observations=20),
        [Missing.EVIDENCE, Missing.ACTION, Missing.OBSERVATIONS],
    ),
    # complete
    (state(M), []),
    (state(E, trials=300, min_observations=20), []),
    (state(X, trials=20, min_observations=20, has_open_action=True), []),
]


@pytest.mark.parametrize(("response", "expected"), MISSING)
def test_missing_items(response, expected):
    assert missing_items([response]) == [(response.code, item) for item in expected]


def test_missing_items_are_listed_in_input_order_by_code():
    responses = [
        state(M, code="C-3", evidence=""),
        state(M, code="A-1"),
        state(None, code="B-2"),
        state(X, code="A-2", evidence=""),
        state(NA, code="A-0"),
    ]
    assert missing_items(iter(responses)) == [
        ("C-3", Missing.EVIDENCE),
        ("B-2", Missing.RATING),
        ("A-2", Missing.EVIDENCE),
        ("A-2", Missing.ACTION),
        ("A-0", Missing.NA_REASON),
    ]


def test_nothing_is_missing_from_nothing():
    assert missing_items([]) == []
