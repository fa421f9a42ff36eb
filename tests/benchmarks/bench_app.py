"""How fast the app answers at city and national scale: ``make bench`` (issue 9).

A script, not a test (pytest does not collect ``bench_*.py``). For each scale it builds the
data set once (``flask demo --scale city|national`` into ``instance/bench-<scale>.sqlite``),
copies it, serves the copy with gunicorn (2 workers, keep-alive) on 127.0.0.1 and times each
case over one keep-alive connection: median and p95 against its target. Then the throughput of
the audit read against a trivial endpoint of the same app (wrk when installed, else a Python
client), the workers' peak RSS, and whether rendering 100 packs in one process grows memory.
The figures go to ``tests/benchmarks/results.json`` and ``results.md``, which the README's
table is made from.

    .venv/bin/python tests/benchmarks/bench_app.py [--scale city|national ...] [--quick]
"""

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
HERE = Path(__file__).resolve().parent
PASSWORD = "demo-password-2025"
#: the city whose matrix, pack and export are timed at national scale (9 offices)
ONE_CITY = "c01"


@dataclass(frozen=True)
class Case:
    key: str
    label: str
    #: targets in milliseconds (median); None: not a case at that scale
    city: float | None
    national: float | None
    rounds: int = 40


CASES = (
    Case("api_audit", "GET /api/v1/audits/<id> with all its responses", 10, 10, 200),
    Case("audit_page", "the audit's HTML page", 30, 30, 100),
    Case("api_save", "saving one response (API)", 15, 15, 100),
    Case("form_save", "saving one response (form)", 15, 15, 100),
    Case("api_create", "creating an audit with its responses", 30, 30, 60),
    Case("matrix_city", "the matrix page, one city", 40, 60),
    Case("results_city", "/api/v1/results, one city", 40, 60),
    Case("matrix_all", "the matrix page, all offices", None, 1000, 10),
    Case("results_all", "/api/v1/results, all offices", None, 1000, 10),
    Case("ratchet", "the ratchet review for a year", 200, 2000, 10),
    Case("scorecard", "a scorecard PDF", 150, 150, 20),
    Case("pack", "the whole-city pack", 2000, 2000, 5),
    Case("xlsx", "XLSX export of a year, one city", 200, 300, 10),
)
#: the trivial endpoint of the same app the audit read is compared with: a small static file,
#: through the same WSGI app, hooks and headers, without the database
TRIVIAL = "/static/js/charts.js"
#: throughput: the audit read in requests per second, and as a share of a trivial endpoint's
MIN_RATE, MIN_RATIO = 300.0, 0.25
#: a worker's peak RSS under the load test, and growth allowed over 100 packs, in MB
MAX_RSS_MB, MAX_PACK_GROWTH_MB = 150.0, 10.0


# --- the data sets ----------------------------------------------------------------------


def flask(database: Path, *args: str, capture: bool = False) -> str:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "bench"}
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout if capture else ""


def build(scale: str, rebuild: bool) -> tuple[Path, float]:
    """The scale's database, made once; returns it and how long the demo took to generate."""
    database = ROOT / "instance" / f"bench-{scale}.sqlite"
    meta = database.with_suffix(".json")
    if rebuild or not database.exists() or not meta.exists():
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm"), meta):
            path.unlink(missing_ok=True)
        database.parent.mkdir(exist_ok=True)
        flask(database, "init")
        start = time.perf_counter()
        flask(database, "demo", "--scale", scale)
        seconds = time.perf_counter() - start
        meta.write_text(json.dumps({"generated_seconds": round(seconds, 1)}))
    return database, json.loads(meta.read_text())["generated_seconds"]


def facts(database: Path) -> dict[str, Any]:
    """Ids and sizes the cases need, read straight from the copy."""
    import sqlite3

    with sqlite3.connect(database) as con:
        one = con.execute
        year = one("SELECT max(fiscal_year) FROM audit WHERE status = 'accepted'").fetchone()[0]
        audit = one(
            "SELECT a.id FROM audit a JOIN office o ON o.id = a.office_id "
            "WHERE o.code = 'kawasaki' AND a.kind = 'self' AND a.fiscal_year = ?",
            (year,),
        ).fetchone()[0]
        draft = one("SELECT id FROM audit WHERE status = 'draft'").fetchone()[0]
        return {
            "year": year,
            "audit": audit,
            "draft": draft,
            "responses": one("SELECT count(*) FROM response").fetchone()[0],
            "audits": one("SELECT count(*) FROM audit").fetchone()[0],
            "offices": one("SELECT count(*) FROM office").fetchone()[0],
            "cities": one("SELECT count(DISTINCT city) FROM office").fetchone()[0],
            "audit_responses": one(
                "SELECT count(*) FROM response WHERE audit_id = ?", (audit,)
            ).fetchone()[0],
            "offices_external": [
                code for (code,) in one("SELECT code FROM office WHERE city = '' ORDER BY position")
            ],
        }


# --- a keep-alive HTTP client -----------------------------------------------------------


class Client:
    """One keep-alive connection, with cookies and an optional bearer token."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.port, self.token = port, token
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, method: str, path: str, body: bytes | None = None, **headers: str
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        sent = {k.replace("_", "-"): v for k, v in headers.items()}
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=sent)
            answer = self.connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # the server may close an idle keep-alive connection: open another, once
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.connection.request(method, path, body=body, headers=sent)
            answer = self.connection.getresponse()
        data = answer.read()
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return answer.status, answer.headers, data

    def get(self, path: str, expect: int = 200) -> bytes:
        status, _headers, data = self.request("GET", path)
        if status != expect:
            raise RuntimeError(f"GET {path}: {status} {data[:300]!r}")
        return data

    def log_in(self, username: str) -> None:
        page = self.get("/login").decode()
        fields = FormFields.read(page, "/login")
        fields.update(username=username, password=PASSWORD)
        status, _headers, data = self.request(
            "POST",
            "/login",
            urlencode(fields).encode(),
            Content_Type="application/x-www-form-urlencoded",
        )
        if status != 302:
            raise RuntimeError(f"log-in as {username}: {status} {data[:300]!r}")


class FormFields(HTMLParser):
    """The named fields of the form posting to ``action``, with their current values."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}
        self.select: str | None = None
        self.textarea: str | None = None

    @classmethod
    def read(cls, page: str, action: str) -> dict[str, str]:
        parser = cls(action)
        parser.feed(page)
        return parser.fields

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            # a form without an action posts to its own page, the log-in form does
            self.inside = (found.get("action") or self.action).endswith(self.action)
        if not self.inside:
            return
        if tag == "option" and self.select and "selected" in found:
            self.fields[self.select] = found.get("value") or ""
        name = found.get("name")
        if not name:
            return
        kind = found.get("type")
        if tag == "input" and (kind not in ("submit", "radio", "checkbox") or "checked" in found):
            self.fields[name] = found.get("value") or ""
        elif tag == "select":
            self.select = name
            self.fields.setdefault(name, "")
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.fields[self.textarea] += data


# --- the server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with 2 workers; gthread with one thread each, which keeps connections alive
    (the sync worker closes every connection) and still runs one request at a time."""

    def __init__(self, database: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "bench"}
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers=2",
                "--worker-class=gthread",
                "--threads=1",
                "--keep-alive=30",
                "--timeout=120",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)

    def worker_pids(self) -> list[int]:
        found = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in found.split()]

    def peak_rss_mb(self) -> float:
        peaks = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)  # type: ignore[union-attr]
        return max(peaks)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


# --- timing -----------------------------------------------------------------------------


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(
    work: Callable[[int], object],
    rounds: int,
    warm: int = 3,
    prepare: Callable[[int], object] | None = None,
) -> dict[str, float]:
    """Time ``work`` ``rounds`` times after ``warm`` untimed runs; ``prepare`` is not timed."""
    for index in range(warm):
        if prepare:
            prepare(-1 - index)
        work(-1 - index)
    times = []
    for index in range(rounds):
        if prepare:
            prepare(index)
        start = time.perf_counter()
        work(index)
        times.append((time.perf_counter() - start) * 1000)
    return {"median": statistics.median(times), "p95": percentile(times, 0.95), "n": rounds}


def run_cases(scale: str, port: int, tokens: dict[str, str], found: dict[str, Any], quick: bool):
    year, national = found["year"], scale == "national"
    city = f"&city={ONE_CITY}" if national else ""
    api = {name: Client(port, token) for name, token in tokens.items()}
    head, committee = Client(port), Client(port)
    head.log_in("head")
    committee.log_in("kawasaki")
    draft = found["draft"]

    # A standard of the draft to save again and again, alternating its evidence.
    body = json.loads(api["kawasaki"].get(f"/api/v1/audits/{draft}"))
    saved = next(r for r in body["responses"] if r["rating"] is not None)
    code = saved["standard_code"]
    version = {"api": saved["version"]}

    def api_save(index: int) -> None:
        entry = {k: saved[k] for k in ("rating", "successes", "trials", "na_reason")}
        entry["evidence"] = f"bench {index}"
        status, headers, data = api["kawasaki"].request(
            "PUT",
            f"/api/v1/audits/{draft}/responses/{code}",
            json.dumps(entry).encode(),
            Content_Type="application/json",
            If_Match=f'"{version["api"]}"',
        )
        if status != 200:
            raise RuntimeError(f"PUT: {status} {data[:300]!r}")
        version["api"] = int(headers["ETag"].strip('"'))

    scoring_form = f"/audits/{draft}/edit"  # one form for the whole page, posted to itself

    posted: dict[str, str] = {}

    def open_form(index: int) -> None:
        """Untimed: read the form as the browser has it, and change one standard's evidence."""
        fields = FormFields.read(committee.get(scoring_form).decode(), scoring_form)
        name = next(k for k in fields if k.endswith("-evidence") and fields.get(k))
        fields[name] = f"form bench {index}"
        posted.clear()
        posted.update(fields)

    def form_save(_index: int) -> None:
        status, _headers, data = committee.request(
            "POST",
            scoring_form,
            urlencode(posted).encode(),
            Content_Type="application/x-www-form-urlencoded",
        )
        if status != 302:
            raise RuntimeError(f"POST {scoring_form}: {status} {data[:300]!r}")

    offices = found["offices_external"]

    def api_create(index: int) -> None:
        office = offices[(index + 100) % len(offices)]
        fiscal_year = 2030 + (index + 100) // len(offices)
        status, _headers, data = api["auditor"].request(
            "POST",
            "/api/v1/audits",
            json.dumps({"office": office, "fiscal_year": fiscal_year, "kind": "external"}).encode(),
            Content_Type="application/json",
        )
        if status != 201:
            raise RuntimeError(f"POST /api/v1/audits: {status} {data[:300]!r}")

    work: dict[str, Callable[[int], object]] = {
        "api_audit": lambda _i: api["head"].get(f"/api/v1/audits/{found['audit']}"),
        "audit_page": lambda _i: head.get(f"/audits/{found['audit']}"),
        "api_save": api_save,
        "form_save": form_save,
        "api_create": api_create,
        "matrix_city": lambda _i: head.get(f"/review/?year={year}{city}"),
        "results_city": lambda _i: api["head"].get(f"/api/v1/results?year={year}{city}"),
        "matrix_all": lambda _i: head.get(f"/review/?year={year}"),
        "results_all": lambda _i: api["head"].get(f"/api/v1/results?year={year}"),
        "ratchet": lambda _i: head.get(f"/ratchet/?year={year}"),
        "scorecard": lambda _i: head.get(f"/audits/{found['audit']}/scorecard.pdf"),
        "pack": lambda _i: head.get(f"/review/pack.pdf?year={year}{city}"),
        "xlsx": lambda _i: head.get(f"/review/export.xlsx?year={year}{city}"),
    }
    figures = {}
    for case in CASES:
        target = case.national if national else case.city
        if target is None:
            continue
        rounds = max(3, case.rounds // 5) if quick else case.rounds
        result = measure(
            work[case.key], rounds, prepare=open_form if case.key == "form_save" else None
        )
        result["target"] = target
        figures[case.key] = result
        mark = "ok" if result["median"] <= target else "MISS"
        print(
            f"  {case.label:<50} median {result['median']:8.1f} ms  p95 {result['p95']:8.1f} ms"
            f"  target {target:6.0f} ms  {mark}",
            flush=True,
        )
    return figures


# --- throughput -------------------------------------------------------------------------


def rate_wrk(port: int, path: str, token: str | None, seconds: int) -> float:
    headers = ["-H", f"Authorization: Bearer {token}"] if token else []
    done = subprocess.run(
        ["wrk", "-t2", "-c4", f"-d{seconds}s", *headers, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    )
    if "Non-2xx" in done.stdout:
        raise RuntimeError(f"wrk {path}: errors\n{done.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))  # type: ignore[union-attr]


def rate_python(port: int, path: str, token: str | None, seconds: int) -> float:
    """Four threads on keep-alive connections, counting answers for ``seconds``."""
    counts, stop = [0] * 4, time.perf_counter() + seconds

    def run(slot: int) -> None:
        client = Client(port, token)
        while time.perf_counter() < stop:
            client.get(path)
            counts[slot] += 1

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(4)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - start)


def throughput(port: int, token: str, audit: int, seconds: int) -> dict[str, Any]:
    tool = "wrk" if shutil.which("wrk") else "python"
    rate = rate_wrk if tool == "wrk" else rate_python
    trivial = rate(port, TRIVIAL, None, seconds)
    read = rate(port, f"/api/v1/audits/{audit}", token, seconds)
    return {"tool": tool, "trivial": trivial, "audit_read": read, "ratio": read / trivial}


# --- memory over 100 packs --------------------------------------------------------------


def pack_memory(database: Path, packs: int) -> dict[str, float]:
    """Render the same pack ``packs`` times in this process; RSS after 10 and after all."""
    from zoneinfo import ZoneInfo

    from flask_babel import force_locale

    from audit import create_app
    from audit.db import db
    from audit.pdf.pack import render_pack
    from audit.pdf.values import Printed
    from audit.services import printing
    from audit.services.surveys import survey_target

    def rss() -> float:
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "bench"})
    with app.app_context(), force_locale("ja"):
        year = facts(database)["year"]
        values = printing.print_review_pack(
            db.session, None, year, target=survey_target(app.config)
        )
        db.session.rollback()
        stamp = Printed("bench", datetime.now(ZoneInfo("Asia/Tokyo")))
        after_ten = 0.0
        for index in range(packs):
            render_pack(values, stamp)
            if index == 9:
                after_ten = rss()
        db.engine.dispose()
    return {"after_10_mb": after_ten, "after_all_mb": rss(), "packs": packs}


# --- the report -------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory // 1024 // 1024} GB RAM, "
        f"Python {platform.python_version()}, SQLite"
    )


def write_markdown(report: dict[str, Any]) -> str:
    scales = report["scales"]
    lines = [
        f"Measured {report['date']} on {report['machine']}; gunicorn 2 workers (gthread, 1 thread"
        ", keep-alive), client on the same machine, one keep-alive connection.",
        "",
        "| case | city median / p95 | target | national median / p95 | target |",
        "|---|---|---|---|---|",
    ]

    def cell(scale: str, case: Case) -> tuple[str, str]:
        figures = scales.get(scale, {}).get("cases", {}).get(case.key)
        if figures is None:
            return "—", "—"
        mark = "✓" if figures["median"] <= figures["target"] else "✗"
        return (
            f"{figures['median']:.1f} / {figures['p95']:.1f} ms {mark}",
            f"≤ {figures['target']:.0f} ms",
        )

    for case in CASES:
        city, national = cell("city", case), cell("national", case)
        lines.append(f"| {case.label} | {city[0]} | {city[1]} | {national[0]} | {national[1]} |")
    lines.append("")
    for scale, data in scales.items():
        size = data["data"]
        rate = data["throughput"]
        lines.append(
            f"- **{scale}**: {size['offices']} offices in {size['cities']} "
            f"{'city' if size['cities'] == 1 else 'cities'}, {size['audits']:,} audits, "
            f"{size['responses']:,} responses, generated in {data['generated_seconds']:.0f} s; "
            f"the timed audit has {size['audit_responses']} responses. Throughput ({rate['tool']}"
            f"): audit read {rate['audit_read']:.0f} req/s, trivial endpoint "
            f"{rate['trivial']:.0f} req/s, ratio {rate['ratio']:.2f} (targets ≥ {MIN_RATE:.0f} "
            f"req/s and ≥ {MIN_RATIO}); a worker's peak RSS {data['peak_rss_mb']:.0f} MB "
            f"(≤ {MAX_RSS_MB:.0f} MB)."
        )
    memory = report.get("pack_memory")
    if memory:
        lines.append(
            f"- {memory['packs']} packs rendered in one process: RSS {memory['after_10_mb']:.0f} MB"
            f" after 10, {memory['after_all_mb']:.0f} MB after {memory['packs']} (growth ≤ "
            f"{MAX_PACK_GROWTH_MB:.0f} MB)."
        )
    return "\n".join(lines) + "\n"


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def update_readme(table: str) -> None:
    """Put the figures between the README's two markers, leaving the rest as it is."""
    readme = ROOT / "README.md"
    text = readme.read_text()
    if README_START in text and README_END in text:
        head, rest = text.split(README_START, 1)
        _old, tail = rest.split(README_END, 1)
        readme.write_text(f"{head}{README_START}\n{table}{README_END}{tail}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", choices=("city", "national"))
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for trying out")
    parser.add_argument("--rebuild", action="store_true", help="generate the data sets again")
    parser.add_argument("--seconds", type=int, default=10, help="per throughput run")
    parser.add_argument("--packs", type=int, default=100)
    options = parser.parse_args()
    report: dict[str, Any] = {
        "date": date.today().isoformat(),
        "machine": machine(),
        "scales": {},
    }
    failures = []
    for scale in options.scale or ["city", "national"]:
        database, generated = build(scale, options.rebuild)
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "bench.sqlite"
            shutil.copy(database, copy)
            found = facts(copy)
            tokens = {
                name: flask(copy, "users", "token", name, capture=True).strip().split()[-1]
                for name in ("head", "auditor", "kawasaki")
            }
            print(
                f"{scale}: {found['offices']} offices, {found['responses']:,} responses "
                f"(generated in {generated:.0f} s)",
                flush=True,
            )
            server = Server(copy)
            try:
                cases = run_cases(scale, server.port, tokens, found, options.quick)
            finally:
                server.stop()
            # Fresh workers for the load test, so that their peak RSS is the load test's own.
            server = Server(copy)
            try:
                rate = throughput(server.port, tokens["head"], found["audit"], options.seconds)
                peak = server.peak_rss_mb()
            finally:
                server.stop()
            print(
                f"  throughput ({rate['tool']}): audit read {rate['audit_read']:.0f} req/s, "
                f"trivial {rate['trivial']:.0f} req/s, ratio {rate['ratio']:.2f}; "
                f"worker peak RSS {peak:.0f} MB",
                flush=True,
            )
            report["scales"][scale] = {
                "data": {k: v for k, v in found.items() if k != "offices_external"},
                "generated_seconds": generated,
                "cases": cases,
                "throughput": rate,
                "peak_rss_mb": peak,
            }
            failures += [f"{scale} {key}" for key, f in cases.items() if f["median"] > f["target"]]
            if rate["audit_read"] < MIN_RATE or rate["ratio"] < MIN_RATIO:
                failures.append(f"{scale} throughput")
            if peak > MAX_RSS_MB:
                failures.append(f"{scale} worker RSS")
            if scale == "city" and options.packs:
                memory = pack_memory(copy, options.packs)
                report["pack_memory"] = memory
                print(
                    f"  {options.packs} packs in one process: RSS {memory['after_10_mb']:.0f} MB "
                    f"after 10, {memory['after_all_mb']:.0f} MB after all",
                    flush=True,
                )
                if memory["after_all_mb"] - memory["after_10_mb"] > MAX_PACK_GROWTH_MB:
                    failures.append("pack memory")
    report["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    (HERE / "results.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    table = write_markdown(report)
    (HERE / "results.md").write_text(table)
    update_readme(table)
    print(f"Written: {HERE / 'results.md'} and the README's table")
    if failures:
        print("Outside the targets: " + ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
