"""What the server checks on every request and adds to every response, whatever the route.

**Host**: a page on ``evil.example`` can make the browser resolve that name to 127.0.0.1 (DNS
rebinding) and read a loopback server as its own origin; the request still says
``Host: evil.example``. So the server answers only to the names it knows: the loopback names
(``localhost``, 127.0.0.0/8, ``::1``), the address it is bound to, the names the operator lists
(``serve --allow-host NAME``; ``*`` for any, behind a proxy that checks), and, when it is bound to
every interface (``0.0.0.0``, ``::``), any IP address (no DNS lookup can rebind an address). Any
other Host is 421 Misdirected Request.

**Headers**: ``X-Content-Type-Options: nosniff``; a Content-Security-Policy that lets the pages load
scripts, styles, images and API answers from this server only (the pages and the API docs' Swagger
UI are vendored: nothing comes from a CDN) and no page frame them (``frame-ancestors 'none'``,
with ``X-Frame-Options: DENY`` for older browsers); ``Referrer-Policy: no-referrer``.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ANY_HOST = "*"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
WILDCARD_BINDS = frozenset({"0.0.0.0", "::", ""})
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


@dataclass(frozen=True)
class HostPolicy:
    """The Host names a server answers to (see the module's note)."""

    names: frozenset[str]
    any_address: bool = False  # bound to every interface: any IP literal is this machine's
    any_host: bool = False

    @classmethod
    def for_bind(cls, bind: str, allowed: Iterable[str] = ()) -> HostPolicy:
        listed = {_hostname(name) for name in allowed}
        bound = _hostname(bind)
        names = frozenset(listed | LOOPBACK_NAMES | ({bound} if bound not in WILDCARD_BINDS else set()))
        return cls(names - {ANY_HOST}, any_address=bound in WILDCARD_BINDS, any_host=ANY_HOST in listed)

    def allows(self, host_header: str | None) -> bool:
        if self.any_host:
            return True
        if not host_header:
            return False
        name = _hostname(host_header, with_port=True)
        if name in self.names or _loopback_address(name):
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return self.any_address

    def describe(self) -> str:
        if self.any_host:
            return "any Host (--allow-host '*')"
        shown = sorted(name for name in self.names - LOOPBACK_NAMES if not _loopback_address(name))
        parts = ["localhost and loopback addresses", *shown] + (["any IP address"] if self.any_address else [])
        return ", ".join(parts)


def _loopback_address(name: str) -> bool:
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _hostname(value: str, with_port: bool = False) -> str:
    """A Host header or an address as a bare lower-case name (``[::1]:8000`` → ``::1``)."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    if with_port and value.count(":") == 1:
        value = value.rsplit(":", 1)[0]
    return value.rstrip(".")


class Guard:
    """ASGI middleware: refuse unknown Hosts, add the security headers to every response."""

    def __init__(self, app: ASGIApp, hosts: HostPolicy):
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), None)
        if not self.hosts.allows(host):
            await _misdirected(host, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k, v) for k, v in SECURITY_HEADERS if k not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _misdirected(host: str | None, send: Send) -> None:
    detail = (f"Host {host!r} is not a name this server answers to (DNS rebinding guard); "
              "start it with --allow-host NAME to answer to NAME") if host else "a request needs a Host header"
    body = json.dumps({"detail": detail, "candidates": []}, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               *SECURITY_HEADERS]
    await send({"type": "http.response.start", "status": 421, "headers": headers})
    await send({"type": "http.response.body", "body": body})
