"""The console's pages and the self-care app's usage endpoint (Starlette).

Agents log in with a password (orchestration/console/agents.py); an agent id refused
MAX_FAILURES times in LOCKOUT_MINUTES is locked out for a while. The session is a
random token in a cookie that is HttpOnly, Secure and SameSite=Strict, kept in this
process and ended after IDLE_MINUTES without a request. The login and logout forms
carry a CSRF token, checked against a cookie (login) or the session (logout); every
other page only reads. Every page that shows an account is written to the access
log first.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote

import duckdb
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from orchestration import pages, publish
from orchestration.console import lookups
from orchestration.console.access_log import AccessLog
from orchestration.console.agents import Agents

SESSION_COOKIE, CSRF_COOKIE = "cablebill_session", "cablebill_csrf"
IDLE_MINUTES = 30
# an agent id refused this many times within LOCKOUT_MINUTES is refused until they pass
MAX_FAILURES, LOCKOUT_MINUTES = 5, 15
MAX_FORM_BYTES = 4096
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'; form-action 'self'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


@dataclass
class Session:
    agent: str
    name: str
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    seen: float = field(default_factory=time.monotonic)


class Throttle:
    """Failed logins per agent id: one refused MAX_FAILURES times within
    LOCKOUT_MINUTES may not log in until the oldest of them is that old."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.failures: dict[str, list[float]] = {}

    def locked(self, agent_id: str) -> bool:
        recent = [t for t in self.failures.get(agent_id, []) if not self._expired(t)]
        self.failures[agent_id] = recent
        return len(recent) >= MAX_FAILURES

    def failed(self, agent_id: str) -> None:
        self.failures.setdefault(agent_id, []).append(self.clock())

    def _expired(self, at: float) -> bool:
        return self.clock() - at > LOCKOUT_MINUTES * 60


class Console:
    """The app's state: the home, its credentials, access log and sessions."""

    def __init__(self, home: Path):
        self.home = home
        self.publication = publish.path(home)
        self.log = AccessLog(home)
        self.sessions: dict[str, Session] = {}
        self.throttle = Throttle()

    def session(self, request: Request) -> Session | None:
        token = request.cookies.get(SESSION_COOKIE, "")
        found = self.sessions.get(token)
        if found is None or time.monotonic() - found.seen > IDLE_MINUTES * 60:
            self.sessions.pop(token, None)
            return None
        found.seen = time.monotonic()
        return found

    def read(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection to the publication as it is now."""
        return duckdb.connect(str(self.publication), read_only=True)

    def record(self, request: Request, who: str, action: str, accounts: list[str], query: str):
        client = request.client.host if request.client else ""
        self.log.record(who, action, accounts, query, client)


def _page(template: str, status: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(pages.render(f"console/{template}", **context), status, headers=HEADERS)


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}


def _same(a: str, b: str) -> bool:
    return bool(a) and hmac.compare_digest(a.encode(), b.encode())


def create_app(home: Path) -> Starlette:
    """The console of `home`."""
    console = Console(home)

    def login_page(request: Request, status: int = 200, failed: bool = False) -> Response:
        token = secrets.token_urlsafe(32)
        response = _page("login.html.j2", status, csrf=token, failed=failed)
        response.set_cookie(
            CSRF_COOKIE, token, httponly=True, secure=True, samesite="strict", path="/login"
        )
        return response

    async def login(request: Request) -> Response:
        if request.method == "GET":
            return login_page(request)
        form = await _form(request)
        if not _same(form.get("csrf", ""), request.cookies.get(CSRF_COOKIE, "")):
            return login_page(request, 403, failed=True)
        agents = Agents(home)
        agent_id = form.get("agent", "")
        if console.throttle.locked(agent_id):
            console.record(request, agent_id, "login_locked", [], "")
            return login_page(request, 429, failed=True)
        if not agents.check(agent_id, form.get("password", "")):
            console.throttle.failed(agent_id)
            console.record(request, agent_id, "login_failed", [], "")
            return login_page(request, 401, failed=True)
        token = secrets.token_urlsafe(32)
        console.sessions[token] = Session(agent_id, agents.agents[agent_id]["name"])
        console.record(request, agent_id, "login", [], "")
        response = RedirectResponse("/", 303, headers=HEADERS)
        response.set_cookie(
            SESSION_COOKIE, token, httponly=True, secure=True, samesite="strict", path="/"
        )
        response.delete_cookie(CSRF_COOKIE, path="/login")
        return response

    async def logout(request: Request) -> Response:
        session = console.session(request)
        form = await _form(request)
        if session is not None and _same(form.get("csrf", ""), session.csrf):
            console.sessions.pop(request.cookies.get(SESSION_COOKIE, ""), None)
        response = RedirectResponse("/login", 303, headers=HEADERS)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    def signed_in(handler):
        """The handler, for a request with a live session; the login page otherwise."""

        def guarded(request: Request) -> Response:
            session = console.session(request)
            if session is None:
                return RedirectResponse("/login", 303, headers=HEADERS)
            if not console.publication.exists():
                return _page("unpublished.html.j2", 503, session=session)
            return handler(request, session)

        return guarded

    @signed_in
    def search(request: Request, session: Session) -> Response:
        text = request.query_params.get("q", "").strip()
        if not text:
            return _page("search.html.j2", session=session, text="", found=None)
        with console.read() as con:
            found = lookups.find(con, text)
        query = f"invoice_no {text}" if found.kind == "invoice_no" else found.kind
        ids = [row["account_id"] for row in found.accounts]
        console.record(request, session.agent, "search", ids, query)
        if len(ids) == 1:
            return RedirectResponse(f"/accounts/{quote(ids[0], safe='')}", 303, headers=HEADERS)
        return _page("search.html.j2", session=session, text=text, found=found)

    @signed_in
    def account(request: Request, session: Session) -> Response:
        account_id = request.path_params["account_id"]
        with console.read() as con:
            shown = lookups.account(con, account_id)
        if shown is None:
            return _page("missing.html.j2", 404, session=session, what=account_id)
        console.record(request, session.agent, "account", [account_id], "")
        return _page("account.html.j2", session=session, **shown)

    @signed_in
    def invoice(request: Request, session: Session) -> Response:
        invoice_no = request.path_params["invoice_no"]
        with console.read() as con:
            shown = lookups.invoice(con, home, invoice_no)
        if shown is None:
            return _page("missing.html.j2", 404, session=session, what=invoice_no)
        console.record(request, session.agent, "invoice", [shown["invoice"]["account_id"]], "")
        return _page("invoice.html.j2", session=session, **shown)

    @signed_in
    def statement(request: Request, session: Session) -> Response:
        invoice_no, kind = request.path_params["invoice_no"], request.path_params["kind"]
        with console.read() as con:
            header = lookups.invoice_header(con, invoice_no)
        file = header and lookups.statements(home, header).get(kind)
        if not file:
            return _page("missing.html.j2", 404, session=session, what=f"{invoice_no}.{kind}")
        console.record(request, session.agent, f"statement_{kind}", [header["account_id"]], "")
        return FileResponse(file, headers=HEADERS)

    def usage(request: Request) -> Response:
        """The self-care app's view of an account's open period: a bearer token of
        `cablebill console-token`, no session."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not Agents(home).token_valid(token.strip()):
            return JSONResponse(
                {"error": "a valid bearer token is needed"},
                401,
                headers={**HEADERS, "WWW-Authenticate": "Bearer"},
            )
        account_id = request.path_params["account_id"]
        shown = None
        if console.publication.exists():
            with console.read() as con:
                shown = lookups.usage(con, account_id)
        if shown is None:
            missing = {"error": f"no usage of account {account_id} published"}
            return JSONResponse(missing, 404, headers=HEADERS)
        console.record(request, "self-care app", "api_usage", [account_id], "")
        return JSONResponse(shown, headers=HEADERS)

    routes = [
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/", search),
        Route("/accounts/{account_id}", account),
        Route("/invoices/{invoice_no}", invoice),
        Route("/invoices/{invoice_no}/statement.{kind:str}", statement),
        Route("/api/accounts/{account_id}/usage", usage),
    ]
    return Starlette(routes=routes)
