"""Browser tests: Playwright (sync API) driving Debian's Chromium against a real Daphne server.

Why a subprocess and not pytest-django's ``live_server``: ``live_server`` is WSGI and has no
WebSockets. The server here is the same ASGI application a newcomer runs (``daphne
config.asgi:application``), on a free port, against its own file-based SQLite database that
``migrate`` and ``load_demo`` prepared. The tests talk to it over HTTP and WebSocket only, so
they never use pytest-django's test database (no ``db`` fixture anywhere in this folder).

Every test in this folder is marked ``browser``. Without ``/usr/bin/chromium`` the folder is
skipped, except when ``TRIPARTITE_REQUIRE_BROWSER=1`` (set by ``.ci/run``), which turns the
skip into a failure. Never run ``playwright install``: we drive the system Chromium.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
# Debian's Chromium; .ci/run exports CHROMIUM_PATH (same default).
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Generous: CI has two cores and Daphne answers the first request of each URL cold.
DEFAULT_TIMEOUT_MS = 20_000
SERVER_START_TIMEOUT_S = 90
# Environment that would point the subprocess at shared servers or production mode.
_SCRUBBED_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_ENV",
    "TASK_BACKEND",
    "EMAIL_BACKEND",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
)


def _browser_required() -> bool:
    return os.environ.get("TRIPARTITE_REQUIRE_BROWSER", "") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``browser`` (this hook sees the whole session's items,
    so filter by path)."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _chromium_available() -> None:
    """Skip the folder where Chromium is absent; fail instead where CI demands the browser."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (CI installs Debian's chromium package)"
    if _browser_required():
        pytest.fail(f"TRIPARTITE_REQUIRE_BROWSER=1 but {message}", pytrace=False)
    pytest.skip(message)


# --- The server ------------------------------------------------------------------------------


@dataclass
class BrowserServer:
    url: str
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1) + "/ws/"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(tmp: Path) -> dict[str, str]:
    env = os.environ.copy()
    for name in _SCRUBBED_ENV:
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SQLITE_PATH": str(tmp / "db.sqlite3"),
            "MEDIA_ROOT": str(tmp / "media"),
            "DEBUG": "1",
            # Enables allauth's MFA_TOTP_INSECURE_BYPASS_CODE ("000000"), with DEBUG only.
            "TRIPARTITE_TESTING": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


# ``manage.py migrate`` then ``manage.py load_demo``, in one interpreter: each Django start-up
# costs seconds on a busy two-core machine.
_PREPARE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("load_demo", verbosity=0)
"""


def _prepare_database(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", _PREPARE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _daphne_command(port: int) -> list[str]:
    daphne = ROOT / ".venv" / "bin" / "daphne"
    launcher = [str(daphne)] if daphne.exists() else [sys.executable, "-m", "daphne"]
    return [*launcher, "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]


def _wait_until_ready(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"Daphne exited with {process.returncode}:\n{log_path.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(url + "/accounts/login/", timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answered: the server is up (the pages' health is the tests' business)
        except (urllib.error.URLError, OSError) as exc:
            last_error = exc
            time.sleep(0.2)
    raise RuntimeError(f"Daphne did not answer within {SERVER_START_TIMEOUT_S}s: {last_error}")


@pytest.fixture(scope="session")
def browser_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserServer]:
    """A real Daphne serving HTTP and WebSocket on a free port, with migrated demo data."""
    tmp = tmp_path_factory.mktemp("browser-server")
    env = _server_env(tmp)

    prepared = _prepare_database(env)
    if prepared.returncode != 0:
        pytest.fail(
            f"migrate/load_demo failed:\n{prepared.stdout}\n{prepared.stderr}", pytrace=False
        )

    port = _free_port()
    log_path = tmp / "daphne.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            _daphne_command(port),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url, process, log_path)
        yield BrowserServer(url=url, log_path=log_path, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(tmp / "media", ignore_errors=True)


@pytest.fixture(autouse=True)
def _no_server_errors(browser_server: BrowserServer) -> Iterator[None]:
    """A page can look fine while Daphne logged a traceback (a 500 in a sub-request, a
    crashed consumer): fail the test that caused it."""
    start = browser_server.log_path.stat().st_size
    yield
    with browser_server.log_path.open(errors="replace") as log:
        log.seek(start)
        new = log.read()
    if "Traceback (most recent call last)" in new or "Internal Server Error" in new:
        pytest.fail(f"the server logged an error during this test:\n{new[-4000:]}", pytrace=False)


@pytest.fixture
def demo_server(browser_server: BrowserServer) -> BrowserServer:
    """The server, named for tests that rely on the demo accounts (``manage.py load_demo``)."""
    return browser_server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """On a browser test failure, attach the end of Daphne's log: the traceback is there."""
    report = yield
    if report.failed:
        server = getattr(item, "funcargs", {}).get("browser_server") or getattr(
            item, "funcargs", {}
        ).get("demo_server")
        if server is not None:
            report.sections.append(("Daphne log (tail)", server.log_tail()))
    return report


# --- Playwright ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    """One headless Chromium for the session (contexts keep the tests apart)."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_context(chromium, browser_server: BrowserServer) -> Iterator[Callable]:
    """Make browser contexts against the server; all are closed after the test.

    ``bypass_csp=True`` is only for contexts that inject axe-core (``add_script_tag`` is an
    inline script, which our strict CSP rightly blocks); the CSP tests use normal contexts.
    """
    contexts = []

    def make(*, bypass_csp: bool = False, width: int = 1280, height: int = 900, **options):
        context = chromium.new_context(
            base_url=browser_server.url,
            bypass_csp=bypass_csp,
            viewport={"width": width, "height": height},
            **{"locale": "en-GB", **options},
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def axe_page(new_context):
    """A page in a CSP-bypassing context, so axe-core can be injected on every page."""
    return new_context(bypass_csp=True).new_page()


@pytest.fixture
def strict_page(new_context):
    """A page under the site's real Content-Security-Policy, recording every violation."""
    from tests.browser.helpers import CspRecorder

    context = new_context()
    recorder = CspRecorder.attach(context)
    page = context.new_page()
    page.csp = recorder  # type: ignore[attr-defined]
    return page
