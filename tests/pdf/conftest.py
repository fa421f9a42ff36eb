"""Fixtures for the documents: hand-made values, and poppler's tools to read the PDFs back.

No app and no database: a document is a function from values to bytes. Without a request the
labels are the English message ids; the data (office names, fiscal years, symbols) are as given.
"""

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from audit.domain.catalog import Text
from audit.domain.ratchet import Evidence, ProposalKind, ProposalStatus, Source
from audit.domain.scoring import Achievement, Observed, Rating
from audit.domain.survey import SatisfactionTarget, SurveyCounts, SurveyFigures
from audit.models import ActionStatus, AuditKind, AuditStatus, DecisionOutcome, Role
from audit.pdf.values import (
    ActionItem,
    ActionPlan,
    BlankChecklist,
    ChecklistItem,
    DecisionItem,
    MatrixCell,
    MatrixRow,
    Named,
    OfficeActions,
    PersonName,
    PrincipleComparison,
    PrincipleResult,
    Printed,
    ProposalItem,
    ReviewPack,
    Scorecard,
    SignOff,
    StandardResult,
    SupportItem,
    SurveyTable,
)

PRINTED = Printed("head", datetime(2026, 5, 1, 9, 30, tzinfo=ZoneInfo("Asia/Tokyo")))
OFFICES = tuple(
    Named(code, Text(name, code.title()))
    for code, name in (
        ("kawasaki", "川崎区役所"),
        ("saiwai", "幸区役所"),
        ("nakahara", "中原区役所"),
        ("takatsu", "高津区役所"),
        ("miyamae", "宮前区役所"),
        ("tama", "多摩区役所"),
        ("asao", "麻生区役所"),
        ("daishi", "大師支所"),
        ("tajima", "田島支所"),
        ("hiyoshi", "日吉出張所"),
        ("tachibana", "橘出張所"),
        ("mukaigaoka", "向丘出張所"),
        ("ikuta", "生田出張所"),
    )
)
PRINCIPLES = tuple(Named(f"P{n}", Text(f"理念{n}", f"Principle {n}")) for n in range(1, 9))
TITLE = Text("窓口では明るくあいさつし、お待たせした場合は一言お詫びします。", "Greet visitors")
CRITERION = Text("あいさつした職員の割合が90%以上", "At least 90% greet")
RATINGS = (Rating.EXCEEDS, Rating.MET, Rating.PARTIAL, Rating.NOT_MET, Rating.NA)
#: a division head whose name is not recorded: documents name them by role
HEAD = PersonName(Role.HEAD)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install poppler-utils (make test does)")
    return path


def _run(tool: str, data: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        [_tool(tool), *args, str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        check=True,
        text=True,
    )
    return done.stdout


@pytest.fixture
def pdf_text(tmp_path: Path) -> Callable[..., str]:
    """The text of a PDF (or of one page) as pdftotext reads it: laid out as printed, or
    column by column (``layout=False``)."""

    def read(data: bytes, page: int | None = None, *, layout: bool = True) -> str:
        pages = ["-f", str(page), "-l", str(page)] if page else []
        return _run("pdftotext", data, tmp_path, *(["-layout"] if layout else []), *pages)

    return read


@pytest.fixture
def pdf_fonts(tmp_path: Path) -> Callable[[bytes], list[dict[str, str]]]:
    """The fonts of a PDF as pdffonts lists them: name, type, embedded, subset, unicode."""

    def read(data: bytes) -> list[dict[str, str]]:
        lines = _run("pdffonts", data, tmp_path).splitlines()[2:]
        fonts = []
        for line in lines:
            name, kind, *rest = line.split()
            # name, type (one or two words), encoding, emb, sub, uni, object, generation
            fonts.append({"name": name, "type": kind, "emb": rest[-5], "uni": rest[-3]})
        return fonts

    return read


@pytest.fixture
def pdf_pages(tmp_path: Path) -> Callable[[bytes], list[tuple[float, float]]]:
    """Each page's width and height in points, as pdfinfo reports them."""

    def read(data: bytes) -> list[tuple[float, float]]:
        info = _run("pdfinfo", data, tmp_path, "-f", "1", "-l", "9999")
        return [
            (float(width), float(height))
            for width, height in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
        ]

    return read


# --- values -----------------------------------------------------------------------------


def _standard(index: int, **changes: Any) -> StandardResult:
    counted = index % 3 == 0
    value = StandardResult(
        code=f"C{index:02}",
        principle=PRINCIPLES[index % 4].code,
        title=TITLE,
        level=1 + index % 2,
        criterion=CRITERION,
        rating=RATINGS[index % len(RATINGS)],
        successes=27 if counted else None,
        trials=30 if counted else None,
        evidence=f"{index}月に窓口で観察しました。",
        na_reason="当該業務を取り扱っていないため。",
        target=Decimal("0.9") if counted else None,
    )
    return replace(value, **changes)


@pytest.fixture
def make_scorecard() -> Callable[..., Scorecard]:
    """A scorecard of 川崎区役所 for FY2022 with ``standards`` standards; fields overridable."""

    def make(standards: int = 12, **changes: Any) -> Scorecard:
        results = sorted((_standard(i) for i in range(standards)), key=lambda s: s.principle)
        card = Scorecard(
            office=OFFICES[0],
            fiscal_year=2022,
            kind=AuditKind.SELF,
            status=AuditStatus.ACCEPTED,
            sign_off=SignOff(
                PersonName(Role.COMMITTEE, OFFICES[0].name, "大師 三郎"),
                date(2023, 2, 1),
                HEAD,
                date(2023, 3, 1),
            ),
            overall=Achievement(9, 12, 2),
            principles=tuple(
                PrincipleResult(p, Achievement(2, 3, 1), Achievement(1, 3)) for p in PRINCIPLES[:4]
            ),
            standards=tuple(results),
            open_actions=(
                ActionItem(
                    "C03",
                    TITLE,
                    "朝礼で応対の基本を再確認する",
                    "区民課長",
                    date(2026, 3, 31),
                    ActionStatus.IN_PROGRESS,
                    2022,
                ),
            ),
            previous_year=2021,
            previous_overall=Achievement(8, 12),
            survey=SurveyFigures("kawasaki", 2022, SurveyCounts(290, 6, 3)),
        )
        return replace(card, **changes)

    return make


@pytest.fixture
def make_pack() -> Callable[..., ReviewPack]:
    """A review pack of every office for FY2025 with ``standards`` rows in the matrix."""

    def make(standards: int = 54, **changes: Any) -> ReviewPack:
        rows = tuple(
            MatrixRow(
                code=f"S{i:02}",
                principle=PRINCIPLES[i % 8].code,
                title=TITLE,
                level=1,
                cells=tuple(
                    MatrixCell(
                        applies=i < 40 or j == i % len(OFFICES),
                        rating=None if (i + j) % 17 == 0 else RATINGS[(i * j) % 5],
                    )
                    for j in range(len(OFFICES))
                ),
            )
            for i in range(standards)
        )
        evidence = tuple(
            Evidence(o.code, year, Rating.MET, 1, Source.SELF, 30, 31)
            for o in OFFICES
            for year in (2024, 2025)
        )
        pack = ReviewPack(
            fiscal_year=2025,
            offices=OFFICES,
            matrix=tuple(sorted(rows, key=lambda r: r.principle)),
            office_totals=tuple(
                None if j == 5 else Achievement(20 + j, 34) for j in range(len(OFFICES))
            ),
            principles=tuple(
                PrincipleComparison(
                    p, tuple(None if j == 5 else Achievement(3, 5) for j in range(len(OFFICES)))
                )
                for p in PRINCIPLES
            ),
            survey=SurveyTable(
                SatisfactionTarget(),
                tuple(
                    (
                        office,
                        SurveyFigures(
                            office.code, 2025, None, "新型コロナウイルス感染症のため未実施"
                        )
                        if j == 5
                        else SurveyFigures(office.code, 2025, SurveyCounts(290 - j, 6, 3 + j)),
                    )
                    for j, office in enumerate(OFFICES)
                ),
                SurveyFigures("citywide", 2025, SurveyCounts(3700, 80, 50)),
            ),
            pending=(
                ProposalItem(
                    "C02",
                    TITLE,
                    ProposalKind.STEP_UP,
                    1,
                    2,
                    ProposalStatus.PROPOSED,
                    CRITERION,
                    (2024, 2025),
                    evidence,
                    Observed(780, 806),
                    Decimal("0.9"),
                ),
            ),
            decisions=(
                DecisionItem(
                    "C01",
                    TITLE,
                    ProposalKind.STEP_UP,
                    1,
                    2,
                    DecisionOutcome.DEFERRED,
                    "来年度に再検討する",
                    date(2026, 5, 20),
                    HEAD,
                    2027,
                ),
            ),
            support=(SupportItem("E03", TITLE, 1, ((2024, 11, 13), (2025, 11, 13))),),
        )
        return replace(pack, **changes)

    return make


@pytest.fixture
def make_checklist() -> Callable[..., BlankChecklist]:
    def make(items: int = 10) -> BlankChecklist:
        return BlankChecklist(
            OFFICES[0],
            2022,
            PRINCIPLES,
            tuple(
                ChecklistItem(
                    code=f"C{i:02}",
                    principle=PRINCIPLES[i * len(PRINCIPLES) // items].code,
                    title=TITLE,
                    level=1,
                    criterion=CRITERION,
                    method=Text("テストコールで確認する", "Test calls"),
                    target=Decimal("0.9") if i % 2 else None,
                    min_observations=20 if i % 2 else None,
                )
                for i in range(items)
            ),
        )

    return make


@pytest.fixture
def make_action_plan() -> Callable[..., ActionPlan]:
    def make(offices: int = 2) -> ActionPlan:
        return ActionPlan(
            tuple(
                OfficeActions(
                    office,
                    (
                        ActionItem(
                            "C05",
                            TITLE,
                            "案内表示を見直す",
                            "総務課",
                            date(2026, 3, 31),
                            ActionStatus.OPEN,
                            2025,
                        ),
                        ActionItem(
                            "T01",
                            TITLE,
                            "応援体制を決める",
                            "区民課",
                            date(2026, 9, 30),
                            ActionStatus.IN_PROGRESS,
                            2025,
                        ),
                    ),
                )
                for office in OFFICES[:offices]
            )
        )

    return make
