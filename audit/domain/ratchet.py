"""The ratchet: which standards the division heads' meeting is asked to step up (DESIGN.md §5).

The rule proposes; the meeting decides; nothing here changes a level. For a review year:

- a standard at level k is proposed for k+1 when, in each of the last ``sustain_years`` fiscal
  years, at least ``coverage`` of the offices it applies to (all, by default) have an accepted
  audit rating it ○ or ◎ at level k or above. The external evaluation's rating counts where
  there is one, else the self-audit's; an office with no accepted audit is not a pass;
- where level k+1 has a numeric target and counts were recorded, the pooled counts must give a
  Wilson 95% lower bound at or above that target (and at least its fewest observations), else
  the proposal is shown as "insufficient evidence" with the numbers;
- an office's own standard that its office has met for ``sustain_years`` is a promotion
  candidate: a citywide standard at L1;
- a citywide standard that at least ``support_share`` of the assessed offices failed in each of
  the last two years is flagged for support, never lowered.

Every proposal carries the evidence it rests on, office by office and year by year.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from audit.domain.catalog import Level, RuleSettings
from audit.domain.scoring import Interval, Observed, Rating


class Source(StrEnum):
    SELF = "self"
    EXTERNAL = "external"


class ProposalKind(StrEnum):
    STEP_UP = "step_up"  # 段階的な引き上げ: level k → k+1
    PROMOTION = "promotion"  # an office's own standard becomes citywide at L1


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"


#: how many years of failing flag a standard for support
SUPPORT_YEARS = 2


@dataclass(frozen=True, slots=True)
class Result:
    """One accepted audit's result for one standard at one office in one fiscal year."""

    standard: str
    office: str
    year: int
    source: Source
    rating: Rating | None
    #: the level the standard was scored against
    level: int
    successes: int | None = None
    trials: int | None = None
    #: the audit it comes from, for links; no part of the rule
    audit_id: int | None = None


@dataclass(frozen=True)
class StandardState:
    """What the rule needs to know of a standard in the review year."""

    code: str
    levels: tuple[Level, ...]
    #: the level in force in the review year
    level: int
    #: the offices the standard applies to
    offices: frozenset[str]
    rule: RuleSettings = RuleSettings()
    #: the office that owns an office-specific standard; None for a citywide one
    owner: str | None = None


@dataclass(frozen=True)
class Evidence:
    """One office's result in one year, as the proposal shows it; rating None means missing."""

    office: str
    year: int
    rating: Rating | None = None
    level: int | None = None
    source: Source | None = None
    successes: int | None = None
    trials: int | None = None

    @property
    def is_missing(self) -> bool:
        return self.rating is None

    @property
    def interval(self) -> Interval | None:
        if not self.trials or self.successes is None:
            return None
        return Observed(self.successes, self.trials).interval


@dataclass(frozen=True)
class Proposal:
    standard: str
    kind: ProposalKind
    from_level: int
    to_level: int
    status: ProposalStatus
    years: tuple[int, ...]
    evidence: tuple[Evidence, ...]
    #: the counts pooled over the evidence, where any were recorded
    pooled: Observed | None = None
    #: the target the pooled lower bound is held to (level k+1's)
    target: Decimal | None = None
    min_observations: int | None = None


@dataclass(frozen=True)
class SupportFlag:
    standard: str
    level: int
    #: per year: (offices failing, offices assessed)
    failing: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class Review:
    year: int
    proposals: tuple[Proposal, ...]
    flags: tuple[SupportFlag, ...]


def _preference(result: Result) -> tuple[bool, bool]:
    """A rated result before an unrated one, then the external evaluation before the self-audit."""
    return (result.rating is not None, result.source == Source.EXTERNAL)


def best_results(results: Iterable[Result]) -> dict[tuple[str, str, int], Result]:
    """One result per (standard, office, year): the external evaluation's where it has a rating."""
    best: dict[tuple[str, str, int], Result] = {}
    for result in results:
        key = (result.standard, result.office, result.year)
        held = best.get(key)
        if held is None or _preference(result) > _preference(held):
            best[key] = result
    return best


def _meets(result: Result | None, level: int) -> bool:
    return (
        result is not None
        and result.rating is not None
        and result.rating.is_pass
        and result.level >= level
    )


def _pool(evidence: Iterable[Evidence]) -> Observed | None:
    counted = [e for e in evidence if e.trials and e.successes is not None]
    if not counted:
        return None
    return Observed(sum(e.successes or 0 for e in counted), sum(e.trials or 0 for e in counted))


def _evidence(
    best: Mapping[tuple[str, str, int], Result], standard: StandardState, years: tuple[int, ...]
) -> tuple[Evidence, ...]:
    rows = []
    for office in sorted(standard.offices):
        for year in years:
            result = best.get((standard.code, office, year))
            if result is None:
                rows.append(Evidence(office, year))
            else:
                rows.append(
                    Evidence(
                        office,
                        year,
                        result.rating,
                        result.level,
                        result.source,
                        result.successes,
                        result.trials,
                    )
                )
    return tuple(rows)


def _is_sustained(
    best: Mapping[tuple[str, str, int], Result],
    standard: StandardState,
    years: tuple[int, ...],
    offices: frozenset[str],
) -> bool:
    """Each year, enough of the offices met the standard at its level in force."""
    if not offices:
        return False
    for year in years:
        met = sum(_meets(best.get((standard.code, o, year)), standard.level) for o in offices)
        if Decimal(met) < standard.rule.coverage * len(offices):
            return False
    return True


def _step_up(
    best: Mapping[tuple[str, str, int], Result], standard: StandardState, year: int
) -> Proposal | None:
    if standard.level >= len(standard.levels):
        return None  # already at the last level: nothing above it
    years = tuple(range(year - standard.rule.sustain_years + 1, year + 1))
    if not _is_sustained(best, standard, years, standard.offices):
        return None
    evidence = _evidence(best, standard, years)
    following = standard.levels[standard.level]  # level k+1 (levels are numbered from 1)
    pooled = _pool(evidence)
    status = ProposalStatus.PROPOSED
    if (
        following.target is not None
        and pooled is not None
        and (
            pooled.interval.low < following.target
            or pooled.trials < (following.min_observations or 1)
        )
    ):
        status = ProposalStatus.INSUFFICIENT_EVIDENCE
    return Proposal(
        standard.code,
        ProposalKind.STEP_UP,
        standard.level,
        standard.level + 1,
        status,
        years,
        evidence,
        pooled,
        following.target,
        following.min_observations,
    )


def _promotion(
    best: Mapping[tuple[str, str, int], Result], standard: StandardState, year: int
) -> Proposal | None:
    if standard.owner is None:
        return None
    years = tuple(range(year - standard.rule.sustain_years + 1, year + 1))
    owner = frozenset({standard.owner})
    if not _is_sustained(best, standard, years, owner):
        return None
    evidence = tuple(e for e in _evidence(best, standard, years) if e.office == standard.owner)
    return Proposal(
        standard.code,
        ProposalKind.PROMOTION,
        standard.level,
        1,
        ProposalStatus.PROPOSED,
        years,
        evidence,
        _pool(evidence),
    )


def _support(
    best: Mapping[tuple[str, str, int], Result], standard: StandardState, year: int
) -> SupportFlag | None:
    if standard.owner is not None:
        return None
    counts = []
    for each in range(year - SUPPORT_YEARS + 1, year + 1):
        found = (best.get((standard.code, o, each)) for o in standard.offices)
        assessed = [r for r in found if r is not None and r.rating not in (None, Rating.NA)]
        failing = sum(not r.rating.is_pass for r in assessed if r.rating is not None)
        counts.append((each, failing, len(assessed)))
    if all(
        assessed and Decimal(failing) >= standard.rule.support_share * assessed
        for _y, failing, assessed in counts
    ):
        return SupportFlag(standard.code, standard.level, tuple(counts))
    return None


def review(year: int, standards: Iterable[StandardState], results: Iterable[Result]) -> Review:
    """Compute the review for a fiscal year: proposals, insufficient evidence, support flags.

    Deterministic and independent of the order of its inputs.
    """
    # No need to sort the results first: two results of one office, standard and year are
    # ranked by _preference, which tells the sources apart, so the order never decides.
    best = best_results(results)
    proposals, flags = [], []
    for standard in sorted(standards, key=lambda s: s.code):
        for proposal in (_step_up(best, standard, year), _promotion(best, standard, year)):
            if proposal is not None:
                proposals.append(proposal)
        if flag := _support(best, standard, year):
            flags.append(flag)
    return Review(year, tuple(proposals), tuple(flags))
