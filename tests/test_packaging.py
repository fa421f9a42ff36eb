"""An installed copy works without the checkout: the built wheel, in a fresh venv, elsewhere.

A deployment installs the wheel (or ``pip install .``, not editable), so templates, static files,
fonts, compiled catalogs and migrations must travel inside the package. The wheel is built from a
copy of the files the build reads, installed into a new venv without its dependencies (they are
lent from this venv by a path file, so no network is needed), and run from a folder far from the
source tree: ``flask init`` against the checklists, then the log-in page, in Japanese.
"""

import io
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .conftest import CHECKLISTS, ROOT

# A deployment's default database: the PostgreSQL pass would run the same SQLite install again.
pytestmark = pytest.mark.sqlite_only

CATALOG = ROOT / "audit" / "translations" / "ja" / "LC_MESSAGES"

#: run inside the fresh venv: the log-in page and a static file, through the installed package
SERVE_LOGIN = """
import audit
from audit import create_app

print(audit.__file__)
client = create_app().test_client()
page = client.get("/login")
style = client.get("/static/css/app.css")
print(page.status_code, style.status_code)
print(page.get_data(as_text=True))
"""


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A fresh venv holding the built wheel; the folder it is run from."""
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "audit", source / "audit", ignore=shutil.ignore_patterns("__pycache__"))
    environment = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    wheels = work / "wheels"
    run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(wheels), "."],
        source, environment,
    )  # fmt: skip
    target = work / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    (wheel,) = wheels.glob("ward_audit-*.whl")
    run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], work, environment
    )
    # The dependencies come from this venv's site-packages, listed after the fresh one's own:
    # the installed package is found first, and this checkout's editable install not at all
    # (its import hook is in a path file that a plain path line does not run).
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], work,
               environment).strip()  # fmt: skip
    Path(site, "lent-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    elsewhere = work / "deployment"
    elsewhere.mkdir()
    return target, elsewhere


def test_the_wheel_serves_a_japanese_log_in_page_outside_the_source_tree(
    installed: tuple[Path, Path],
) -> None:
    target, elsewhere = installed
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("FLASK_")},
        "AUDIT_INSTANCE_PATH": str(elsewhere / "instance"),
        "SECRET_KEY": "a deployment's own key",
        "CHECKLISTS_DIR": str(CHECKLISTS),
    }
    environment.pop("DATABASE_URL", None)
    # ``python -m flask``: the flask script comes with Flask, which is lent, not installed
    flask = [str(target / "bin" / "python"), "-m", "flask", "--app", "audit"]

    loaded = run([*flask, "init"], elsewhere, environment)
    assert "change(s)." in loaded
    assert (elsewhere / "instance" / "audit.sqlite").is_file()

    output = run([str(target / "bin" / "python"), "-c", SERVE_LOGIN], elsewhere, environment)
    module, statuses, page = output.split("\n", 2)
    assert module.startswith(str(target)), "the installed package, not the checkout, was run"
    assert statuses == "200 200"
    assert '<html lang="ja">' in page
    assert "ログイン" in page
    assert "Log in" not in page


def test_init_names_a_missing_checklists_folder(installed: tuple[Path, Path]) -> None:
    target, elsewhere = installed
    environment = {
        **os.environ,
        "AUDIT_INSTANCE_PATH": str(elsewhere / "instance-without-checklists"),
        "SECRET_KEY": "a deployment's own key",
        "CHECKLISTS_DIR": str(elsewhere / "nowhere"),
    }
    environment.pop("DATABASE_URL", None)
    result = subprocess.run(
        [str(target / "bin" / "python"), "-m", "flask", "--app", "audit", "init"],
        cwd=elsewhere, env=environment, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0
    assert f"No checklists folder at {elsewhere / 'nowhere'}" in result.stderr


def test_the_committed_catalog_is_the_compiled_po_file() -> None:
    """The .mo file travels in git (a wheel needs it); it must say what the .po file says."""
    with (CATALOG / "messages.po").open("rb") as po:
        catalog = read_po(po)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert (CATALOG / "messages.mo").read_bytes() == compiled.getvalue(), (
        "messages.mo is stale: run `make translations` and commit it"
    )
