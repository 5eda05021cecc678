"""The workspace's guard: who may come in, what a page may do, how much a request may carry.

* **Host**: bound to loopback without a token, only loopback host names are answered (a web page
  elsewhere cannot reach the workspace through DNS rebinding).
* **Token**: with an access token every request needs it: ``Authorization: Bearer …`` (scripts)
  or the cookie set by ``/?token=…`` or the login form (browsers).
* **CSRF**: every state-changing request carries the signed token of the ``fz_csrf`` cookie (form
  field ``csrf_token`` or header ``X-CSRF-Token``), or the bearer token; a foreign ``Origin`` is refused.
* **Size**: a request over the limit is answered 413 before its body is read.
* **Headers**: a strict Content-Security-Policy (no inline script, nothing from elsewhere),
  ``nosniff``, no framing, no referrer, no caching of pages.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
from http.cookies import SimpleCookie
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl, urlencode

TOKEN_COOKIE = "fz_token"
CSRF_COOKIE = "fz_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Open without the token: the login form and the stylesheet it uses.
PUBLIC_PATHS = frozenset({"/login", "/static/workspace.css", "/favicon.ico"})

CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    name = host.strip().strip("[]").lower()
    if name in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


def sign(secret: bytes, nonce: str) -> str:
    return hmac.new(secret, nonce.encode("ascii"), hashlib.sha256).hexdigest()[:32]


def new_csrf(secret: bytes) -> str:
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{sign(secret, nonce)}"


def valid_csrf(secret: bytes, value: str | None) -> bool:
    if not value or value.count(".") != 1 or len(value) > 200:
        return False
    nonce, mac = value.split(".")
    try:
        nonce.encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(mac, sign(secret, nonce))


def same_token(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def _headers(scope: Scope) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        name = key.decode("latin-1").lower()
        found[name] = f"{found[name]}, {value.decode('latin-1')}" if name in found and name != "cookie" else value.decode("latin-1")
    return found


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    jar = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # noqa: BLE001 - a malformed Cookie header is just no cookies
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


def _cookie(name: str, value: str, *, max_age: int | None = None) -> bytes:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts).encode("latin-1")


def host_name(host_header: str) -> str:
    """The host part of a Host header ("127.0.0.1:8000" → "127.0.0.1", "[::1]:80" → "::1")."""
    if host_header.startswith("["):
        return host_header[1 : host_header.find("]")] if "]" in host_header else host_header
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


async def _respond(send, status: int, body: bytes, content_type: bytes, extra: list[tuple[bytes, bytes]] = ()) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store")]
    headers += [(b"content-security-policy", CSP.encode())] + list(SECURITY_HEADERS) + list(extra)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _json(detail: str) -> bytes:
    return json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")


def wants_json(path: str, headers: dict[str, str]) -> bool:
    return path.startswith(("/api/", "/export/")) or "text/html" not in headers.get("accept", "")


class Guard:
    """Pure ASGI middleware (nothing buffered, nothing between the app and uvicorn but checks)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        secret: bytes,
        token: str | None,
        loopback_only: bool,
        max_request_bytes: int,
        login_page: Callable[[str], str],
        too_large: Callable[[int], str],
    ) -> None:
        self.app = app
        self.secret = secret
        self.token = token
        self.loopback_only = loopback_only
        self.max_request_bytes = max_request_bytes
        self.login_page = login_page
        self.too_large = too_large

    async def __call__(self, scope: Scope, receive, send) -> None:  # noqa: ANN001 - ASGI callables
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        path = scope.get("path", "")
        method = scope.get("method", "GET")

        if self.loopback_only and not is_loopback(host_name(headers.get("host", ""))):
            await _respond(send, 421, _json("工作台只接受本机访问（主机名应为 127.0.0.1 或 localhost）"), b"application/json; charset=utf-8")
            return

        length = headers.get("content-length")
        if method in UNSAFE_METHODS:
            if length is None and "chunked" in headers.get("transfer-encoding", ""):
                await _respond(send, 411, _json("请求需要 Content-Length"), b"application/json; charset=utf-8")
                return
            try:
                size = int(length or 0)
            except ValueError:
                size = -1
            if size < 0:
                await _respond(send, 400, _json("Content-Length 无效"), b"application/json; charset=utf-8")
                return
            if size > self.max_request_bytes:
                await _respond(send, 413, _json(self.too_large(size)), b"application/json; charset=utf-8", [(b"connection", b"close")])
                return

        cookies = _cookies(headers)
        bearer = headers.get("authorization", "")
        bearer_token = bearer[7:].strip() if bearer[:7].lower() == "bearer " else None
        extra_headers: list[tuple[bytes, bytes]] = []

        if self.token is not None and path not in PUBLIC_PATHS:
            if same_token(bearer_token, self.token) or same_token(cookies.get(TOKEN_COOKIE), self.token):
                pass
            else:
                query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
                if method == "GET" and same_token(query.get("token"), self.token):
                    # The link printed at start: keep the token in a cookie, drop it from the address bar.
                    rest = urlencode([(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1")) if k != "token"])
                    location = (path or "/") + (f"?{rest}" if rest else "")
                    await _respond(
                        send, 303, b"", b"text/plain", [(b"location", location.encode("latin-1")), (b"set-cookie", _cookie(TOKEN_COOKIE, self.token))]
                    )
                    return
                if wants_json(path, headers):
                    await _respond(
                        send, 401, _json("需要访问令牌：请在请求头加 Authorization: Bearer <令牌>，或用启动时打印的链接登录"),
                        b"application/json; charset=utf-8", [(b"www-authenticate", b"Bearer")],
                    )
                else:
                    body = self.login_page(path).encode("utf-8")
                    await _respond(send, 401, body, b"text/html; charset=utf-8")
                return

        csrf = cookies.get(CSRF_COOKIE)
        if not valid_csrf(self.secret, csrf):
            csrf = new_csrf(self.secret)
            extra_headers.append((b"set-cookie", _cookie(CSRF_COOKIE, csrf)))
        state = scope.setdefault("state", {})
        state["csrf"] = csrf
        state["csrf_ok"] = False

        if method in UNSAFE_METHODS:
            origin = headers.get("origin")
            if origin and origin != "null" and origin.split("://", 1)[-1] != headers.get("host", ""):
                await _respond(send, 403, _json("拒绝跨站请求（Origin 与本站不符）"), b"application/json; charset=utf-8")
                return
            header_token = headers.get(CSRF_HEADER)
            if (self.token is not None and same_token(bearer_token, self.token)) or (
                header_token is not None and header_token == cookies.get(CSRF_COOKIE) and valid_csrf(self.secret, header_token)
            ):
                state["csrf_ok"] = True
            elif not headers.get("content-type", "").lower().startswith(FORM_TYPES) and path != "/login":
                await _respond(send, 403, _json("缺少或无效的 CSRF 令牌（请求头 X-CSRF-Token 应与 Cookie fz_csrf 相同）"), b"application/json; charset=utf-8")
                return
            # A form: the route checks its csrf_token field (check_form_csrf) before doing anything.

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                existing = {key.lower() for key, _ in message.get("headers", [])}
                added = [(k, v) for k, v in SECURITY_HEADERS if k not in existing]
                if b"content-security-policy" not in existing:
                    added.append((b"content-security-policy", CSP.encode()))
                if b"cache-control" not in existing:
                    added.append((b"cache-control", b"no-store"))
                message = {**message, "headers": list(message.get("headers", [])) + added + extra_headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def form_csrf_ok(secret: bytes, state: dict, cookie_value: str | None, field_value: str | None) -> bool:
    """A form's token matches the cookie (or the request was already vouched for by header or bearer)."""
    if state.get("csrf_ok"):
        return True
    return bool(field_value) and field_value == cookie_value and valid_csrf(secret, field_value)


def session_cookie(token: str) -> bytes:
    return _cookie(TOKEN_COOKIE, token)
