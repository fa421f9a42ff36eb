"""How long printing takes, on the demo data: ``.venv/bin/python tests/benchmarks/bench_pdf.py``.

A script, not a test (pytest does not collect ``bench_*.py``): timings belong here, not in
the suite. The target: a scorecard in well under a second, about 150 ms once the fonts are
registered (the first document of a process also loads them, about 50 ms more).
"""

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_migrate import upgrade

from audit import create_app
from audit.db import db
from audit.domain.fiscal_year import fiscal_year_of
from audit.models import AuditKind
from audit.pdf import fonts
from audit.pdf.action_plan import render_action_plan
from audit.pdf.checklist import render_checklist
from audit.pdf.pack import render_pack
from audit.pdf.scorecard import render_scorecard
from audit.pdf.values import Printed
from audit.services import catalog, demo, printing
from audit.services.surveys import survey_target

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 10


def timed(name: str, work: Callable[[], bytes], rounds: int = ROUNDS) -> None:
    times, size = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        size = len(work())
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"{name:<34} median {statistics.median(times):7.1f} ms   "
        f"max {max(times):7.1f} ms   {size:>9,} bytes"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
            }
        )
        with app.app_context(), force_locale("ja"):
            upgrade()
            catalog.load_files(db.session, catalog.read_files([ROOT / "checklists"]), None)
            today = date.today()
            demo.create_demo_data(db.session, today=today)
            db.session.commit()
            year = fiscal_year_of(today) - 1
            target = survey_target(app.config)
            stamp = Printed("bench", datetime.now(ZoneInfo("Asia/Tokyo")))
            audit = printing.find_audit(db.session, None, "kawasaki", year, AuditKind.SELF)
            office = printing.visible_office(db.session, None, "kawasaki")
            assert audit is not None
            assert office is not None

            def scorecard() -> bytes:
                """What the scorecard view does: load the audit and its values, render."""
                found = printing.find_audit(db.session, None, "kawasaki", year, AuditKind.SELF)
                assert found is not None
                card = printing.print_scorecard(
                    db.session, None, found, target=target, zone=stamp.at.tzinfo
                )
                data = render_scorecard(card, stamp)
                db.session.rollback()
                return data

            card = printing.print_scorecard(
                db.session, None, audit, target=target, zone=stamp.at.tzinfo
            )
            pack = printing.print_review_pack(db.session, None, year, target=target)
            sheet = printing.print_checklist(db.session, None, office, year)
            plan = printing.print_action_plan(
                db.session, None, printing.visible_offices(db.session, None)
            )
            db.session.rollback()  # the trail entries of the benchmark are not kept

            start = time.perf_counter()
            fonts.register_fonts()
            print(
                f"{'font registration (once)':<34} {1000 * (time.perf_counter() - start):7.1f} ms"
            )
            timed("scorecard: render", lambda: render_scorecard(card, stamp))
            timed("scorecard: load + render", scorecard)
            timed("review pack: render", lambda: render_pack(pack, stamp), rounds=3)
            timed("blank checklist: render", lambda: render_checklist(sheet, stamp))
            timed("action plan (13 offices): render", lambda: render_action_plan(plan, stamp))
            db.session.rollback()
            db.engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
