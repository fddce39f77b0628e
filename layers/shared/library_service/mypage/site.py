"""The My Page site: one method per page, sessions and CSRF checked in one place.

Every visitor has a server-side session (DynamoDB, `accounts.sessions`) once a page with a
form was shown: its CSRF token is in every form, and a login, a logout and a password change
issue a new session ID. A session of a patron whose password changed since it was issued is
treated as logged out, which ends the patron's other sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from aws_lambda_powertools import Logger

from ..accounts import AuditLog, LinkNonces, LoginRefused, PatronLogin, SessionStore, WebSession
from ..catalogue.libraries import Libraries
from ..holds.model import ConcurrentChange, HoldNotCancellable
from ..holds.renewal import RenewalRefused, Renewals
from ..holds.service import HoldService
from ..line.login import LineLogin, LineLoginFailed, LoginRequest
from ..line.messenger import account_link_url
from ..patrons import PasswordRejected
from ..patrons.directory import LineUserAlreadyLinked, PatronAlreadyLinked, PatronDirectory
from ..patrons.model import Patron
from ..privacy import mask_id
from ..web.pages import content_security_policy, render
from . import texts
from .http import Request, Response, redirect, session_cookie
from .views import home_view

logger = Logger(child=True)

BASE = "/mypage"
CALLBACK = f"{BASE}/line/callback"
# Server-side values kept in the session between two requests.
LINE_STATE, LINE_NONCE, LINE_VERIFIER, LINE_PURPOSE = (
    "lineState",
    "lineNonce",
    "lineVerifier",
    "linePurpose",
)
LINK_TOKEN, FLASH = "linkToken", "flash"


@dataclass(frozen=True)
class MyPageSettings:
    library_name: str
    library_site_url: str  # the 「ホーム」 button: the library's own site
    line_access_base_url: str  # https://access.line.me (the emulator locally)
    session_seconds: int  # the cookie's Max-Age: the session's absolute lifetime


def _now() -> datetime:
    return datetime.now(UTC)


class MyPage:
    def __init__(
        self,
        sessions: SessionStore,
        login: PatronLogin,
        patrons: PatronDirectory,
        holds: HoldService,
        renewals: Renewals,
        line_login: Callable[[], LineLogin],
        link_nonces: LinkNonces,
        audit: AuditLog,
        libraries: Libraries,
        settings: MyPageSettings,
    ) -> None:
        self._sessions = sessions
        self._login = login
        self._patrons = patrons
        self._holds = holds
        self._renewals = renewals
        self._line_login = line_login  # made on first use: it needs the Login channel secret
        self._link_nonces = link_nonces
        self._audit = audit
        self._libraries = libraries
        self._settings = settings
        self._policy = content_security_policy(_origin(settings.line_access_base_url))
        self._routes = {  # (request, session)
            ("GET", f"{BASE}/login"): self.login_page,
            ("POST", f"{BASE}/login"): self.log_in,
            ("POST", f"{BASE}/logout"): self.log_out,
            ("GET", f"{BASE}/line"): self.line_login,
            ("GET", CALLBACK): self.line_callback,
            ("GET", f"{BASE}/account-link"): self.account_link,
        }
        self._patron_routes = {  # (request, session, patron); others go to the login page
            ("GET", BASE): self.home,
            ("GET", f"{BASE}/line/link"): self.link_page,
            ("POST", f"{BASE}/line/link"): self.line_link,
            ("GET", f"{BASE}/line/unlink"): self.unlink_page,
            ("POST", f"{BASE}/line/unlink"): self.unlink,
            ("GET", f"{BASE}/password"): self.password_page,
            ("POST", f"{BASE}/password"): self.change_password,
            ("POST", f"{BASE}/holds/cancel"): self.cancel_hold,
            ("POST", f"{BASE}/loans/renew"): self.renew_loan,
        }

    # -- dispatch ------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        path = request.path.rstrip("/") or "/"
        key = (request.method, path)
        route, patron_route = self._routes.get(key), self._patron_routes.get(key)
        if route is None and patron_route is None:
            known = any(p == path for _, p in (*self._routes, *self._patron_routes))
            return self._page(
                request,
                None,
                "message.html",
                405 if known else 404,
                title=texts.SITE_TITLE,
                message=texts.NOT_FOUND,
            )
        session, patron = self._current(request)
        if request.method == "POST" and not (
            session and session.csrf_matches(request.form.get("csrf_token"))
        ):
            logger.warning("form refused: missing or wrong CSRF token")
            return self._page(
                request,
                session,
                "message.html",
                403,
                title=texts.SITE_TITLE,
                message=texts.EXPIRED_FORM,
            )
        if route is not None:
            return route(request, session)
        if patron is None:
            return self._go(request, session, f"{BASE}/login")
        return patron_route(request, session, patron)

    def _current(self, request: Request) -> tuple[WebSession | None, Patron | None]:
        """The visitor's session and, when logged in, the patron (read once per request)."""
        session = self._sessions.get(request.session_id) if request.session_id else None
        if session is None or session.patron_id is None:
            return session, None
        patron = self._patrons.get(session.patron_id)
        if patron is None or session.issued_before(patron.credentials_changed_at):
            # The password changed after this session began (or the patron is gone).
            return self._sessions.rotate(session, None), None
        return session, patron

    # -- rendering -----------------------------------------------------------------------
    def _page(
        self,
        request: Request,
        session: WebSession | None,
        template: str,
        status: int = 200,
        **context,
    ) -> Response:
        """A page; a session is made (or kept) so that its forms carry a CSRF token."""
        if session is None:
            session = self._sessions.create()
        flash = session.data.get(FLASH)
        if flash:
            session = self._sessions.save(_without(session, FLASH))
        body = render(
            f"mypage/{template}",
            library_name=self._settings.library_name,
            library_site_url=self._settings.library_site_url,
            csrf_token=session.csrf_token,
            logged_in=session.patron_id is not None,
            flash=flash,
            **context,
        )
        # 「LINEでログイン」 and the account link are forms whose answer redirects to LINE.
        headers = {"Content-Security-Policy": self._policy}
        return self._with_cookie(Response(status, body, headers), request, session)

    def _with_cookie(
        self, response: Response, request: Request, session: WebSession | None
    ) -> Response:
        response.cookies.append(
            session_cookie(
                session.session_id if session else None,
                request.secure,
                self._settings.session_seconds,
            )
        )
        return response

    def _go(
        self, request: Request, session: WebSession | None, path: str, flash: str | None = None
    ) -> Response:
        if flash and session is not None:
            session = self._sessions.save(_with(session, **{FLASH: flash}))
        return self._with_cookie(redirect(path), request, session)

    # -- logging in ----------------------------------------------------------------------
    def login_page(
        self,
        request: Request,
        session: WebSession | None,
        message: str | None = None,
        status: int = 200,
    ) -> Response:
        linking = bool(session and session.data.get(LINK_TOKEN))
        return self._page(
            request,
            session,
            "login.html",
            status,
            title=texts.LOGIN_TITLE,
            intro=texts.LOGIN_FOR_ACCOUNT_LINK if linking else texts.LOGIN_INTRO,
            error=message,
            hint=texts.LOGIN_PASSWORD_HINT,
        )

    def log_in(self, request: Request, session: WebSession) -> Response:
        try:
            patron = self._login.authenticate(
                request.form.get("patron_code", ""), request.form.get("password", "")
            )
        except LoginRefused:
            return self.login_page(request, session, LoginRefused.MESSAGE, 401)
        link_token = session.data.get(LINK_TOKEN)
        session = self._sessions.rotate(_without(session, LINK_TOKEN), patron.patron_id)
        if link_token:
            return self._to_account_link(request, session, patron, link_token)
        return self._go(request, session, BASE)

    def log_out(self, request: Request, session: WebSession) -> Response:
        if session.patron_id:
            self._audit.record(session.patron_id, "logout", "success")
        self._sessions.delete(session.session_id)
        fresh = self._sessions.create(data={FLASH: texts.LOGGED_OUT})
        return self._go(request, fresh, f"{BASE}/login")

    # -- LINE Login (v2.1): to log in, or to link ----------------------------------------
    def line_login(self, request: Request, session: WebSession | None) -> Response:
        return self._to_line(request, session or self._sessions.create(), "login")

    def line_link(self, request: Request, session: WebSession, _patron: Patron) -> Response:
        return self._to_line(request, session, "link")

    def _to_line(self, request: Request, session: WebSession, purpose: str) -> Response:
        pending = LoginRequest.new()
        session = self._sessions.save(
            _with(
                session,
                **{
                    LINE_STATE: pending.state,
                    LINE_NONCE: pending.nonce,
                    LINE_VERIFIER: pending.code_verifier,
                    LINE_PURPOSE: purpose,
                },
            )
        )
        url = self._line_login().authorize_url(pending, request.base_url + CALLBACK)
        return self._with_cookie(redirect(url), request, session)

    def line_callback(self, request: Request, session: WebSession | None) -> Response:
        if session is None or LINE_STATE not in session.data:
            logger.warning("LINE Login callback without a login in progress")
            return self.login_page(request, session, texts.LOGIN_LINE_FAILED, 400)
        pending = LoginRequest(
            session.data[LINE_STATE], session.data[LINE_NONCE], session.data[LINE_VERIFIER]
        )
        purpose = session.data.get(LINE_PURPOSE, "login")
        # The state, nonce and verifier are used once, whatever the outcome.
        session = self._sessions.save(
            _without(session, LINE_STATE, LINE_NONCE, LINE_VERIFIER, LINE_PURPOSE)
        )
        try:
            line_user_id = self._line_login().finish(
                pending, request.query, request.base_url + CALLBACK
            )
        except LineLoginFailed as failed:
            logger.warning("LINE Login refused", extra={"reason": failed.reason})
            if purpose == "link" and session.patron_id:
                return self._go(request, session, BASE, texts.LOGIN_LINE_FAILED)
            return self.login_page(request, session, texts.LOGIN_LINE_FAILED, 400)
        if purpose == "link" and session.patron_id:
            return self._link(request, session, line_user_id)
        patron = self._patrons.by_line_user(line_user_id)
        if patron is None:
            return self.login_page(request, session, texts.LOGIN_NOT_LINKED)
        self._audit.record(patron.patron_id, "login_line", "success")
        return self._go(request, self._sessions.rotate(session, patron.patron_id), BASE)

    def _link(self, request: Request, session: WebSession, line_user_id: str) -> Response:
        try:
            self._patrons.link_line(session.patron_id, line_user_id)
        except LineUserAlreadyLinked:
            self._audit.record(session.patron_id, "link", "failure", reason="line-user-taken")
            return self._go(request, session, BASE, texts.LINK_TAKEN)
        except PatronAlreadyLinked:
            self._audit.record(session.patron_id, "link", "failure", reason="patron-linked")
            return self._go(request, session, BASE, texts.LINK_ALREADY)
        self._audit.record(session.patron_id, "link", "success", to=mask_id(line_user_id))
        return self._go(request, session, BASE, texts.LINK_DONE)

    # -- the Messaging API's account link (in-chat 「LINE連携」) ----------------------------
    def account_link(self, request: Request, session: WebSession | None) -> Response:
        """Always the login form, even for a patron logged in already: a link token in a URL
        may be someone else's, and only the patron's own password may bind it to them."""
        link_token = request.query.get("linkToken", "")
        if not link_token:
            return self._go(request, session, f"{BASE}/login")
        session = self._sessions.save(
            _with(session or self._sessions.create(), **{LINK_TOKEN: link_token})
        )
        return self.login_page(request, session)

    def _to_account_link(self, request, session, patron: Patron, link_token: str) -> Response:
        nonce = self._link_nonces.issue(patron.patron_id)
        self._audit.record(patron.patron_id, "account_link", "started")
        url = account_link_url(self._settings.line_access_base_url, link_token, nonce)
        return self._with_cookie(redirect(url), request, session)

    # -- pages for a logged-in patron ----------------------------------------------------
    def home(self, request: Request, session: WebSession, patron: Patron) -> Response:
        view = home_view(
            patron,
            self._holds.open_holds(patron),
            self._renewals.loans_of(patron.patron_id),
            self._libraries,
        )
        return self._page(request, session, "home.html", title=texts.SITE_TITLE, **view)

    def link_page(self, request: Request, session: WebSession, patron: Patron) -> Response:
        return self._page(
            request,
            session,
            "link.html",
            title=texts.LINK_TITLE,
            intro=texts.LINK_INTRO,
            linked=patron.line_user_id is not None,
        )

    def unlink_page(self, request: Request, session: WebSession, patron: Patron) -> Response:
        return self._page(
            request,
            session,
            "unlink.html",
            title=texts.UNLINK_TITLE,
            question=texts.UNLINK_QUESTION,
        )

    def unlink(self, request: Request, session: WebSession, patron: Patron) -> Response:
        self._patrons.unlink_line(patron.patron_id)
        self._audit.record(patron.patron_id, "unlink", "success")
        return self._go(request, session, BASE, texts.UNLINK_DONE)

    def password_page(
        self,
        request: Request,
        session: WebSession,
        patron: Patron,
        error: str | None = None,
        status: int = 200,
    ) -> Response:
        return self._page(
            request,
            session,
            "password.html",
            status,
            title=texts.PASSWORD_TITLE,
            rule=texts.PASSWORD_RULE,
            error=error,
            initial=patron.password_is_initial,
        )

    def change_password(self, request: Request, session: WebSession, patron: Patron) -> Response:
        form = request.form
        try:
            self._login.change_password(
                patron, form.get("current", ""), form.get("new", ""), form.get("confirm", "")
            )
        except PasswordRejected as rejected:
            return self.password_page(request, session, patron, str(rejected), 400)
        # A new session ID, issued after the change: this one stays, all others end.
        return self._go(
            request, self._sessions.rotate(session, patron.patron_id), BASE, texts.PASSWORD_CHANGED
        )

    def cancel_hold(self, request: Request, session: WebSession, patron: Patron) -> Response:
        try:
            self._holds.cancel(patron, request.form.get("record", ""), request.form.get("hold", ""))
        except HoldNotCancellable:
            return self._go(request, session, BASE, texts.HOLD_NOT_CANCELLABLE)
        return self._go(request, session, BASE, texts.HOLD_CANCELLED)

    def renew_loan(self, request: Request, session: WebSession, patron: Patron) -> Response:
        try:
            loan = self._renewals.renew(patron.patron_id, request.form.get("barcode", ""))
        except RenewalRefused as refused:
            return self._go(request, session, BASE, refused.message)
        except ConcurrentChange:  # lost the race three times over: very rare
            return self._go(request, session, BASE, texts.TRY_AGAIN)
        due = f"{loan.due_on.month}月{loan.due_on.day}日"
        return self._go(request, session, BASE, texts.RENEWED.format(due=due))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _with(session: WebSession, **values: str) -> WebSession:
    return replace(session, data={**session.data, **values})


def _without(session: WebSession, *names: str) -> WebSession:
    return replace(session, data={k: v for k, v in session.data.items() if k not in names})
