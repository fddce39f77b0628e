"""Small URL helpers shared by both providers."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit


def is_http_url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.fragment


def with_query(url: str, params: dict) -> str:
    """`url` with `params` appended, keeping the query it already has."""
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))
