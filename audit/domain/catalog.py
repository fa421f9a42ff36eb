"""The catalog: offices, principles and standards, read and checked from checklist files.

``parse_catalog`` turns the bytes of one or more TOML files into a :class:`Catalog` and a
list of every :class:`Problem` found in any of them, each with its file and line, so that a
clerk can fix all of them at once. ``diff_catalog`` says what applying a catalog would change.
"""

import codecs
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Mark a message for translation; the web layer translates it when shown."""
    return message


class OfficeKind(StrEnum):
    WARD = "ward"
    BRANCH = "branch"
    SUB = "sub"


class Origin(StrEnum):
    """Where a text comes from: the source document, in part, or modelled for the catalog."""

    SOURCE = "source"
    SOURCE_PARTIAL = "source-partial"
    MODELLED = "modelled"


AREAS = ("counter", "phone", "information", "procedure", "environment", "cooperation")
CITYWIDE = "citywide"


@dataclass(frozen=True)
class Text:
    """A text in Japanese and English; English falls back to Japanese when absent."""

    ja: str
    en: str = ""

    def in_locale(self, locale: str) -> str:
        return self.en if locale == "en" and self.en else self.ja


@dataclass(frozen=True)
class Office:
    code: str
    kind: OfficeKind
    name: Text
    origin: Origin
    parent: str | None = None


@dataclass(frozen=True)
class Principle:
    code: str
    name: Text
    description: Text
    origin: Origin


@dataclass(frozen=True)
class Level:
    number: int
    criterion: Text
    #: share of observations that must succeed, in (0, 1]; None for a qualitative level
    target: Decimal | None = None
    min_observations: int | None = None


@dataclass(frozen=True)
class RuleSettings:
    """The step-up rule's settings for one standard (DESIGN.md §5 defaults)."""

    sustain_years: int = 2
    coverage: Decimal = Decimal(1)
    support_share: Decimal = Decimal("0.5")


@dataclass(frozen=True)
class Standard:
    code: str
    principle: str
    title: Text
    method: Text
    since: int
    origin: Origin
    levels: tuple[Level, ...]
    #: the file the standard is kept in (its base name); taking it out of that file retires it
    source: str
    #: None for a citywide standard, else the code of the one office it belongs to
    office: str | None = None
    applies_to: frozenset[OfficeKind] = frozenset(OfficeKind)
    area: str | None = None
    start_level: int = 1
    rule: RuleSettings = RuleSettings()


@dataclass(frozen=True)
class Catalog:
    offices: tuple[Office, ...] = ()
    principles: tuple[Principle, ...] = ()
    standards: tuple[Standard, ...] = ()


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a checklist file, where it is, and what is wrong."""

    file: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)
    line: int | None = None
    #: the item's code, where no line can be given
    code: str | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line or self.code or 1}: {self.message % self.params}"


@dataclass(frozen=True)
class CatalogFile:
    """A checklist file as given: its name for messages and its raw bytes."""

    name: str
    data: bytes

    @property
    def base_name(self) -> str:
        return self.name.replace("\\", "/").rsplit("/", 1)[-1]


_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
_STANDARD_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")
_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z_.\s]+?)\s*\]\]?")
_DECODE_POSITION = re.compile(r"^(?P<msg>.*) \(at line (?P<line>\d+), column \d+\)$", re.S)

KINDS_OF_ENTRY = ("office", "principle", "standard")
_KEYS = {
    "office": {"code", "kind", "parent", "name", "origin"},
    "principle": {"code", "name", "description", "origin"},
    "standard": {
        "code",
        "principle",
        "scope",
        "applies_to",
        "area",
        "title",
        "method",
        "since",
        "start_level",
        "origin",
        "rule",
        "level",
    },
    "standard.level": {"level", "criterion", "target", "min_observations"},
    "standard.rule": {"sustain_years", "coverage", "support_share"},
}
_FIRST_FISCAL_YEAR, _LAST_FISCAL_YEAR = 1989, 2100


class _Layout:
    """Finds the line of a table or key in a file, for messages.

    tomllib gives values but no positions, so the headers (``[[standard]]``,
    ``[[standard.level]]``, ``[standard.rule]``) are found in the text, and a key is looked
    for between its table's header and the next one.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[tuple[str, int]] = []
        for number, line in enumerate(self.lines, start=1):
            match = _HEADER.match(line)
            if match:
                self.headers.append((re.sub(r"\s+", "", match[1]), number))

    def table(
        self, name: str, index: int, within: tuple[int, int] | None = None
    ) -> tuple[int, int]:
        """Return the (first, last) lines of the index-th table called name."""
        low, high = within or (1, len(self.lines))
        found = [n for kind, n in self.headers if kind == name and low <= n <= high]
        if index >= len(found):
            return within or (1, max(len(self.lines), 1))
        start = found[index]
        following = [n for _kind, n in self.headers if n > start]
        next_same = [n for kind, n in self.headers if kind == name and n > start]
        end = (
            min([*next_same, high + 1]) - 1
            if name == "standard"
            else (min([*following, high + 1]) - 1)
        )
        return start, end

    def entry(self, name: str) -> int:
        """Return the line of the first header of a top-level entry (``[[name]]``, ``[name.x]``)."""
        for kind, number in self.headers:
            if kind == name or kind.startswith(name + "."):
                return number
        return self.key(name, (1, len(self.lines)))

    def key(self, key: str, span: tuple[int, int]) -> int:
        """Return the line of ``key = …`` (or ``key.ja = …``) within span, else its start."""
        start, end = span
        # Only the table's own lines, up to the next header of any kind.
        following = [n for _kind, n in self.headers if start < n <= end]
        stop = min([*following, end + 1])
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*[=.]")
        for number in range(start, stop):
            if pattern.match(self.lines[number - 1]):
                return number
        return start


class _FileReader:
    """Checks the entries of one file and collects its problems."""

    def __init__(self, file: CatalogFile, layout: _Layout, problems: list[Problem]) -> None:
        self.file = file
        self.layout = layout
        self.problems = problems

    def add(self, line: int, message: str, **params: object) -> None:
        self.problems.append(Problem(self.file.name, message, params, line=line))

    def entries(self, document: dict[str, Any]) -> dict[str, list[tuple[dict[str, Any], int]]]:
        """Return each kind of entry with its tables and their first lines."""
        found: dict[str, list[tuple[dict[str, Any], int]]] = {kind: [] for kind in KINDS_OF_ENTRY}
        for key, value in document.items():
            if key not in KINDS_OF_ENTRY:
                self.add(
                    self.layout.entry(key),
                    N_("unknown entry %(key)s: expected office, principle or standard"),
                    key=key,
                )
            elif not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
                self.add(
                    self.layout.entry(key),
                    N_("%(key)s must be written as [[%(key)s]] tables"),
                    key=key,
                )
            else:
                found[key] = [(table, index) for index, table in enumerate(value)]
        return found

    # --- field checks: each returns the value, or None after recording a problem ---

    def unknown_keys(self, table: dict[str, Any], kind: str, span: tuple[int, int]) -> None:
        for key in sorted(set(table) - _KEYS[kind]):
            self.add(
                self.layout.key(key, span),
                N_("unknown key %(key)s in %(table)s"),
                key=key,
                table=kind,
            )

    def required(self, table: dict[str, Any], key: str, span: tuple[int, int]) -> Any:
        if key not in table:
            self.add(span[0], N_("%(key)s is missing"), key=key)
            return None
        return table[key]

    def string(
        self, table: dict[str, Any], key: str, span: tuple[int, int], *, required: bool = True
    ) -> str | None:
        value = self.required(table, key, span) if required else table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(self.layout.key(key, span), N_("%(key)s must be a non-empty text"), key=key)
            return None
        return value.strip()

    def integer(
        self,
        table: dict[str, Any],
        key: str,
        span: tuple[int, int],
        *,
        low: int,
        high: int,
        required: bool = True,
    ) -> int | None:
        value = self.required(table, key, span) if required else table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(
                self.layout.key(key, span),
                N_("%(key)s must be a whole number from %(low)s to %(high)s"),
                key=key,
                low=low,
                high=high,
            )
            return None
        return value

    def share(self, table: dict[str, Any], key: str, span: tuple[int, int]) -> Decimal | None:
        value = table.get(key)
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not 0 < value <= 1
            or Decimal(str(value)).as_tuple().exponent < -6  # type: ignore[operator]
        ):
            self.add(
                self.layout.key(key, span),
                N_(
                    "%(key)s must be a number above 0 and at most 1, "
                    "with at most 6 decimals (0.9 = 90%%)"
                ),
                key=key,
            )
            return None
        return Decimal(str(value))

    def text(self, table: dict[str, Any], key: str, span: tuple[int, int]) -> Text | None:
        value = self.required(table, key, span)
        if value is None:
            return None
        line = self.layout.key(key, span)
        if not isinstance(value, dict):
            self.add(line, N_('%(key)s must be written as { ja = "…", en = "…" }'), key=key)
            return None
        for extra in sorted(set(value) - {"ja", "en"}):
            self.add(
                line, N_("unknown language %(lang)s in %(key)s: use ja and en"), lang=extra, key=key
            )
        ja, en = value.get("ja"), value.get("en", "")
        if not isinstance(ja, str) or not ja.strip():
            self.add(line, N_("%(key)s has no Japanese text (ja)"), key=key)
            return None
        if not isinstance(en, str):
            self.add(line, N_("%(key)s.en must be a text"), key=key)
            return None
        return Text(ja.strip(), en.strip())

    def choice(
        self,
        table: dict[str, Any],
        key: str,
        span: tuple[int, int],
        choices: Iterable[str],
        *,
        required: bool = True,
    ) -> str | None:
        value = self.string(table, key, span, required=required)
        options = tuple(choices)
        if value is not None and value not in options:
            self.add(
                self.layout.key(key, span),
                N_("%(key)s must be one of %(choices)s"),
                key=key,
                choices=", ".join(options),
            )
            return None
        return value

    def code(
        self, table: dict[str, Any], span: tuple[int, int], pattern: re.Pattern[str]
    ) -> str | None:
        value = self.string(table, "code", span)
        if value is not None and not pattern.match(value):
            self.add(
                self.layout.key("code", span),
                N_("code %(code)s may hold only letters, digits and - (at most 32)"),
                code=value,
            )
            return None
        return value

    # --- the three kinds of entry ---

    def office(self, table: dict[str, Any], index: int) -> tuple[Office, int] | None:
        span = self.layout.table("office", index)
        self.unknown_keys(table, "office", span)
        code = self.code(table, span, _CODE)
        kind = self.choice(table, "kind", span, [k.value for k in OfficeKind])
        name = self.text(table, "name", span)
        origin = self.choice(table, "origin", span, [o.value for o in Origin])
        parent = self.string(table, "parent", span, required=False)
        if kind in (OfficeKind.BRANCH, OfficeKind.SUB) and parent is None and "parent" not in table:
            self.add(span[0], N_("a branch or sub-office needs the parent ward office (parent)"))
        if kind == OfficeKind.WARD and parent is not None:
            self.add(self.layout.key("parent", span), N_("a ward office has no parent"))
            return None
        if None in (code, kind, name, origin):
            return None
        return Office(code, OfficeKind(kind), name, Origin(origin), parent), span[0]  # type: ignore[arg-type]

    def principle(self, table: dict[str, Any], index: int) -> tuple[Principle, int] | None:
        span = self.layout.table("principle", index)
        self.unknown_keys(table, "principle", span)
        code = self.code(table, span, _CODE)
        name = self.text(table, "name", span)
        description = self.text(table, "description", span)
        origin = self.choice(table, "origin", span, [o.value for o in Origin])
        if code is None or name is None or description is None or origin is None:
            return None
        return Principle(code, name, description, Origin(origin)), span[0]

    def standard(self, table: dict[str, Any], index: int) -> tuple[Standard, int] | None:
        span = self.layout.table("standard", index)
        self.unknown_keys(table, "standard", span)
        code = self.code(table, span, _STANDARD_CODE)
        principle = self.string(table, "principle", span)
        scope = self.string(table, "scope", span, required=False) or CITYWIDE
        area = self.choice(table, "area", span, AREAS, required=False)
        title = self.text(table, "title", span)
        method = self.text(table, "method", span)
        since = self.integer(table, "since", span, low=_FIRST_FISCAL_YEAR, high=_LAST_FISCAL_YEAR)
        origin = self.choice(table, "origin", span, [o.value for o in Origin])
        applies_to = self.applies_to(table, span)
        rule = self.rule(table, span)
        levels = self.levels(table, span)
        start_level = self.integer(table, "start_level", span, low=1, high=99, required=False) or 1
        if levels and start_level > len(levels):
            self.add(
                self.layout.key("start_level", span),
                N_("start_level %(level)s is above the last level (%(last)s)"),
                level=start_level,
                last=len(levels),
            )
            return None
        parts = (code, principle, title, method, since, origin, applies_to, rule, levels)
        if any(part is None for part in parts):
            return None
        return Standard(
            code=code,
            principle=principle,
            title=title,
            method=method,  # type: ignore[arg-type]
            since=since,
            origin=Origin(origin),
            levels=levels,  # type: ignore[arg-type]
            source=self.file.base_name,
            office=None if scope == CITYWIDE else scope,
            applies_to=applies_to,
            area=area,
            start_level=start_level,
            rule=rule,  # type: ignore[arg-type]
        ), span[0]

    def applies_to(
        self, table: dict[str, Any], span: tuple[int, int]
    ) -> frozenset[OfficeKind] | None:
        value = table.get("applies_to", [k.value for k in OfficeKind])
        kinds = {k.value for k in OfficeKind}
        if not isinstance(value, list) or not value or not set(value) <= kinds:
            self.add(
                self.layout.key("applies_to", span),
                N_("applies_to must be a list of office kinds: ward, branch, sub"),
            )
            return None
        return frozenset(OfficeKind(v) for v in value)

    def rule(self, table: dict[str, Any], span: tuple[int, int]) -> RuleSettings | None:
        value = table.get("rule", {})
        if not isinstance(value, dict):
            self.add(self.layout.key("rule", span), N_("rule must be a [standard.rule] table"))
            return None
        rule_span = self.layout.table("standard.rule", 0, within=span)
        self.unknown_keys(value, "standard.rule", rule_span)
        defaults = RuleSettings()
        sustain = self.integer(value, "sustain_years", rule_span, low=1, high=10, required=False)
        coverage = self.share(value, "coverage", rule_span)
        support = self.share(value, "support_share", rule_span)
        return RuleSettings(
            sustain_years=sustain or defaults.sustain_years,
            coverage=coverage or defaults.coverage,
            support_share=support or defaults.support_share,
        )

    def levels(self, table: dict[str, Any], span: tuple[int, int]) -> tuple[Level, ...] | None:
        value = self.required(table, "level", span)
        if value is None:
            return None
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            self.add(
                self.layout.key("level", span),
                N_("a standard needs at least one level, written as [[standard.level]]"),
            )
            return None
        levels: list[Level] = []
        ok = True
        for index, entry in enumerate(value):
            level_span = self.layout.table("standard.level", index, within=span)
            self.unknown_keys(entry, "standard.level", level_span)
            number = self.integer(entry, "level", level_span, low=1, high=99)
            criterion = self.text(entry, "criterion", level_span)
            target = self.share(entry, "target", level_span)
            minimum = self.integer(
                entry, "min_observations", level_span, low=1, high=100000, required=False
            )
            if target is not None and minimum is None and "min_observations" not in entry:
                self.add(
                    level_span[0],
                    N_("a level with a target needs min_observations (the fewest observations)"),
                )
                ok = False
            if number is not None and number != index + 1:
                self.add(
                    self.layout.key("level", level_span),
                    N_(
                        "levels must be numbered 1, 2, 3 … in order: expected %(expected)s, "
                        "found %(found)s"
                    ),
                    expected=index + 1,
                    found=number,
                )
                ok = False
            if number is None or criterion is None:
                ok = False
                continue
            levels.append(Level(number, criterion, target, minimum))
        return tuple(levels) if ok else None


def _read_file(file: CatalogFile, problems: list[Problem]) -> tuple[dict[str, Any], _Layout] | None:
    """Decode and parse one file; record why not where it cannot be."""
    try:
        text = file.data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # The decoder counts from after a byte order mark; count from the file's first byte.
        position = error.start + (
            len(codecs.BOM_UTF8) if file.data.startswith(codecs.BOM_UTF8) else 0
        )
        line = file.data[:position].count(b"\n") + 1
        problems.append(
            Problem(
                file.name,
                N_("the file is not UTF-8 text (byte %(byte)s); save it as UTF-8"),
                {"byte": position + 1},
                line=line,
            )
        )
        return None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = _DECODE_POSITION.match(str(error))
        message, line = (match["msg"], int(match["line"])) if match else (str(error), 1)
        problems.append(
            Problem(file.name, N_("TOML syntax error: %(detail)s"), {"detail": message}, line=line)
        )
        return None
    if not document:
        problems.append(
            Problem(
                file.name,
                N_("the file is empty: it holds no office, principle or standard"),
                line=1,
            )
        )
        return None
    return document, _Layout(text)


def parse_catalog(
    files: Sequence[CatalogFile],
    *,
    known_offices: Mapping[str, OfficeKind] | None = None,
    known_principles: Iterable[str] = (),
) -> tuple[Catalog, list[Problem]]:
    """Read checklist files into one catalog, and list every problem in every file.

    References (a standard's principle and office, an office's parent) may point to entries
    in any of the files or, for a partial load, to those already known.
    """
    problems: list[Problem] = []
    offices: list[tuple[Office, CatalogFile, int]] = []
    principles: list[tuple[Principle, CatalogFile, int]] = []
    standards: list[tuple[Standard, CatalogFile, int]] = []
    for file in files:
        read = _read_file(file, problems)
        if read is None:
            continue
        document, layout = read
        reader = _FileReader(file, layout, problems)
        entries = reader.entries(document)
        for table, index in entries["office"]:
            if parsed_office := reader.office(table, index):
                offices.append((parsed_office[0], file, parsed_office[1]))
        for table, index in entries["principle"]:
            if parsed_principle := reader.principle(table, index):
                principles.append((parsed_principle[0], file, parsed_principle[1]))
        for table, index in entries["standard"]:
            if parsed_standard := reader.standard(table, index):
                standards.append((parsed_standard[0], file, parsed_standard[1]))

    for kind, items in (("office", offices), ("principle", principles), ("standard", standards)):
        problems.extend(_duplicates(kind, items))

    office_kinds = dict(known_offices or {})
    office_kinds.update({office.code: office.kind for office, _f, _l in offices})
    principle_codes = set(known_principles) | {p.code for p, _f, _l in principles}
    for office, file, line in offices:
        if office.parent is not None and office_kinds.get(office.parent) != OfficeKind.WARD:
            problems.append(
                Problem(
                    file.name,
                    N_("unknown parent ward office %(code)s"),
                    {"code": office.parent},
                    line=line,
                )
            )
    for standard, file, line in standards:
        if standard.principle not in principle_codes:
            problems.append(
                Problem(
                    file.name,
                    N_("standard %(code)s: unknown principle %(principle)s"),
                    {"code": standard.code, "principle": standard.principle},
                    line=line,
                )
            )
        if standard.office is not None and standard.office not in office_kinds:
            problems.append(
                Problem(
                    file.name,
                    N_("standard %(code)s: unknown office %(office)s"),
                    {"code": standard.code, "office": standard.office},
                    line=line,
                )
            )

    problems.sort(key=lambda p: ([f.name for f in files].index(p.file), p.line or 0))
    catalog = Catalog(
        offices=tuple(o for o, _f, _l in offices),
        principles=tuple(p for p, _f, _l in principles),
        standards=tuple(s for s, _f, _l in standards),
    )
    return catalog, problems


def _duplicates(kind: str, items: Sequence[tuple[Any, CatalogFile, int]]) -> list[Problem]:
    first: dict[str, tuple[CatalogFile, int]] = {}
    problems = []
    for item, file, line in items:
        if item.code in first:
            other_file, other_line = first[item.code]
            problems.append(
                Problem(
                    file.name,
                    N_("duplicate %(kind)s code %(code)s (first at %(where)s)"),
                    {"kind": kind, "code": item.code, "where": f"{other_file.name}:{other_line}"},
                    line=line,
                )
            )
        else:
            first[item.code] = (file, line)
    return problems


# --- what applying a catalog changes ---------------------------------------------------


class ChangeKind(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    RETIRED = "retired"
    RESTORED = "restored"


@dataclass(frozen=True)
class Change:
    """One entry that applying a catalog adds, changes, retires or restores."""

    kind: str
    code: str
    change: ChangeKind
    #: (field, before, after) for each field that differs
    fields: tuple[tuple[str, str, str], ...] = ()


def describe(entry: Office | Principle | Standard) -> dict[str, str]:
    """Flatten an entry into named, printable fields, for comparing and for the audit trail."""
    fields: dict[str, str] = {}
    for name, value in vars(entry).items():
        if name == "levels":
            for level in value:
                for key, part in vars(level).items():
                    if key != "number":
                        _flatten(fields, f"level {level.number} {key}", part)
        elif name == "rule":
            for key, part in vars(value).items():
                fields[f"rule {key}"] = str(part)
        elif name != "code":
            _flatten(fields, name, value)
    return fields


def _flatten(fields: dict[str, str], name: str, value: object) -> None:
    if isinstance(value, Text):
        fields[f"{name} (ja)"] = value.ja
        fields[f"{name} (en)"] = value.en
    elif isinstance(value, frozenset):
        fields[name] = ", ".join(sorted(str(v) for v in value))
    else:
        fields[name] = "" if value is None else str(value)


def diff_catalog(
    current: Catalog,
    incoming: Catalog,
    *,
    retired: Iterable[str] = (),
    replaced_files: Iterable[str] = (),
) -> list[Change]:
    """List what applying ``incoming`` over ``current`` would change.

    :param retired: codes of the current standards that are already retired.
    :param replaced_files: base names of the files being loaded; a current, active standard
        kept in one of them but absent from ``incoming`` is retired.
    """
    retired_codes = set(retired)
    changes: list[Change] = []
    for kind, old_entries, new_entries in (
        ("office", current.offices, incoming.offices),
        ("principle", current.principles, incoming.principles),
        ("standard", current.standards, incoming.standards),
    ):
        old_by_code = {entry.code: entry for entry in old_entries}
        for entry in new_entries:
            old = old_by_code.get(entry.code)
            if old is None:
                changes.append(Change(kind, entry.code, ChangeKind.ADDED))
                continue
            before, after = describe(old), describe(entry)
            differing = tuple(
                (name, before.get(name, ""), after.get(name, ""))
                for name in dict.fromkeys([*before, *after])
                if before.get(name, "") != after.get(name, "")
            )
            if kind == "standard" and entry.code in retired_codes:
                changes.append(Change(kind, entry.code, ChangeKind.RESTORED, differing))
            elif differing:
                changes.append(Change(kind, entry.code, ChangeKind.CHANGED, differing))
    loaded_files = set(replaced_files)
    incoming_codes = {s.code for s in incoming.standards}
    for standard in current.standards:
        if (
            standard.source in loaded_files
            and standard.code not in incoming_codes
            and standard.code not in retired_codes
        ):
            changes.append(Change("standard", standard.code, ChangeKind.RETIRED))
    return changes


# --- which standards apply, at which level ----------------------------------------------


def applies_to_office(
    owner: str | None, kinds: frozenset[OfficeKind], office: str, kind: OfficeKind
) -> bool:
    """A citywide standard applies to the kinds of office it names; an own standard to its office.

    A ward's own standards (区独自基準) do not extend to its branch and sub-offices, which
    are held to the citywide standards for their kind and to standards scoped to them.

    :param owner: the office a standard belongs to, None for a citywide one.
    :param kinds: the kinds of office a citywide standard applies to.
    """
    if owner is not None:
        return owner == office
    return kind in kinds


def level_in_force(history: Iterable[tuple[int, int]], fiscal_year: int) -> int | None:
    """The level in force in a fiscal year, from (from_year, level) steps; None before the first."""
    in_force = None
    for from_year, level in sorted(history):
        if from_year <= fiscal_year:
            in_force = level
    return in_force
