"""Scoring an audit: ratings, achievement rates, Wilson intervals, suggested ratings, completeness.

Rates are Decimals. A rate of k successes in n observations is always shown with its Wilson
95% interval, because a bare percentage from a small sample says more than it knows.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

from audit.domain.catalog import N_

#: z for a two-sided 95% interval
Z95 = Decimal("1.959963984540054")
#: below this many observations a rate is never shown bare (DESIGN.md §4)
MIN_OBSERVATIONS_FOR_A_BARE_RATE = 20


class Rating(StrEnum):
    EXCEEDS = "exceeds"  # ◎ 優良
    MET = "met"  # ○ 達成
    PARTIAL = "partial"  # △ 一部達成
    NOT_MET = "not_met"  # × 未達成
    NA = "na"  # 対象外

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]

    @property
    def is_pass(self) -> bool:
        return self in (Rating.EXCEEDS, Rating.MET)

    @property
    def needs_action(self) -> bool:
        return self in (Rating.PARTIAL, Rating.NOT_MET)


_SYMBOLS = {
    Rating.EXCEEDS: "◎",
    Rating.MET: "○",
    Rating.PARTIAL: "△",
    Rating.NOT_MET: "×",
    Rating.NA: "対象外",
}


@dataclass(frozen=True)
class Interval:
    low: Decimal
    high: Decimal


def wilson_interval(successes: int, trials: int, z: Decimal = Z95) -> Interval:
    """The Wilson score interval for a proportion (Brown, Cai & DasGupta 2001).

    :raises ValueError: unless 0 <= successes <= trials and trials > 0.
    """
    if trials <= 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials and trials > 0: {successes}/{trials}")
    with localcontext() as context:
        context.prec = 28
        n, p = Decimal(trials), Decimal(successes) / Decimal(trials)
        z2 = z * z
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        margin = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).sqrt()
        low, high = max(Decimal(0), centre - margin), min(Decimal(1), centre + margin)
    # Exact at the ends: 0 of n cannot have a lower bound above 0, nor n of n an upper below 1.
    return Interval(
        Decimal(0) if successes == 0 else low, Decimal(1) if successes == trials else high
    )


@dataclass(frozen=True)
class Observed:
    """k successes of n observations, with the rate and its interval."""

    successes: int
    trials: int

    @property
    def rate(self) -> Decimal:
        return Decimal(self.successes) / Decimal(self.trials)

    @property
    def interval(self) -> Interval:
        return wilson_interval(self.successes, self.trials)

    @property
    def is_small(self) -> bool:
        """Too few observations for the rate to be shown without its interval."""
        return self.trials < MIN_OBSERVATIONS_FOR_A_BARE_RATE


def suggest_rating(
    successes: int, trials: int, target: Decimal, min_observations: int | None
) -> Rating | None:
    """Suggest a rating from counts against a level's target; None when there are too few.

    ◎ when even the interval's lower bound reaches the target; ○ when the observed rate does;
    △ when it does not but the interval still holds the target; × when the whole interval
    lies below it.
    """
    if trials <= 0 or trials < (min_observations or 1):
        return None
    observed = Observed(successes, trials)
    interval = observed.interval
    if interval.low >= target:
        return Rating.EXCEEDS
    if observed.rate >= target:
        return Rating.MET
    if interval.high >= target:
        return Rating.PARTIAL
    return Rating.NOT_MET


@dataclass(frozen=True)
class Achievement:
    """(◎ + ○) / applicable, with its counts; △ counts half only in ``weighted``."""

    passed: int
    applicable: int
    partial: int = 0

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.passed) / self.applicable if self.applicable else None

    @property
    def weighted(self) -> Decimal | None:
        if not self.applicable:
            return None
        return (Decimal(self.passed) + Decimal(self.partial) / 2) / self.applicable


def achievement(ratings: Iterable[Rating | None]) -> Achievement:
    """Achievement over applicable standards.

    対象外 leaves both sides; an unrated standard counts as applicable and not met.
    """
    passed = applicable = partial = 0
    for rating in ratings:
        if rating == Rating.NA:
            continue
        applicable += 1
        passed += rating is not None and rating.is_pass
        partial += rating == Rating.PARTIAL
    return Achievement(passed, applicable, partial)


def percent(rate: Decimal | None, places: int = 1, *, target: Decimal | None = None) -> str:
    """A rate as a percentage for people: Decimal('0.9') → '90.0%'; None → '—'.

    Shown against a ``target``, it has at least as many places as the target has: a rate or
    interval held to 99.99% printed as 100.0% would hide the very difference that matters.
    """
    if rate is None:
        return "—"
    if target is not None:
        places = max(places, target_places(target))
    exponent = Decimal(1).scaleb(-places)
    return f"{(rate * 100).quantize(exponent, rounding=ROUND_HALF_UP)}%"


def target_places(target: Decimal) -> int:
    """The decimal places of a target as a percentage: 0.9 → 0, 0.985 → 1, 0.9999 → 2."""
    exponent = (target * 100).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


# --- one response: what is wrong with it, and what is still missing ---------------------


@dataclass(frozen=True)
class ActionInput:
    what: str
    owner: str
    due: date | None


@dataclass(frozen=True)
class ResponseInput:
    """What a person entered for one standard."""

    rating: Rating | None = None
    successes: int | None = None
    trials: int | None = None
    evidence: str = ""
    na_reason: str = ""
    actions: Sequence[ActionInput] = field(default_factory=tuple)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    params: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.field}: {self.message % self.params}"


def check_response(entry: ResponseInput, *, has_open_action: bool = False) -> list[FieldError]:
    """What makes a response impossible to save, naming each field.

    :param has_open_action: the standard already has an open improvement action, which is
        enough for △ or × without a new one.
    """
    errors = []
    if (entry.successes is None) != (entry.trials is None):
        name = "trials" if entry.trials is None else "successes"
        errors.append(FieldError(name, N_("give both the successes and the observations")))
    if entry.successes is not None and entry.successes < 0:
        errors.append(FieldError("successes", N_("must be 0 or more")))
    if entry.trials is not None and entry.trials < 1:
        errors.append(FieldError("trials", N_("must be 1 or more")))
    if (
        entry.successes is not None
        and entry.trials is not None
        and entry.successes >= 0
        and 1 <= entry.trials < entry.successes
    ):
        errors.append(FieldError("successes", N_("cannot be more than the observations")))
    if entry.rating == Rating.NA and not entry.na_reason.strip():
        errors.append(FieldError("na_reason", N_("say why the standard does not apply")))
    if entry.rating is not None and entry.rating.needs_action:
        complete = [a for a in entry.actions if a.what.strip() and a.owner.strip() and a.due]
        if not complete and not has_open_action:
            errors.append(
                FieldError(
                    "actions", N_("△ and × need an improvement action: what, who, and by when")
                )
            )
    for index, action in enumerate(entry.actions):
        filled = [bool(action.what.strip()), bool(action.owner.strip()), action.due is not None]
        if any(filled) and not all(filled):
            errors.append(
                FieldError(
                    f"actions[{index}]", N_("an improvement action needs what, who, and by when")
                )
            )
    return errors


class Missing(StrEnum):
    RATING = "rating"
    EVIDENCE = "evidence"
    NA_REASON = "na_reason"
    ACTION = "action"
    OBSERVATIONS = "observations"


@dataclass(frozen=True)
class ResponseState:
    """A saved response, as far as completeness is concerned."""

    code: str
    rating: Rating | None
    evidence: str
    na_reason: str
    trials: int | None
    min_observations: int | None
    has_open_action: bool


def missing_items(responses: Iterable[ResponseState]) -> list[tuple[str, Missing]]:
    """Everything that keeps an audit from being submitted, standard by standard."""
    missing = []
    for response in responses:
        if response.rating is None:
            missing.append((response.code, Missing.RATING))
            continue
        if response.rating == Rating.NA:
            if not response.na_reason.strip():
                missing.append((response.code, Missing.NA_REASON))
            continue
        if not response.evidence.strip():
            missing.append((response.code, Missing.EVIDENCE))
        if response.rating.needs_action and not response.has_open_action:
            missing.append((response.code, Missing.ACTION))
        if (
            response.trials is not None
            and response.min_observations
            and response.trials < response.min_observations
        ):
            missing.append((response.code, Missing.OBSERVATIONS))
    return missing
