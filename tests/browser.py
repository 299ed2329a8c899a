"""Headless Chromium for tests: Debian's ``/usr/bin/chromium`` driven by Playwright (never a
browser Playwright downloads). Installed by ``make sysdeps`` (``.ci/system-packages.txt``).

``browser_page(screenshots)`` yields a Playwright page in a fresh profile; ``shot(page, name)``
saves a screenshot under the test run's output directory (``out/screenshots`` by default, or
``$GULAG_KG_SCREENSHOTS``) so that a person can look at what the tests saw.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
#: The flags of the brief: no sandbox (CI runs as root), no GPU, nothing that reaches the network.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("GULAG_KG_SCREENSHOTS", Path(__file__).resolve().parents[1] / "out" / "screenshots"))


@contextlib.contextmanager
def browser_page(*, width: int = 1280, height: int = 900):
    """A page of a headless Chromium with a fresh profile (closed afterwards)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run 'make sysdeps' (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="gulag-kg-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": width, "height": height}, locale="en-GB")
        try:
            page = context.pages[0] if context.pages else context.new_page()
            yield page
        finally:
            context.close()


def shot(page, name: str, *, full_page: bool = False) -> Path:
    """Save a screenshot of ``page`` as ``<SCREENSHOTS>/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
