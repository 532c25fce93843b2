"""Browser-test fixtures: the built editor, Debian's chromium driven by Playwright, one real server per module."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from app.testing.fakes.openai_api import reset_script
from app.testing.fakes.provider_server import FakeProviders
from app.testing.server_process import ROOT, ServerProcess
from tests.browser.editor import Editor

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
UI = ROOT / "ui"
DIST_INDEX = UI / "dist" / "index.html"
BUILD_INPUTS = ("src", "public", "index.html", "package.json", "package-lock.json", "vite.config.ts", "tsconfig.json")
VIEWPORT = {"width": 1400, "height": 900}
TIMEOUT_MS = 10_000  # for every wait of a page and every expect(); no test sleeps
MOCK_ENV = {"USE_MOCK": "true", "MOCK_DELAY_MIN": "0.05", "MOCK_DELAY_MAX": "0.15"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of this folder is a browser test (deselect them with -m "not browser")."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Keep each phase's report on the item so the page fixture can screenshot a failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in BUILD_INPUTS:
        path = UI / name
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
        elif path.is_dir():
            for file in path.rglob("*"):
                if file.is_file():
                    newest = max(newest, file.stat().st_mtime)
    return newest


def _run_npm(*args: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is not installed: the editor (ui/) cannot be built for the browser tests", pytrace=False)
    done = subprocess.run([npm, *args], cwd=UI, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        pytest.fail(f"`npm {' '.join(args)}` failed in ui/ (exit {done.returncode}):\n"
                    f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}", pytrace=False)


@contextlib.contextmanager
def _build_lock() -> Iterator[None]:
    """An exclusive lock on ui/.build-lock while the editor is checked and built."""
    with open(UI / ".build-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def ui_dist() -> Path:
    """ui/dist, rebuilt only when it is missing or older than the editor's sources (make test builds it first).

    With UI_DIST_DIR set (the server's setting), that build is tested as it is.
    """
    if os.environ.get("UI_DIST_DIR"):
        other = Path(os.environ["UI_DIST_DIR"])
        if not (other / "index.html").is_file():
            pytest.fail(f"UI_DIST_DIR={other} holds no index.html", pytrace=False)
        return other
    if not (UI / "package.json").is_file():
        pytest.fail("ui/package.json is missing: there is no editor to test", pytrace=False)
    with _build_lock():  # test workers (pytest-xdist) build it once, one at a time
        if not DIST_INDEX.is_file() or DIST_INDEX.stat().st_mtime < _newest_source_mtime():
            if not (UI / "node_modules").is_dir():
                _run_npm("ci", "--no-audit", "--no-fund", "--loglevel=error")
            _run_npm("run", "build")
    if not DIST_INDEX.is_file():
        pytest.fail(f"`npm run build` did not produce {DIST_INDEX}", pytrace=False)
    return DIST_INDEX.parent


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    expect.set_options(timeout=TIMEOUT_MS)
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make chromium`, i.e. "
                    "apt-get install -y chromium); the browser tests never download Playwright's browsers",
                    pytrace=False)
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_session: Playwright, ui_dist: Path) -> Iterator[Browser]:
    browser = playwright_session.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def server(ui_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The real server in mock mode; a module can override this fixture with other settings."""
    server = ServerProcess(MOCK_ENV, tmp_path_factory.mktemp("browser-server"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def real_server(ui_dist: Path, fake: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The real server, not mocked, talking to the fake providers (with its own run database in a temporary
    folder); a module uses it as its `server` by naming it so."""
    server = ServerProcess({**fake.base_urls(), "USE_MOCK": "false"}, tmp_path_factory.mktemp("real-server"))
    yield server
    server.stop()


@pytest.fixture
def clean_fake(fake: FakeProviders) -> None:
    """The fake providers as new: no recorded request, no fault, the default answer."""
    fake.reset()
    reset_script(fake)


@pytest.fixture
def editor(request: pytest.FixtureRequest, browser: Browser, server: ServerProcess,
           tmp_path: Path) -> Iterator[Editor]:
    """A fresh browser context (own localStorage) on the editor, its console errors recorded."""
    context = browser.new_context(viewport=VIEWPORT, base_url=server.url, accept_downloads=True,
                                  color_scheme="dark")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    editor = Editor(page, server)
    yield editor
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        shot = tmp_path / "failure.png"
        try:
            page.screenshot(path=str(shot))
            print(f"\nscreenshot of the failed page: {shot}")
        except PlaywrightError as exc:  # the page may be gone
            print(f"\nno screenshot of the failed page: {exc}")
        print("console errors:", editor.console_errors)
        if server.proc.poll() is not None:
            print(f"the server process had exited with code {server.proc.returncode}")
        print("server log tail:\n", server.log()[-3000:])
    context.close()
