"""The little HTTP the providers need, behind an interface tests can replace.

urllib3 comes with botocore (and the Lambda runtime); every call has explicit timeouts,
follows no redirects, retries nothing (a token request spends a single-use code) and reads at
most `max_body_bytes`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import urllib3

REQUEST_TIMEOUT = urllib3.Timeout(connect=3.05, read=10)
MAX_BODY_BYTES = 1_000_000


class TransportError(Exception):
    """No answer: a timeout, a refused or broken connection, an oversized body."""


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes = b""

    def json(self) -> Any:
        """The body as JSON; raises ValueError when it is not."""
        return json.loads(self.body)


class HttpClient(Protocol):
    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
    ) -> HttpResponse:
        """Answer any HTTP status as a response; raise TransportError when there is none."""
        ...


class Urllib3Http:
    def __init__(
        self,
        pool: urllib3.PoolManager | None = None,
        timeout: urllib3.Timeout = REQUEST_TIMEOUT,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self._pool = pool or urllib3.PoolManager()
        self._timeout = timeout
        self._max_body_bytes = max_body_bytes

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
    ) -> HttpResponse:
        try:
            response = self._pool.request(
                method,
                url,
                headers=dict(headers or {}),
                body=body,
                timeout=self._timeout,
                retries=False,
                redirect=False,
                preload_content=False,
            )
            data = response.read(self._max_body_bytes + 1)
            if len(data) > self._max_body_bytes:
                response.close()  # drop the connection rather than read the rest
                raise TransportError(f"{method} {url}: more than {self._max_body_bytes} bytes")
            response.release_conn()
        except (urllib3.exceptions.HTTPError, OSError) as error:
            raise TransportError(f"{method} {url}: {type(error).__name__}") from error
        return HttpResponse(response.status, data)
