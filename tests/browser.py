"""Headless Chromium for tests: Debian's ``/usr/bin/chromium`` driven by Playwright (never a
browser Playwright downloads). Installed by ``make sysdeps`` (``.ci/system-packages.txt``).

``chromium()`` yields a Playwright browser (a fresh temporary profile, which Playwright passes
as ``--user-data-dir``); ``new_page(browser)`` opens a page in a context of its own (viewport,
JavaScript on or off); ``browser_page()`` does both for a single page. ``shot(page, name)`` saves
a screenshot under the test run's output directory (``out/screenshots`` by default, or
``$GULAG_KG_SCREENSHOTS``) so that a person can look at what the tests saw.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
#: The flags of the brief: no sandbox (CI runs as root), no GPU, nothing that reaches the network.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("GULAG_KG_SCREENSHOTS", Path(__file__).resolve().parents[1] / "out" / "screenshots"))


@contextlib.contextmanager
def chromium():
    """A headless Chromium, closed afterwards."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run 'make sysdeps' (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, *, width: int = 1280, height: int = 900, javascript: bool = True):
    """A page in a new context (its own cookies, viewport and JavaScript switch)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB",
                                  java_script_enabled=javascript)
    return context.new_page()


@contextlib.contextmanager
def browser_page(**options):
    """One page of a headless Chromium (see :func:`new_page` for the options)."""
    with chromium() as browser:
        yield new_page(browser, **options)


def shot(page, name: str, *, full_page: bool = False) -> Path:
    """Save a screenshot of ``page`` as ``<SCREENSHOTS>/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
