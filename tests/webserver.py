"""Web servers for the tests of the pages, on 127.0.0.1 and a free port:

* ``serving(kg)``: ``gulag-kg serve``'s application (uvicorn) in a thread;
* ``static_files(directory)``: ``python -m http.server`` over a published site, as a static host.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from .servers import free_port


@contextlib.contextmanager
def serving(kg, settings=None):
    """Yield the base URL of the web application over ``kg``."""
    from gulag_kg.web.serve import bound_port, make_server

    server = make_server(kg, port=0, settings=settings)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{bound_port(server)}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def static_files(directory):
    """Yield the base URL of ``python -m http.server`` serving ``directory``."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(directory), str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=1):
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                assert process.poll() is None, "http.server exited"
                assert time.monotonic() < deadline, "http.server did not start"
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def gulagmap_excerpt(directory) -> Path:
    """The test excerpt of the museum's camp map (tests/data/gulagmap/excerpt), imported as
    ``gulag-kg import gulagmap`` does, into ``directory``/gulagmap.trig: camps with coordinates."""
    from click.testing import CliRunner

    from gulag_kg.cli import cli

    output = Path(directory) / "gulagmap.trig"
    excerpt = Path(__file__).resolve().parent / "data" / "gulagmap" / "excerpt"
    result = CliRunner().invoke(cli, ["import", "gulagmap", str(excerpt), "-o", str(output)])
    assert result.exit_code == 0, result.output
    return output
