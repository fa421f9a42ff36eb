"""The command line: surveys import/show, indicators import/show."""

import pytest
from sqlalchemy import func, select

from audit.db import db
from audit.models import AuditLogEntry, SurveyResult

HEADER = "office,fiscal_year,yes,neutral,no,note\n"


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(SurveyResult)),
            db.session.scalar(select(func.count()).select_from(AuditLogEntry)),
        )


@pytest.fixture
def csv_file(tmp_path):
    def write(text: str, encoding: str = "utf-8", name: str = "surveys.csv"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return str(path)

    return write


def test_import_a_year_in_cp932(app, runner, csv_file):
    path = csv_file(
        HEADER + "川崎区役所,平成24年度,290,6,4,\n大師支所,H24,,,,庁舎改修のため未実施\n", "cp932"
    )
    result = runner.invoke(args=["surveys", "import", path])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "  added    kawasaki     FY2012  290/6/4  98.7% (96.6%-99.5%)  top box 96.7%  met",
        "  added    daishi       FY2012  not conducted: 庁舎改修のため未実施",
        "2 change(s), 0 unchanged.",
    ]
    show = runner.invoke(args=["surveys", "show", "--year", "H24"])
    assert "  kawasaki     290/6/4  98.7%" in show.output
    assert "  daishi       not conducted: 庁舎改修のため未実施" in show.output
    assert "  saiwai       no result" in show.output
    assert "lower bound is at least 95.5%" in show.output


def test_a_broken_file_is_refused_whole_with_every_row(app, runner, csv_file):
    path = csv_file(
        HEADER
        + "kawasaki,2012,290,6,4,\n"
        + "nowhere,2012,1,1,1,\n"
        + "saiwai,2012,-5,x,4,\n"
        + "tama,2012,0,0,0,\n"
        + "kawasaki,H24,1,2,3,\n"
    )
    before = counts(app)
    result = runner.invoke(args=["surveys", "import", path])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{path}: row 3, column office: unknown office nowhere",
        f"{path}: row 4, column yes: must be 0 or more, not -5",
        f"{path}: row 4, column neutral: must be a whole number, not x",
        f"{path}: row 5, column yes, neutral, no: the answers add up to 0: a survey without "
        "answers was not conducted; leave the counts blank and say why in the note",
        f"{path}: row 6, column office: kawasaki, FY2012 appears twice: also in row 2",
        "Refused: 5 problem(s); nothing was changed.",
    ]
    assert counts(app) == before


def test_results_already_recorded_need_replace(app, runner, csv_file):
    runner.invoke(args=["surveys", "import", csv_file(HEADER + "kawasaki,2012,290,6,4,\n")])
    changed = csv_file(HEADER + "kawasaki,2012,280,10,10,\n", name="changed.csv")
    refused = runner.invoke(args=["surveys", "import", changed])
    assert refused.exit_code == 1
    assert "row 2, column office: kawasaki already has other results for FY2012" in refused.output
    assert refused.output.endswith("Use --replace to replace what is already recorded.\n")
    before = counts(app)
    replaced = runner.invoke(args=["surveys", "import", changed, "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert "  changed  kawasaki     FY2012  280/10/10" in replaced.output
    assert counts(app) == (before[0], before[1] + 1)  # one trail entry, no new row


def test_show_defaults_to_the_latest_year_and_names_the_citywide_figure(runner):
    result = runner.invoke(args=["surveys", "show"])
    assert result.exit_code == 0
    assert "  citywide     " in result.output
    bad = runner.invoke(args=["surveys", "show", "--year", "someday"])
    assert bad.exit_code == 2
    assert "write 2022, R4 or 令和4年度" in bad.output


def test_indicators_import_and_show(runner, csv_file):
    path = csv_file(
        "indicator,fiscal_year,target,actual,note\nmynumber,R4,22,55.1,\n", name="indicators.csv"
    )
    result = runner.invoke(args=["indicators", "import", path])
    assert result.exit_code == 0, result.output
    assert "  added    mynumber       FY2022  target 22  actual 55.1" in result.output
    show = runner.invoke(args=["indicators", "show"]).output
    assert "  phase 2 (FY2021): target 20.0, actual 48.0  achieved" in show
    assert "  FY2022  target 22.0  actual 55.1  achieved" in show
    assert "  FY2020  target 98.0  actual —  not_measured" in show


def test_indicators_import_refuses_a_broken_file(runner, csv_file):
    path = csv_file("indicator,fiscal_year,actual\nmynumber,R3,47\nnothing,R4,1\n")
    result = runner.invoke(args=["indicators", "import", path])
    assert result.exit_code == 1
    assert f"{path}: row 2, column actual: mynumber already has another actual" in result.output
    assert f"{path}: row 3, column indicator: unknown indicator nothing" in result.output
    assert "nothing was changed" in result.output
