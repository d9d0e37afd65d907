"""Headless Chromium for the browser tests: Debian's own, driven by Playwright through ``executable_path``,
so nothing is downloaded (no ``playwright install``). Tests skip only when Chromium is not installed.

``open_page`` records console errors, page errors and every request that is not for a local file (such a
request is aborted): a report must ask the network for nothing."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("REPLYLINT_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


@contextmanager
def chromium():
    """A launched headless Chromium (skips the test when there is none)."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser test needs playwright: pip install '.[test]' (no browser download is needed)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watched:
    page: object
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    outside: list[str] = field(default_factory=list)  # every URL asked for that is not a local file


@contextmanager
def open_page(browser, path: Path, width: int = 1280, height: int = 900):
    """``path`` opened in a new context; yields a ``Watched`` (the page and what it logged or asked for)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    watched = Watched(page)
    page.on("console", lambda m: watched.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: watched.errors.append(f"page error: {e}"))

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            watched.outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    try:
        yield watched
    finally:
        context.close()


@pytest.fixture(scope="module")
def browser():
    """A Chromium for a test module (import this fixture into the module)."""
    with chromium() as launched:
        yield launched


@contextmanager
def clean_page(browser, path: Path, **size):
    """``open_page``, then checks that the page logged no error and asked for nothing outside the file."""
    with open_page(browser, path, **size) as watched:
        yield watched.page
    assert watched.errors == [], watched.errors
    assert watched.outside == [], watched.outside
