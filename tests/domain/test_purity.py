"""The domain layer stays pure: no web, database or PDF library, no other part of ``audit``."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "audit" / "domain"
FORBIDDEN_TOP_LEVEL = {"flask", "sqlalchemy", "reportlab", "werkzeug"}


def forbidden(module: str) -> bool:
    top = module.split(".")[0]
    if top in FORBIDDEN_TOP_LEVEL or top.startswith("flask_"):
        return True
    return top == "audit" and module != "audit.domain" and not module.startswith("audit.domain.")


def imported_modules(source: str, package: str) -> list[str]:
    """Every module a source file imports, relative imports resolved against its package."""
    modules = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            modules.append(module)
            # ``from audit import services`` imports audit.services
            modules.extend(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
        elif (
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "__import__")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            modules.append(node.args[0].value)
    return modules


def forbidden_imports(source: str, package: str = "audit.domain") -> list[str]:
    """The imports of source that the domain layer may not make."""
    imports = imported_modules(source, package)
    return [module for module in imports if forbidden(module)]


def domain_files() -> list[Path]:
    return sorted(DOMAIN.rglob("*.py"))


def package_of(path: Path) -> str:
    """The package a file's relative imports are resolved against."""
    return ".".join(path.parent.relative_to(ROOT).parts)


def test_the_walker_finds_the_domain_modules():
    names = {path.relative_to(DOMAIN).as_posix() for path in domain_files()}
    assert {"__init__.py", "catalog.py", "fiscal_year.py"} <= names


def test_the_domain_imports_nothing_forbidden():
    found = {
        str(path.relative_to(ROOT)): forbidden_imports(path.read_text("utf-8"), package_of(path))
        for path in domain_files()
    }
    assert found
    assert {path: bad for path, bad in found.items() if bad} == {}


def test_the_domain_does_import_something():
    """The walker sees real imports, so an empty result above means something."""
    imports = imported_modules((DOMAIN / "catalog.py").read_text("utf-8"), "audit.domain")
    assert "tomllib" in imports
    assert "decimal.Decimal" in imports


# The checker itself: what it must flag, and what it must let through.
CHECKED = [
    ("import flask", ["flask"]),
    ("from flask import current_app", ["flask", "flask.current_app"]),
    ("import flask_babel as babel", ["flask_babel"]),
    (
        "from flask_sqlalchemy import SQLAlchemy",
        ["flask_sqlalchemy", "flask_sqlalchemy.SQLAlchemy"],
    ),
    ("import sqlalchemy.orm", ["sqlalchemy.orm"]),
    ("from reportlab.lib import colors", ["reportlab.lib", "reportlab.lib.colors"]),
    (
        "from werkzeug.exceptions import NotFound",
        ["werkzeug.exceptions", "werkzeug.exceptions.NotFound"],
    ),
    ("import audit", ["audit"]),
    ("import audit.models", ["audit.models"]),
    ("from audit import db", ["audit", "audit.db"]),
    (
        "from audit.services.catalog import load_files",
        ["audit.services.catalog", "audit.services.catalog.load_files"],
    ),
    ("from .. import db", ["audit", "audit.db"]),
    ("from ..models import Office", ["audit.models", "audit.models.Office"]),
    ("def f():\n    import flask\n", ["flask"]),
    ("import importlib\nimportlib.import_module('sqlalchemy')", ["sqlalchemy"]),
    ("__import__('reportlab')", ["reportlab"]),
    # allowed: the standard library, and the domain itself
    ("import re\nfrom decimal import Decimal", []),
    ("import flaskish\nimport sqlalchemyx", []),
    ("from audit.domain import catalog", []),
    ("from audit.domain.fiscal_year import label", []),
    ("from . import catalog\nfrom .fiscal_year import label", []),
]


@pytest.mark.parametrize(("source", "expected"), CHECKED)
def test_the_checker(source, expected):
    assert forbidden_imports(source) == expected
