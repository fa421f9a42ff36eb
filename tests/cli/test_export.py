"""`flask --app wsgi export`: the review as XLSX or CSV files."""

import openpyxl
import pytest

from ..conftest import LAST_YEAR


@pytest.mark.parametrize(
    ("fmt", "extra"),
    [("xlsx", []), ("csv", []), ("csv", ["--view", "responses", "--encoding", "cp932"])],
)
def test_export_writes_the_file(runner, tmp_path, fmt, extra):
    out = tmp_path / f"review.{fmt}"
    result = runner.invoke(
        args=["export", "--year", str(LAST_YEAR), "--format", fmt, "--out", str(out), *extra]
    )
    assert result.exit_code == 0, result.output
    assert "13 offices" in result.output
    if fmt == "xlsx":
        assert openpyxl.load_workbook(out).sheetnames == ["matrix", "responses"]
    elif extra:
        assert "川崎区役所" in out.read_bytes().decode("cp932")
    else:
        assert out.read_bytes().startswith("\ufeffoffice,".encode())
