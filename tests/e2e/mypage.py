"""My Page through HTTP as a browser would use it, and patrons made with the operator's CLI."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin

import requests

from .operator import operator

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
BIRTH_DATE, INITIAL_PASSWORD = "1988-07-07", "880707"


def counter_patron(devstack, name: str = "窓口 登録") -> str:
    """A patron registered at the counter (not linked to LINE); their 利用者コード."""
    printed = operator(
        devstack,
        "ops.patrons",
        "register",
        "--name",
        name,
        "--birth-date",
        BIRTH_DATE,
        "--contact",
        "03-5555-0000",
        "--active",
    )
    return printed.split()[2]


class Browser:
    """A cookie jar and the last page, following redirects only when asked."""

    def __init__(self, devstack) -> None:
        self.devstack = devstack
        self.http = requests.Session()
        self.http.trust_env = False
        self.page: requests.Response | None = None

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.devstack.api_url + path

    def get(self, path: str, follow: bool = True, **params) -> requests.Response:
        self.page = self.http.get(self.url(path), params=params, allow_redirects=follow, timeout=20)
        return self.page

    def post(
        self, path: str, form: dict, follow: bool = True, csrf: bool = True
    ) -> requests.Response:
        data = dict(form)
        if csrf and "csrf_token" not in data:
            data["csrf_token"] = self.csrf()
        self.page = self.http.post(self.url(path), data=data, allow_redirects=follow, timeout=20)
        return self.page

    def csrf(self) -> str:
        return CSRF.search(self.page.text).group(1)

    @property
    def session_cookie(self) -> str | None:
        return self.http.cookies.get("mypage_session")

    def log_in(self, patron_id: str, password: str = INITIAL_PASSWORD) -> requests.Response:
        self.get("/mypage/login")
        return self.post("/mypage/login", {"patron_code": patron_id, "password": password})

    def consent(self, authorize: requests.Response, user_id: str, **tamper: str):
        """The LINE emulator's consent page: allow as `user_id`; the redirect back, unfollowed."""
        fields = dict((k, unescape(v)) for k, v in HIDDEN.findall(authorize.text))
        fields.update(user_id=user_id, decision="allow", **tamper)
        action = re.search(r'<form method="post" action="([^"]+)"', authorize.text).group(1)
        return self.http.post(
            urljoin(authorize.url, action), data=fields, allow_redirects=False, timeout=20
        )

    def line_login(self, start: requests.Response, user_id: str, **tamper: str):
        """From a redirect to LINE Login, through consent, back to our callback (followed)."""
        assert start.status_code == 303, start.text
        authorize = self.http.get(start.headers["Location"], timeout=20)
        back = self.consent(authorize, user_id, **tamper)
        assert back.status_code == 302, back.text
        self.page = self.http.get(back.headers["Location"], timeout=20)
        return self.page, back.headers["Location"]
