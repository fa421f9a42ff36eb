"""The Japanese catalog is complete and matches the code."""

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "audit" / "translations"


def read(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def test_japanese_catalog_is_complete():
    catalog = read(TRANSLATIONS / "ja" / "LC_MESSAGES" / "messages.po")
    untranslated = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_every_message_in_the_code_is_in_the_catalog():
    """Extract the messages afresh: a new string without a translation fails here."""
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "N_": None}
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    in_code = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / "audit", method_map=method_map, keywords=keywords
        )
    }
    translated = {
        m.id for m in read(TRANSLATIONS / "ja" / "LC_MESSAGES" / "messages.po") if m.id and m.string
    }
    assert len(in_code) > 100
    assert sorted(str(m) for m in in_code - translated) == []


def test_placeholders_match():
    catalog = read(TRANSLATIONS / "ja" / "LC_MESSAGES" / "messages.po")
    pattern = re.compile(r"%\(\w+\)s")
    mismatched = [
        m.id
        for m in catalog
        if m.id and sorted(pattern.findall(m.id)) != sorted(pattern.findall(m.string))
    ]
    assert mismatched == []
