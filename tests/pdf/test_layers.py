"""The documents are functions of values: they import no database, request or service."""

import ast
from pathlib import Path

PDF = Path(__file__).resolve().parents[2] / "audit" / "pdf"
FORBIDDEN_MODULES = ("sqlalchemy", "flask_sqlalchemy", "flask_login", "audit.db", "audit.services")
FORBIDDEN_MODULES += ("audit.views", "audit.api", "audit.access")
#: Flask's request-bound globals
FORBIDDEN_NAMES = {"request", "session", "g", "current_app", "current_user"}


def imports(path: Path) -> list[tuple[str, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found += [(node.module or "", alias.name) for alias in node.names]
    return found


def test_the_documents_touch_no_database_and_no_request():
    bad = {
        path.name: [
            f"{module}.{name}".rstrip(".")
            for module, name in imports(path)
            if module.startswith(FORBIDDEN_MODULES) or name in FORBIDDEN_NAMES
        ]
        for path in sorted(PDF.glob("*.py"))
    }
    assert len(bad) >= 8
    assert {name: found for name, found in bad.items() if found} == {}
