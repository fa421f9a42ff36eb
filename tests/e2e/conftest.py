"""Browser fixtures: the real app served on a free port, driven by Debian's Chromium.

Every page a test opens is watched: a request to another origin, a failed sub-resource, a
console error, an uncaught script error or a Content-Security-Policy violation fails the test.
"""

import itertools
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import sync_playwright
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from audit.db import db
from audit.services.demo import DEMO_PASSWORD

from ..conftest import ROOT, make_app

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: flags that keep Chromium quiet and off the network (no updates, no sync, no GPU)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: screenshots land here (git-ignored); E2E_ARTIFACTS points elsewhere
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", ROOT / "test-artifacts" / "e2e"))
#: fetched by `make test` from npm (tests/e2e/package.json); injected by the tests, never served
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
#: set on every page before its own scripts run; reports CSP violations as console errors
WATCH_CSP = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI);
});
"""
#: the load errors of pages a test asks for on purpose (a 404, a 409) are checked by the test
HTTP_ERROR_LOG = "Failed to load resource: the server responded with a status of"
#: each server's number, so that a port used again never gets another server's log-ins
SERVER_NUMBERS = itertools.count()
#: (server number, user) → cookies after logging in once through the form
LOGGED_IN: dict[tuple[int, str], Any] = {}


class QuietRequestHandler(WSGIRequestHandler):
    """Serves without a log line per request; the app's own errors still reach its logger."""

    def log_request(self, *args: Any) -> None:
        pass


class LiveServer:
    """An app served by werkzeug in a background thread, on a free port."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server: BaseWSGIServer = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.number = next(SERVER_NUMBERS)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class Watch:
    """What a browser context did that a page of this app should never do."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.requests: list[str] = []
        self.problems: list[str] = []

    def attach(self, context: Any) -> None:
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("response", self.on_response)
        context.on("page", self.on_page)

    def on_page(self, page: Any) -> None:
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def on_response(self, response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"{response.status} {response.url}")

    def on_console(self, message: Any) -> None:
        if message.type == "error" and not message.text.startswith(HTTP_ERROR_LOG):
            self.problems.append(f"console: {message.text}")

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.origin + "/")]


class Browsing:
    """Opens watched browser contexts on one server, logged in as a demo user or not."""

    def __init__(self, browser: Any, server: LiveServer) -> None:
        self.browser = browser
        self.server = server
        self.watches: list[Watch] = []
        self.contexts: list[Any] = []

    def context(self, user: str | None = None, **options: Any) -> Any:
        """A new context (its own cookies), logged in as ``user`` through the log-in form
        the first time, with the same cookies after that."""
        options.setdefault("viewport", {"width": 1280, "height": 900})
        state = LOGGED_IN.get((self.server.number, user or ""))
        context = self.browser.new_context(base_url=self.server.url, storage_state=state, **options)
        context.set_default_timeout(10_000)
        context.add_init_script(WATCH_CSP)
        watch = Watch(self.server.url)
        watch.attach(context)
        self.watches.append(watch)
        self.contexts.append(context)
        if user is not None and state is None:
            log_in(context.new_page(), user).close()
            LOGGED_IN[self.server.number, user] = context.storage_state()
        return context

    def page(self, user: str | None = None, **options: Any) -> Any:
        return self.context(user, **options).new_page()

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def check(self) -> None:
        for watch in self.watches:
            assert watch.foreign_requests() == [], "requests to another origin"
            assert watch.problems == [], "the pages had errors"


def log_in(page: Any, user: str, password: str = DEMO_PASSWORD) -> Any:
    page.goto("/login")
    page.locator("#username").fill(user)
    page.locator("#password").fill(password)
    page.locator("#password").press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole run."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def serve(app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture
def live_server(app_factory: Callable[..., Flask]) -> Iterator[LiveServer]:
    """The app on its own fresh copy of the demo database, for a test that changes things."""
    yield from serve(app_factory(WTF_CSRF_ENABLED=True))


@pytest.fixture(scope="session")
def shared_server(databases: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One app on the demo database for the tests that only look."""
    url = databases.create("loaded", tmp_path_factory.mktemp("e2e") / "shared.sqlite")
    app = make_app(url, WTF_CSRF_ENABLED=True)
    yield from serve(app)
    with app.app_context():
        db.engine.dispose()
    databases.drop(url)


def browsing_on(browser: Any, server: LiveServer) -> Iterator[Browsing]:
    browsing = Browsing(browser, server)
    yield browsing
    try:
        browsing.check()
    finally:
        browsing.close()


@pytest.fixture
def browsing(browser: Any, live_server: LiveServer) -> Iterator[Browsing]:
    """Watched browser contexts on a fresh app of this test's own."""
    yield from browsing_on(browser, live_server)


@pytest.fixture
def looking(browser: Any, shared_server: LiveServer) -> Iterator[Browsing]:
    """Watched browser contexts on the shared app: for tests that change nothing."""
    yield from browsing_on(browser, shared_server)


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` fetches it with npm")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
