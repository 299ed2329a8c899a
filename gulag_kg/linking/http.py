"""Network manners for talking to Wikidata (or anything that speaks its protocols).

* a descriptive User-Agent, as Wikimedia's policy asks
  (https://meta.wikimedia.org/wiki/User-Agent_policy): tool name and version, where to find it,
  and how to reach its user (``GULAG_KG_CONTACT``, e.g. an e-mail address, is appended if set);
* a timeout on every request;
* retries with exponential backoff on 429 and 5xx answers and on timeouts, honouring
  ``Retry-After`` (seconds or an HTTP date), up to a cap;
* an on-disk cache of successful answers, keyed by method, URL and body, so that a second run
  of the same command sends no request at all;
* one clear :class:`NetworkError` (exit code 2 in the CLI) when the server cannot be reached.

Requests are sent one at a time; nothing here runs unless a command that needs the network
was asked for.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import socket
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..guards import network_allowed
from ..errors import GulagKgError

#: Statuses worth retrying: rate limiting and passing server trouble.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
PROJECT_URL = "https://w3id.org/gulag-kg/"


class NetworkError(GulagKgError):
    """A server could not be reached or did not answer usefully (after the retries)."""


def user_agent(contact: str | None = None) -> str:
    """The User-Agent of every request: ``gulag-kg/<version> (<url>; <contact>) Python-urllib/<ver>``."""
    from .. import __version__

    contact = contact if contact is not None else os.environ.get("GULAG_KG_CONTACT", "").strip()
    about = PROJECT_URL + (f"; {contact}" if contact else "")
    return f"gulag-kg/{__version__} ({about}) Python-urllib/{sys.version_info.major}.{sys.version_info.minor}"


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/gulag-kg/wikidata`` (``~/.cache/gulag-kg/wikidata`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gulag-kg" / "wikidata"


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), else None.

    >>> retry_after_seconds("3")
    3.0
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412485.0)
    5.0
    >>> retry_after_seconds("soon") is None
    True
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass(frozen=True)
class CachedAnswer:
    url: str
    body: str
    from_cache: bool


class HttpClient:
    """GET and POST with the manners above. ``requests_sent`` counts requests that reached the
    network (retries included); ``cache_hits`` counts answers served from the cache."""

    def __init__(
        self,
        *,
        cache_dir: Path | str | None = None,
        timeout: float = 60.0,
        retries: int = 4,
        backoff: float = 2.0,
        max_wait: float = 120.0,
        contact: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.user_agent = user_agent(contact)
        self.sleep = sleep
        self.requests_sent = 0
        self.cache_hits = 0

    # --- public ---------------------------------------------------------------------------
    def get(self, url: str, params: dict[str, str], *, accept: str = "application/json") -> CachedAnswer:
        full = url + ("&" if "?" in url else "?") + urllib.parse.urlencode(sorted(params.items()))
        return self._fetch("GET", full, None, accept)

    def post_form(self, url: str, form: dict[str, str], *, accept: str) -> CachedAnswer:
        body = urllib.parse.urlencode(sorted(form.items())).encode("utf-8")
        return self._fetch("POST", url, body, accept)

    def get_json(self, url: str, params: dict[str, str]) -> dict:
        answer = self.get(url, params)
        try:
            return json.loads(answer.body)
        except json.JSONDecodeError as exc:
            raise NetworkError(f"{_host(url)} answered something that is not JSON ({exc.msg}); is {url} a MediaWiki API?") from None

    # --- cache ----------------------------------------------------------------------------
    def _cache_path(self, method: str, url: str, body: bytes | None, accept: str) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256("\n".join([method, url, accept, (body or b"").decode("utf-8")]).encode("utf-8")).hexdigest()
        return self.cache_dir / key[:2] / f"{key}.json"

    def _read_cache(self, path: Path | None) -> str | None:
        if path is None or not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))["body"]
        except (OSError, ValueError, KeyError):
            return None  # a damaged entry is fetched again

    def _write_cache(self, path: Path | None, method: str, url: str, body: bytes | None, text: str) -> None:
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = {"method": method, "url": url, "request": (body or b"").decode("utf-8"),
                 "fetched": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "body": text}
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(entry, fh, ensure_ascii=False)
        os.replace(tmp, path)

    # --- the request loop ---------------------------------------------------------------------
    def _fetch(self, method: str, url: str, body: bytes | None, accept: str) -> CachedAnswer:
        path = self._cache_path(method, url, body, accept)
        cached = self._read_cache(path)
        if cached is not None:
            self.cache_hits += 1
            return CachedAnswer(url, cached, True)
        headers = {"User-Agent": self.user_agent, "Accept": accept, "Accept-Encoding": "identity"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        attempt = 0
        while True:
            request = urllib.request.Request(url, data=body, headers=headers, method=method)
            self.requests_sent += 1
            try:
                with network_allowed(), urllib.request.urlopen(request, timeout=self.timeout) as response:
                    text = response.read().decode("utf-8")
            except urllib.error.HTTPError as exc:
                detail = _error_text(exc)
                if exc.code in RETRY_STATUSES and attempt < self.retries:
                    wait = retry_after_seconds(exc.headers.get("Retry-After"))
                    self.sleep(min(self.max_wait, wait if wait is not None else self.backoff * 2 ** attempt))
                    attempt += 1
                    continue
                tries = f" after {attempt + 1} tries" if attempt else ""
                raise NetworkError(f"{_host(url)} answered {exc.code} {exc.reason}{tries}: {detail}".rstrip(": ")) from None
            except (TimeoutError, socket.timeout) as exc:
                if attempt < self.retries:
                    self.sleep(min(self.max_wait, self.backoff * 2 ** attempt))
                    attempt += 1
                    continue
                raise NetworkError(f"{_host(url)} did not answer within {self.timeout:g} s ({attempt + 1} tries): {exc}") from None
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, (TimeoutError, socket.timeout)) and attempt < self.retries:
                    self.sleep(min(self.max_wait, self.backoff * 2 ** attempt))
                    attempt += 1
                    continue
                raise NetworkError(f"cannot reach {_host(url)} ({reason}); check the network, or point "
                                   f"--endpoint/--api at a server you can reach") from None
            except (ConnectionError, OSError) as exc:
                raise NetworkError(f"cannot reach {_host(url)} ({exc}); check the network, or point "
                                   f"--endpoint/--api at a server you can reach") from None
            self._write_cache(path, method, url, body, text)
            return CachedAnswer(url, text, False)


def _host(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else url


def _error_text(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read().decode("utf-8", errors="replace")
    except Exception:  # noqa: BLE001 - the body is only a hint
        return ""
    return " ".join(text.split())[:300]
