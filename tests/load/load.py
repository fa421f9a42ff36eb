"""Load test: many people saving the same few audits at once, through the API and the forms.

Run by ``make load`` (never by ``make test``): it builds a database (SQLite, or the PostgreSQL
server named by ``--database``), starts gunicorn with 4 workers on 127.0.0.1, and lets 20
clients save responses for 60 seconds: half through the JSON API (``If-Match``), half through
the scoring form (as a browser does: open the page, change one standard, post the section).

Afterwards it checks, against the database:

- no answer was a 5xx and no connection failed;
- no lost update: every write the server accepted is in the audit trail, each response's
  accepted writes were made on distinct versions 1, 2, …, n-1 of a response now at version n,
  and the response holds the last accepted write;
- every refused write was told so (412 or 409 from the API; 409, or a redirect to the audit
  page with a message, from the form) and is nowhere in the database.

It prints its figures (requests, saves, conflicts, errors, p50/p99 latency, workers' peak
memory) and exits 1 if anything above does not hold.
"""

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PASSWORD = "demo-password-2025"
YEAR = 2031
#: the standards everyone saves: all of one principle, so the forms' sections overlap
PRINCIPLE = "P1"


@dataclass
class Write:
    """One save the server answered."""

    audit_id: int
    code: str
    #: the version the client saved on
    version: int
    evidence: str
    accepted: bool


@dataclass
class Figures:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(
        self, kind: str, session: requests.Session, method: str, url: str, **kwargs: Any
    ) -> requests.Response | None:
        """Make one request, counting its answer and how long it took."""
        started = time.perf_counter()
        try:
            response = session.request(method, url, timeout=30, **kwargs)
        except requests.RequestException as error:
            with self.lock:
                self.errors.append(f"{kind}: {error}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies.append(elapsed)
            self.statuses[f"{kind} {response.status_code}"] += 1
            if response.status_code >= 500:
                self.errors.append(f"{kind}: {response.status_code}")
        return response


class ScoringForm(HTMLParser):
    """What a browser would post from the scoring form (one form, every section)."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.fields = action, {}
        self._inside = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._inside = a.get("action") == self.action
        elif not self._inside or not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "button"):
            if a.get("type") not in ("radio", "checkbox") or "checked" in a:
                self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            self.fields[self._textarea] = self.fields[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._inside = False


def api_client(
    base: str,
    token: str,
    figures: Figures,
    targets: list[tuple[int, str]],
    name: str,
    stop: threading.Event,
) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    n = 0
    while not stop.is_set():
        n += 1
        audit_id, code = targets[n % len(targets)]
        url = f"{base}/api/v1/audits/{audit_id}/responses/{code}"
        got = figures.timed("api GET", session, "GET", url)
        if got is None or got.status_code != 200:
            continue
        version = int(got.headers["ETag"].strip('"'))
        evidence = f"<{name}-{n}>"
        body = {"rating": "met", "evidence": evidence}
        put = figures.timed(
            "api PUT", session, "PUT", url, json=body, headers={"If-Match": f'"{version}"'}
        )
        # 412: saved by someone else since the read; 409: in the same instant
        if put is not None and put.status_code in (200, 409, 412):
            with figures.lock:
                figures.writes.append(
                    Write(audit_id, code, version, evidence, put.status_code == 200)
                )
        elif put is not None and put.status_code < 500:
            figures.errors.append(f"api PUT answered {put.status_code}: {put.text[:200]}")


def form_client(
    base: str,
    username: str,
    figures: Figures,
    targets: list[tuple[int, str]],
    name: str,
    stop: threading.Event,
) -> None:
    session = requests.Session()
    login = session.get(f"{base}/login", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login)
    session.post(
        f"{base}/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token[1] if token else ""},
        timeout=30,
    )
    n = 0
    while not stop.is_set():
        n += 1
        audit_id, code = targets[(n * 7) % len(targets)]
        action = f"/audits/{audit_id}/edit"
        page = figures.timed("form GET", session, "GET", f"{base}/audits/{audit_id}/edit")
        if page is None or page.status_code != 200:
            if page is not None and page.status_code < 500:
                figures.errors.append(f"edit page answered {page.status_code}")
            continue
        form = ScoringForm(action)
        form.feed(page.text)
        evidence = f"<{name}-{n}>"
        data = form.fields | {f"{code}-rating": "met", f"{code}-evidence": evidence}
        saved = figures.timed(
            "form POST", session, "POST", f"{base}{action}", data=data, allow_redirects=False
        )
        if saved is not None and saved.status_code in (302, 409):
            # Saved: back to the form, at the standard's section. Refused: 409 with both values
            # (also when someone else saved it in the same instant).
            is_saved = saved.headers.get("Location", "").endswith(f"#section-{PRINCIPLE}")
            version = int(form.fields[f"{code}-version"])
            with figures.lock:
                figures.writes.append(Write(audit_id, code, version, evidence, is_saved))
        elif saved is not None and saved.status_code < 500:
            figures.errors.append(f"form POST answered {saved.status_code}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [*FLASK, *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def peak_memory(master: int) -> list[int]:
    """Each gunicorn worker's peak resident memory in MB (VmHWM), read before they stop."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) // 1024)
    return peaks


def check(database: str, figures: Figures) -> list[str]:
    """What the database says about the accepted and refused writes."""
    problems = []
    engine = create_engine(database)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT audit_id, standard_code, version, evidence FROM response")
        ).all()
        trail = (
            connection.execute(
                text("SELECT after FROM audit_log_entry WHERE action = 'response.saved'")
            )
            .scalars()
            .all()
        )
    engine.dispose()
    current = {(r.audit_id, r.standard_code): (r.version, r.evidence) for r in rows}
    in_trail = " ".join(str(after) for after in trail)
    accepted: dict[tuple[int, str], list[Write]] = defaultdict(list)
    for write in figures.writes:
        if write.accepted:
            accepted[(write.audit_id, write.code)].append(write)
            if write.evidence not in in_trail:
                problems.append(f"accepted write {write.evidence} is not in the audit trail")
        elif write.evidence in in_trail:
            problems.append(f"refused write {write.evidence} was stored")
    for key, writes in accepted.items():
        version, evidence = current[key]
        versions = sorted(w.version for w in writes)
        if versions != list(range(1, version)):
            problems.append(f"{key}: accepted on versions {versions}, now at version {version}")
        last = max(writes, key=lambda w: w.version)
        if evidence != last.evidence:
            problems.append(f"{key}: holds {evidence!r}, the last accepted was {last.evidence!r}")
    return problems


def run(database: str, seconds: int, clients: int, workers: int) -> int:
    env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "load-test-" + "x" * 32}
    flask(env, "init")
    flask(env, "demo")
    tokens = {name: flask(env, "users", "token", name) for name in ("kawasaki", "auditor")}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            GUNICORN,
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/login", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)
        # A self-audit the committee scores and an external evaluation the auditor scores.
        targets: dict[str, list[tuple[int, str]]] = {}
        for name, office, kind in (
            ("kawasaki", "kawasaki", "self"),
            ("auditor", "nakahara", "external"),
        ):
            made = requests.post(
                f"{base}/api/v1/audits",
                json={"office": office, "fiscal_year": YEAR, "kind": kind, "from_previous": False},
                headers={"Authorization": f"Bearer {tokens[name]}"},
                timeout=30,
            ).json()
            targets[name] = [
                (made["id"], r["standard_code"])
                for r in made["responses"]
                if r["principle"] == PRINCIPLE
            ]
        figures, stop = Figures(), threading.Event()
        threads = []
        for i in range(clients):
            name = ("kawasaki", "auditor")[i % 2]
            if i % 4 < 2:
                args = (base, tokens[name], figures, targets[name], f"api{i}", stop)
                threads.append(threading.Thread(target=api_client, args=args))
            else:
                args = (base, name, figures, targets[name], f"form{i}", stop)
                threads.append(threading.Thread(target=form_client, args=args))
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        memory = peak_memory(server.pid)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    problems = check(database, figures)
    accepted = sum(w.accepted for w in figures.writes)
    latencies = sorted(figures.latencies)
    print(f"database   {database.split('?')[0]}")
    print(f"clients    {clients} for {elapsed:.0f} s against gunicorn with {workers} workers")
    print(f"requests   {len(latencies)} ({len(latencies) / elapsed:.0f}/s)")
    for status, count in sorted(figures.statuses.items()):
        print(f"  {status:<16} {count}")
    print(f"saves      {accepted} accepted, {len(figures.writes) - accepted} refused as conflicts")
    print(f"errors     {len(figures.errors)}")
    print(
        f"latency    p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms"
    )
    print(f"memory     workers' peak RSS {', '.join(f'{m} MB' for m in memory)}")
    print(f"lost       {len(problems)} problem(s) found in the database")
    for line in (figures.errors + problems)[:20]:
        print(f"  {line}")
    return 1 if figures.errors or problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a SQLAlchemy URL; created fresh")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    sys.exit(run(args.database, args.seconds, args.clients, args.workers))


if __name__ == "__main__":
    main()
