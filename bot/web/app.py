"""The routes of the web page; ``create_web_app`` wires them to the services they render.

Sign-in is a one-time link from ``/web`` in Telegram: ``/login/<token>`` exchanges it for a signed
session cookie (HttpOnly, SameSite=Lax, Secure when the page is reached over HTTPS) and the token is
never accepted again. Without a valid session every page answers 401; whatever ``AdminService``
refuses answers 403 with a page that names nothing (an id that does not exist looks the same, except
to admins, who get 404). The one form that changes something (signing out) carries a per-session
CSRF token. Pages are private data: no caching, no referrer, no framing.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, Protocol
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.access import AccessDenied
from bot.administration import AdminService, InterviewFilters, NotFound, Viewer
from bot.config import Settings
from bot.web import words
from bot.web_login import WebLoginService
from dialogs import Messages

SESSION_COOKIE = "levelcheck_session"
#: A session lasts a working day; signing in again takes one /web in Telegram.
SESSION_SECONDS = 8 * 60 * 60
SECURITY_HEADERS = {
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
}


class WebServices(Protocol):
    """What the page needs of the runtime (``bot.app.Runtime`` has both)."""

    @property
    def admin(self) -> AdminService: ...

    @property
    def web_logins(self) -> WebLoginService: ...


Handler = Callable[[Request], Awaitable[Response]]
#: A page for a signed-in viewer, given the viewer's words.
Page = Callable[[Request, Viewer, Messages], Awaitable[Response]]
#: This package, for the loaders of its templates and stylesheet.
PACKAGE = __name__.rpartition(".")[0]


class _SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [
                    (k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_web_app(services: WebServices, settings: Settings) -> Starlette:
    """The page for ``services`` (admin views and sign-in links), signed with ``WEB_SECRET``."""
    assert settings.web_secret is not None, "the settings refuse WEB_PORT without WEB_SECRET"
    pages = _Pages(services.admin, services.web_logins)
    routes = [
        Route("/", pages.guarded(pages.interviews)),
        Route("/login/{token}", pages.login),
        Route("/logout", pages.logout, methods=["POST"]),
        Route("/interviews/{interview_id:int}", pages.guarded(pages.transcript)),
        Route("/results/{result_id:int}", pages.guarded(pages.result)),
        Route("/teams", pages.guarded(pages.teams)),
        Route("/export.csv", pages.guarded(pages.export)),
        Route("/audit", pages.guarded(pages.audit)),
        Mount("/static", StaticFiles(packages=[(PACKAGE, "static")]), name="static"),
    ]
    middleware = [
        Middleware(_SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=settings.web_secret.get_secret_value(),
            session_cookie=SESSION_COOKIE,
            max_age=SESSION_SECONDS,
            same_site="lax",
            https_only=settings.web_url.startswith("https://"),
        ),
    ]
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={404: pages.not_found, 405: pages.not_found},
    )


_templates = Environment(
    loader=PackageLoader(PACKAGE, "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


class _Pages:
    def __init__(self, admin: AdminService, logins: WebLoginService) -> None:
        self.admin = admin
        self.logins = logins

    # --- rendering -------------------------------------------------------------------------------

    def render(
        self,
        request: Request,
        template: str,
        msg: Messages,
        viewer: Viewer | None = None,
        status_code: int = 200,
        **values: Any,
    ) -> HTMLResponse:
        html = _templates.get_template(template).render(
            t=msg,
            lang=msg.language,
            viewer=viewer,
            csrf=request.session.get("csrf", "") if viewer is not None else "",
            words=words,
            **values,
        )
        return HTMLResponse(html, status_code=status_code)

    def unauthorized(self, request: Request) -> HTMLResponse:
        msg = words.browser_words(request)
        return self.render(request, "message.html", msg, None, 401, what="unauthorized")

    def forbidden(self, request: Request, viewer: Viewer | None) -> HTMLResponse:
        msg = Messages(viewer.language) if viewer is not None else words.browser_words(request)
        return self.render(request, "message.html", msg, viewer, 403, what="forbidden")

    async def not_found(self, request: Request, exc: Exception) -> HTMLResponse:
        viewer = await self._viewer(request)
        if viewer is None:  # a stranger learns nothing of which addresses exist
            return self.unauthorized(request)
        if not viewer.is_admin:
            return self.forbidden(request, viewer)
        return self.render(request, "message.html", Messages(viewer.language), viewer, 404, what="not_found")

    # --- sessions --------------------------------------------------------------------------------

    async def _viewer(self, request: Request) -> Viewer | None:
        user_id = request.session.get("uid")
        if not isinstance(user_id, int) or not isinstance(request.session.get("csrf"), str):
            return None
        viewer = await self.admin.viewer(user_id)
        if viewer is None:  # the person was deleted (/forget) since signing in
            request.session.clear()
        return viewer

    def guarded(self, page: Page) -> Handler:
        """``page`` for a signed-in viewer: 401 without a session, 403 for whatever the service refuses."""

        async def handler(request: Request) -> Response:
            viewer = await self._viewer(request)
            if viewer is None:
                return self.unauthorized(request)
            msg = Messages(viewer.language)
            try:
                return await page(request, viewer, msg)
            except AccessDenied:
                return self.forbidden(request, viewer)
            except NotFound:
                return self.render(request, "message.html", msg, viewer, 404, what="not_found")

        return handler

    async def login(self, request: Request) -> Response:
        user_id = await self.logins.redeem(str(request.path_params["token"]))
        if user_id is None:
            msg = words.browser_words(request)
            return self.render(request, "message.html", msg, None, 403, what="login_refused")
        request.session.clear()  # a new session, never one someone else may have planted
        request.session.update({"uid": user_id, "csrf": secrets.token_urlsafe(32)})
        return RedirectResponse("/", status_code=303)

    async def logout(self, request: Request) -> Response:
        viewer = await self._viewer(request)
        if viewer is None:
            return self.unauthorized(request)
        form = await request.form()
        sent = form.get("csrf")
        if not isinstance(sent, str) or not secrets.compare_digest(sent, request.session["csrf"]):
            return self.forbidden(request, viewer)
        request.session.clear()
        return self.render(request, "message.html", Messages(viewer.language), None, 200, what="signed_out")

    # --- pages -----------------------------------------------------------------------------------

    async def interviews(self, request: Request, viewer: Viewer, msg: Messages) -> Response:
        filters, chosen = _filters(request)
        page = await self.admin.interviews(viewer.user_id, filters)
        query = {k: v for k, v in chosen.items() if v}
        fields = await self.admin.fields(viewer.user_id)
        return self.render(
            request,
            "interviews.html",
            msg,
            viewer,
            page=page,
            chosen=chosen,
            fields=fields,
            field_names=dict(fields),
            teams=await self.admin.teams(viewer.user_id),
            export_query=urlencode(query),
            previous_query=urlencode({**query, "page": page.page - 1}),
            next_query=urlencode({**query, "page": page.page + 1}),
        )

    async def transcript(self, request: Request, viewer: Viewer, msg: Messages) -> Response:
        view = await self.admin.transcript(viewer.user_id, int(request.path_params["interview_id"]))
        return self.render(request, "transcript.html", msg, viewer, view=view)

    async def result(self, request: Request, viewer: Viewer, msg: Messages) -> Response:
        detail = await self.admin.result(viewer.user_id, int(request.path_params["result_id"]))
        return self.render(request, "result.html", msg, viewer, detail=detail, std=detail.msg)

    async def teams(self, request: Request, viewer: Viewer, msg: Messages) -> Response:
        teams = await self.admin.teams(viewer.user_id)
        return self.render(request, "teams.html", msg, viewer, teams=teams)

    async def export(self, request: Request, viewer: Viewer, msg: Messages) -> Response:
        filters, _ = _filters(request)
        text = await self.admin.results_csv(viewer.user_id, filters)
        return Response(
            text.encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="levelcheck-results.csv"'},
        )

    async def audit(self, request: Request, viewer: Viewer, msg: Messages) -> Response:
        number = _int(request.query_params.get("page")) or 1
        page = await self.admin.audit_log(viewer.user_id, page=number)
        return self.render(
            request,
            "audit.html",
            msg,
            viewer,
            page=page,
            previous_query=urlencode({"page": page.page - 1}),
            next_query=urlencode({"page": page.page + 1}),
        )


def _int(value: str | None) -> int | None:
    """A whole number as typed in a query, else None (a malformed filter is simply no filter)."""
    if value is None or not (value.isascii() and value.isdigit()) or len(value) > 9:
        return None
    return int(value)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request: Request) -> tuple[InterviewFilters, dict[str, str]]:
    """The filters of the query string, and their values as the form shows them again."""
    q = request.query_params
    finished = {"yes": True, "no": False}.get(q.get("finished", ""))
    filters = InterviewFilters(
        field=q.get("field") or None,
        level=_int(q.get("level")),
        team_id=_int(q.get("team")),
        finished=finished,
        since=_date(q.get("since")),
        until=_date(q.get("until")),
        page=_int(q.get("page")) or 1,
    )
    chosen = {
        "field": filters.field or "",
        "level": "" if filters.level is None else str(filters.level),
        "team": "" if filters.team_id is None else str(filters.team_id),
        "finished": {True: "yes", False: "no", None: ""}[finished],
        "since": filters.since.isoformat() if filters.since else "",
        "until": filters.until.isoformat() if filters.until else "",
    }
    return filters, chosen
