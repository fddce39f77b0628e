"""HTML pages from Jinja2 templates (autoescaped), sent with strict security headers."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape


def content_security_policy(*form_targets: str) -> str:
    """Pages carry their small stylesheet inline and no script at all. Forms post here, or to
    `form_targets` (origins a form's answer may redirect to: browsers apply form-action to
    the redirect too)."""
    targets = " ".join(("'self'", *form_targets))
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
        f"base-uri 'none'; form-action {targets}; frame-ancestors 'none'"
    )


SECURITY_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": content_security_policy(),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader(__package__, "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )


def render(template: str, **context) -> str:
    return _environment().get_template(template).render(**context)


def html_response(status: int, body: str, headers: dict[str, str] | None = None) -> dict:
    """An HTTP API (payload 2.0) response for a page."""
    return {"statusCode": status, "headers": {**SECURITY_HEADERS, **(headers or {})}, "body": body}


def redirect_response(location: str) -> dict:
    return {
        "statusCode": 302,
        "headers": {
            "Location": location,
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
        },
        "body": "",
    }


def request_base_url(event: dict) -> str:
    """The API's base URL as this request reached it, from an HTTP API (payload 2.0) event.

    A function behind the HTTP API cannot be told the API's URL by the template (the API
    refers to the function: a circular dependency), so it reads it from the request: API
    Gateway sets `domainName` (the custom domain when there is one) and X-Forwarded-Proto.
    """
    headers = event.get("headers") or {}
    scheme = headers.get("x-forwarded-proto", "https")
    return f"{scheme}://{event['requestContext']['domainName']}"
