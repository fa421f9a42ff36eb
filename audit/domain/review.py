"""Comparing results: changes beyond noise, self-audit against external evaluation, and what
stands where an office has no results (the state of its audit)."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from audit.domain.scoring import Observed, Rating

#: fewer paired standards than this and Cohen's κ is not shown: it says little
MIN_PAIRS_FOR_KAPPA = 10


class ResultState(StrEnum):
    """What stands where an office's results of a year would be: each its own word.

    Only an accepted audit gives results; every other state says honestly why there are none,
    so that a submitted audit waiting for acceptance is never taken for one not handed in.
    """

    ACCEPTED = "accepted"  # 承認済み: the results are shown
    SUBMITTED = "submitted"  # 提出済み（未承認）: handed in, not yet accepted
    RETURNED = "returned"  # 差戻し: sent back to the office with a comment
    DRAFT = "draft"  # 作成中: being prepared
    NOT_STARTED = "not_started"  # 未作成: no audit, in a year others were audited
    NO_RECORD = "no_record"  # 記録なし: a year before any audit was recorded
    NOT_ASSESSED = "not_assessed"  # an accepted audit without this standard
    FILTERED_OUT = "filtered_out"  # 表示対象外: hidden by the page's filter


#: the states of an audit, most advanced first: an office's state is its most advanced audit's
_PROGRESS = (ResultState.ACCEPTED, ResultState.SUBMITTED, ResultState.RETURNED, ResultState.DRAFT)


def result_state(
    audits: Iterable[tuple[str, bool]], year: int, first_year: int | None
) -> ResultState:
    """The state of an office's (or a city's) results in a fiscal year.

    :param audits: (status, is_returned) of each audit counted: status as stored ("draft",
        "submitted", "accepted"); a draft that was sent back is returned.
    :param first_year: the first fiscal year any audit was recorded for; None when none was.
    """
    found = {
        ResultState.RETURNED if status == ResultState.DRAFT and returned else ResultState(status)
        for status, returned in audits
    }
    for state in _PROGRESS:
        if state in found:
            return state
    if first_year is None or year < first_year:
        return ResultState.NO_RECORD
    return ResultState.NOT_STARTED


class Change(StrEnum):
    IMPROVED = "improved"
    DECLINED = "declined"
    WITHIN_NOISE = "within_noise"


def compare(before: Observed, after: Observed) -> Change:
    """Call a change an improvement or a decline only when the 95% intervals do not overlap."""
    if after.interval.low > before.interval.high:
        return Change.IMPROVED
    if after.interval.high < before.interval.low:
        return Change.DECLINED
    return Change.WITHIN_NOISE


@dataclass(frozen=True)
class Calibration:
    """How a self-audit agrees with the external evaluation of the same office and year."""

    pairs: int
    agreeing: int
    #: Cohen's κ over the ratings, None with fewer than MIN_PAIRS_FOR_KAPPA pairs
    kappa: Decimal | None
    #: standards the office rated ○ or ◎ but the evaluators ×
    overrated: tuple[str, ...]

    @property
    def agreement(self) -> Decimal | None:
        return Decimal(self.agreeing) / self.pairs if self.pairs else None


def calibrate(pairs: Iterable[tuple[str, Rating, Rating]]) -> Calibration:
    """Compare (standard, self rating, external rating) pairs; 対象外 on either side is left out."""
    kept = sorted(
        (code, own, external) for code, own, external in pairs if Rating.NA not in (own, external)
    )
    n = len(kept)
    agreeing = sum(own == external for _c, own, external in kept)
    overrated = tuple(
        code for code, own, external in kept if own.is_pass and external == Rating.NOT_MET
    )
    kappa = None
    if n >= MIN_PAIRS_FOR_KAPPA:
        own_counts = Counter(own for _c, own, _e in kept)
        external_counts = Counter(external for _c, _o, external in kept)
        observed = Decimal(agreeing) / n
        expected = sum(Decimal(own_counts[r]) * external_counts[r] for r in Rating) / (n * n)
        kappa = Decimal(1) if expected == 1 else (observed - expected) / (1 - expected)
    return Calibration(n, agreeing, kappa, overrated)
