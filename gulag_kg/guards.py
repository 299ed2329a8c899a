"""Guards against reaching the network: one for this Python process, one from the kernel.

gulag-kg reads files and answers queries; only the commands that link to outside services
(``link ...``) need the network, and they say so by running inside :func:`network_allowed`.

:func:`install_network_guard` makes every other use of a Python socket fail with
:class:`NetworkRefused`: connecting, sending a datagram or looking up a host name, unless the
address is this machine (loopback, Unix sockets). It is defence in depth: code that does not go
through Python's :mod:`socket` (a native library's own HTTP client, such as the one Oxigraph uses
for SPARQL ``SERVICE``) is not seen by it. For that, :func:`deny_network_to_this_process` asks the
Linux kernel (seccomp) to refuse every new Internet socket of the calling process, whatever code
opens it; the query runner uses it in the child process that evaluates a query.

>>> install_network_guard()
>>> import socket
>>> socket.getaddrinfo("example.org", 80)
Traceback (most recent call last):
...
gulag_kg.guards.NetworkRefused: network access refused: looking up 'example.org'; only the commands that need the network (gulag-kg link ...) may use it
>>> with network_allowed():
...     network_is_allowed()
True
>>> uninstall_network_guard()
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import platform
import socket
import sys
import threading
from collections.abc import Iterator

from .errors import GulagKgError

__all__ = [
    "NetworkRefused",
    "deny_network_to_this_process",
    "prepare_kernel_guard",
    "install_network_guard",
    "network_allowed",
    "network_guard_installed",
    "network_is_allowed",
    "uninstall_network_guard",
]


class NetworkRefused(GulagKgError):
    """Something tried to use the network outside :func:`network_allowed`."""

    def __init__(self, what: str) -> None:
        super().__init__(f"network access refused: {what}; only the commands that need the network "
                         "(gulag-kg link ...) may use it")


_lock = threading.Lock()
_allowed_depth = 0
_originals: dict[str, object] = {}


def network_is_allowed() -> bool:
    """True inside :func:`network_allowed` (or when no guard is installed)."""
    return _allowed_depth > 0 or not _originals


@contextlib.contextmanager
def network_allowed() -> Iterator[None]:
    """Let the code inside use the network (for the commands that need it); nests, and holds
    for every thread of the process while it lasts."""
    global _allowed_depth
    with _lock:
        _allowed_depth += 1
    try:
        yield
    finally:
        with _lock:
            _allowed_depth -= 1


def _is_local_host(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host is None or host in ("", "localhost", "localhost.", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _is_ip_literal(host) -> bool:
    try:
        ipaddress.ip_address(str(host).split("%", 1)[0])
        return True
    except ValueError:
        return False


def _check_address(sock: socket.socket, address, verb: str) -> None:
    if network_is_allowed() or sock.family == getattr(socket, "AF_UNIX", object()):
        return
    host = address[0] if isinstance(address, tuple) else address
    if not _is_local_host(host):
        raise NetworkRefused(f"{verb} {address!r}")


def _guarded_connect(self, address):
    _check_address(self, address, "connecting to")
    return _originals["connect"](self, address)


def _guarded_connect_ex(self, address):
    _check_address(self, address, "connecting to")
    return _originals["connect_ex"](self, address)


def _guarded_sendto(self, data, *args):
    _check_address(self, args[-1], "sending to")
    return _originals["sendto"](self, data, *args)


def _guarded_getaddrinfo(host, *args, **kwargs):
    # An IP literal needs no lookup (the connect is checked); a name would leak to DNS.
    if not network_is_allowed() and not _is_local_host(host) and not _is_ip_literal(host):
        raise NetworkRefused(f"looking up {host!r}")
    return _originals["getaddrinfo"](host, *args, **kwargs)


def install_network_guard() -> None:
    """Refuse non-loopback socket use in this process outside :func:`network_allowed`.

    Idempotent. The CLI installs it before running any command.
    """
    with _lock:
        if _originals:
            return
        _originals.update(connect=socket.socket.connect, connect_ex=socket.socket.connect_ex,
                          sendto=socket.socket.sendto, getaddrinfo=socket.getaddrinfo)
        socket.socket.connect = _guarded_connect
        socket.socket.connect_ex = _guarded_connect_ex
        socket.socket.sendto = _guarded_sendto
        socket.getaddrinfo = _guarded_getaddrinfo


def uninstall_network_guard() -> None:
    """Undo :func:`install_network_guard` (for tests and embedding applications)."""
    with _lock:
        if not _originals:
            return
        socket.socket.connect = _originals["connect"]
        socket.socket.connect_ex = _originals["connect_ex"]
        socket.socket.sendto = _originals["sendto"]
        socket.getaddrinfo = _originals["getaddrinfo"]
        _originals.clear()


def network_guard_installed() -> bool:
    return bool(_originals)


# --- the kernel's guard (Linux seccomp) -----------------------------------------------------

# (audit architecture, number of the socket system call) by machine.
_SECCOMP_ARCH = {
    "x86_64": (0xC000003E, 41),
    "amd64": (0xC000003E, 41),
    "aarch64": (0xC00000B7, 198),
    "arm64": (0xC00000B7, 198),
}


def deny_network_to_this_process() -> bool:
    """Ask the kernel to refuse every new AF_INET/AF_INET6 socket of this process (and of its
    children) with EACCES, for good. Returns False where that is not available (not Linux, an
    unknown processor, seccomp disabled); callers then rely on the other guards.

    Irreversible: call it only in a process made for the purpose (a forked child). Call
    :func:`prepare_kernel_guard` in the parent first to keep the child's start fast.
    """
    install = prepare_kernel_guard()
    return install() if install is not None else False


_prepared: list = []


def prepare_kernel_guard():
    """Build the seccomp program once (loading ctypes costs milliseconds); returns the function
    that installs it, or None where the kernel guard is not available."""
    if _prepared:
        return _prepared[0]
    _prepared.append(_build_kernel_guard())
    return _prepared[0]


def _build_kernel_guard():
    if sys.platform != "linux" or platform.machine().lower() not in _SECCOMP_ARCH:
        return None
    import ctypes
    import errno
    import struct

    arch, socket_nr = _SECCOMP_ARCH[platform.machine().lower()]
    ld_w_abs, jeq_k, ret_k = 0x20, 0x15, 0x06
    allow, deny = 0x7FFF0000, 0x00050000 | errno.EACCES  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO
    program = [
        (ld_w_abs, 0, 0, 4),                                # A = seccomp_data.arch
        (jeq_k, 0, 6, arch),                                # another ABI: allow
        (ld_w_abs, 0, 0, 0),                                # A = seccomp_data.nr
        (jeq_k, 0, 4, socket_nr),                           # not socket(): allow
        (ld_w_abs, 0, 0, 16),                               # A = args[0] (low half): the family
        (jeq_k, 1, 0, socket.AF_INET),
        (jeq_k, 0, 1, socket.AF_INET6),
        (ret_k, 0, 0, deny),
        (ret_k, 0, 0, allow),
    ]
    filters = b"".join(struct.pack("HBBI", *op) for op in program)
    buffer = ctypes.create_string_buffer(filters, len(filters))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(program), ctypes.addressof(buffer))
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):  # pragma: no cover - no C library to call
        return None
    pr_set_no_new_privs, pr_set_seccomp, seccomp_mode_filter = 38, 22, 2

    def install() -> bool:
        _keep = (buffer, fprog)  # noqa: F841 (the kernel reads them during the call)
        if prctl(pr_set_no_new_privs, 1, 0, 0, 0) != 0:
            return False
        return prctl(pr_set_seccomp, seccomp_mode_filter, ctypes.byref(fprog), 0, 0) == 0

    return install
