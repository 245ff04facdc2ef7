"""The viewer's front door: read-only, local-only, and hardened headers on every response.

Binding to 127.0.0.1 keeps other machines out, but a web page the user visits can still aim
its browser at ``localhost``: through a DNS name rebound to 127.0.0.1 (the ``Host`` header then
names the attacker's domain) or with a cross-origin request (its ``Origin`` header names the
page). ``Guard`` answers 403 to both, 405 to any method that is not GET or HEAD (the viewer never
changes memory), and adds a Content-Security-Policy that allows only the viewer's own files.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS = (
    (
        "content-security-policy",
        "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
        "object-src 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)
READ_METHODS = ("GET", "HEAD")


def allowed_hosts(port: int) -> frozenset[str]:
    """``Host`` values a browser sends for this viewer (no port when it is the default, 80)."""
    hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
    if port == 80:
        hosts |= {"127.0.0.1", "localhost"}
    return frozenset(hosts)


class Guard:
    """ASGI middleware around the whole viewer (outside Starlette's error pages too)."""

    def __init__(self, app: ASGIApp, port: int) -> None:
        self.app = app
        self.hosts = allowed_hosts(port)
        self.origins = frozenset(f"http://{host}" for host in self.hosts)
        self.home = f"http://127.0.0.1:{port}/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # websockets: the viewer has none
            await send({"type": "websocket.close", "code": 1008})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in SECURITY_HEADERS}
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.decode("latin-1") not in names
                ]
                headers.extend((k.encode(), v.encode()) for k, v in SECURITY_HEADERS)
                message = {**message, "headers": headers}
            await send(message)

        refusal = self.refuse(scope)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def refuse(self, scope: Scope) -> PlainTextResponse | None:
        headers = Headers(scope=scope)
        host = headers.get("host", "").strip().lower()
        if host not in self.hosts:
            return PlainTextResponse(
                f"This memgit viewer answers only at {self.home} (Host {host or 'missing'!r}).",
                status_code=403,
            )
        origin = headers.get("origin")
        if origin is not None and origin.strip().lower() not in self.origins:
            return PlainTextResponse(
                "Requests from other web pages are refused by this memgit viewer.",
                status_code=403,
            )
        if scope["method"] not in READ_METHODS:
            return PlainTextResponse(
                "The memgit viewer is read-only: it answers GET and HEAD only.",
                status_code=405,
                headers={"Allow": ", ".join(READ_METHODS)},
            )
        return None
