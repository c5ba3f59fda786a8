"""A pytest plugin that fails every test which reaches for the network beyond loopback.

kg works offline; this plugin makes the test suite prove it. It installs one Python audit
hook (:func:`sys.addaudithook`, PEP 578) that watches the events every socket operation and
URL request raises before it happens::

    socket.connect / socket.sendto / socket.sendmsg      (socket, address)
    socket.getaddrinfo / socket.gethostbyname / ...       (host, ...)
    urllib.Request                                        (url, data, headers, method)
    http.client.connect                                   (connection, host, port)

An address that is not loopback (``127.0.0.0/8``, ``::1``, ``localhost``, an unspecified
``0.0.0.0``/``::`` bind address, a Unix socket path) is refused: the hook raises
:class:`NetworkBlocked` (a ``PermissionError``, so the operation never starts) *and* records
the attempt, and the test whose setup, call or teardown made it fails even if the code under
test swallowed the exception. The serve tests' own loopback servers and Selenium's HTTP
conversation with chromedriver on ``localhost`` keep working.

Limits:

* The hook sees only this Python process. Subprocesses (the ``kg`` CLI run by
  ``tests/test_cli.py``, Chromium and chromedriver) are outside it; the browser tests watch
  Chromium's own requests through the DevTools log instead (``tests/browser.py``).
* Native code that opens sockets without going through Python's ``socket`` module
  (a Rust or C library with its own networking) raises no audit event. None of kg's
  dependencies does so on the code paths the tests use.
* An audit hook cannot be removed. Outside a pytest session (before ``pytest_configure``,
  after ``pytest_unconfigure``) the hook returns at once and refuses nothing.

Load it from ``tests/conftest.py`` (``pytest_plugins = ["netguard"]``).

>>> is_loopback(("127.0.0.1", 8080)), is_loopback(("::1", 80, 0, 0)), is_loopback("/tmp/kg.sock")
(True, True, True)
>>> is_loopback(("192.0.2.1", 80)), is_loopback("example.org"), is_loopback(("localhost.", 5))
(False, False, True)
"""

from __future__ import annotations

import ipaddress
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest

__all__ = ["NetworkBlocked", "is_loopback", "expect_blocked", "armed", "attempts"]


class NetworkBlocked(PermissionError):
    """A test tried to use the network beyond loopback; netguard refused before it happened."""


def _host(value: Any) -> Any:
    """The host part of a socket address (a tuple for AF_INET/AF_INET6), else the value itself."""
    if isinstance(value, tuple) and value:
        return value[0]
    return value


def is_loopback(address: Any) -> bool:
    """Whether ``address`` (a socket address, a host name or an IP) stays on this machine."""
    host = _host(address)
    if host is None or isinstance(host, int):  # passive lookups; netlink (pid, groups)
        return True
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if isinstance(address, (str, bytes)) and ("/" in host or host.startswith("\0")):
        return True  # a Unix socket path (or an abstract one)
    name = host.strip().rstrip(".").lower()
    if name in ("", "localhost") or name.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(name.split("%", 1)[0])  # drop an IPv6 zone
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_unspecified


def _url_host(url: Any) -> Any:
    """The host of an http/https/ftp URL; ``None`` (nothing to check) for file: and data: URLs."""
    try:
        parts = urlsplit(str(url))
    except ValueError:
        return "<unparsable URL>"
    if parts.scheme.lower() not in ("http", "https", "ftp", "ws", "wss"):
        return None
    return parts.hostname or ""


#: audit event -> how to find the destination in its arguments
_TARGETS: dict[str, Callable[[tuple], Any]] = {
    "socket.connect": lambda args: args[1],
    "socket.sendto": lambda args: args[1],
    "socket.sendmsg": lambda args: args[1],
    "socket.getaddrinfo": lambda args: args[0],
    "socket.gethostbyname": lambda args: args[0],
    "socket.gethostbyaddr": lambda args: args[0],
    "socket.getnameinfo": lambda args: args[0],
    "urllib.Request": lambda args: _url_host(args[0]),
    "http.client.connect": lambda args: args[1],
}

_lock = threading.Lock()
_depth = 0  # > 0 while a pytest session that loaded this plugin is configured
_attempts: list[str] = []
_installed = False


def armed() -> bool:
    """Whether the hook refuses connections now (inside a pytest session)."""
    return _depth > 0


def attempts() -> list[str]:
    """The refused attempts not yet charged to a test (a copy)."""
    with _lock:
        return list(_attempts)


def _audit(event: str, args: tuple) -> None:
    if _depth <= 0:
        return
    find = _TARGETS.get(event)
    if find is None:
        return
    try:
        target = find(args)
    except IndexError:
        return
    if target is None or is_loopback(target):
        return
    what = f"{event} to {target!r}"
    with _lock:
        _attempts.append(what)
    raise NetworkBlocked(f"netguard refused {what}: tests must not use the network (loopback only)")


def _install() -> None:
    global _installed
    if not _installed:
        sys.addaudithook(_audit)
        _installed = True


@contextmanager
def expect_blocked() -> Iterator[list[str]]:
    """Inside the block, refused attempts are expected: they are handed to the caller, not the test.

    Fails with ``AssertionError`` when the block made no refused attempt (so a test of the
    guard cannot pass because nothing was tried).
    """
    with _lock:
        start = len(_attempts)
    caught: list[str] = []
    try:
        yield caught
    finally:
        with _lock:
            caught.extend(_attempts[start:])
            del _attempts[start:]
    if not caught:
        raise AssertionError("expected netguard to refuse a network attempt, but none was made")


# --------------------------------------------------------------------------- pytest hooks


def pytest_configure(config: pytest.Config) -> None:
    global _depth
    _install()
    _depth += 1
    config.addinivalue_line("markers", "netguard: the test checks the network guard itself")


def pytest_unconfigure(config: pytest.Config) -> None:
    global _depth
    _depth = max(0, _depth - 1)


def _charge(item: pytest.Item, when: str, start: int) -> None:
    with _lock:
        made = _attempts[start:]
        del _attempts[start:]
    if made:
        pytest.fail(
            f"{item.nodeid} used the network during {when}: " + "; ".join(made)
            + " (kg must work offline; give the code a local file or a loopback server)",
            pytrace=False,
        )


def _watch(when: str):
    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def hook(item: pytest.Item):
        with _lock:
            start = len(_attempts)
        try:
            return (yield)
        finally:
            _charge(item, when, start)

    hook.__name__ = f"pytest_runtest_{when}"
    return hook


pytest_runtest_setup = _watch("setup")
pytest_runtest_call = _watch("call")
pytest_runtest_teardown = _watch("teardown")
