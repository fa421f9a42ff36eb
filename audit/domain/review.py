"""Comparing results: changes beyond noise, and self-audit against external evaluation."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from audit.domain.scoring import Observed, Rating

#: fewer paired standards than this and Cohen's κ is not shown: it says little
MIN_PAIRS_FOR_KAPPA = 10


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
