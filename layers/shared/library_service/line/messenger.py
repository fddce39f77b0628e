"""Sending messages through the LINE Messaging API (line-bot-sdk v3).

The base URL is a setting, so the devstack's LINE emulator can stand in for api.line.me.
"""

from __future__ import annotations

import time
import uuid
from urllib.parse import quote, urlencode

import urllib3
from aws_lambda_powertools import Logger
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    PushMessageRequest,
    ReplyMessageRequest,
)

from ..privacy import mask_id
from .ids import is_line_user_id
from .limits import check_messages

logger = Logger(child=True)

# LINE asks callers to retry only server errors, timeouts and rate limits, with the same key.
RETRYABLE_STATUSES = {429, 500, 502, 503, 504}
REQUEST_TIMEOUT = (3.05, 10)


class LineApiError(Exception):
    def __init__(self, status: int | None, body: str | None) -> None:
        super().__init__(f"LINE API answered {status}: {body}")
        self.status = status
        self.body = body


class ReplyTokenRejected(LineApiError):
    """The reply token was used, expired or unknown: a push is the only way left."""


def retry_key_for(*parts: str) -> str:
    """A stable X-Line-Retry-Key: the same notice always carries the same key."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "line-retry:" + ":".join(parts)))


def account_link_url(access_base_url: str, link_token: str, nonce: str) -> str:
    """LINE's account-link dialog for a link token and our nonce (make it >= 128 random bits).

    LINE then sends the bot an accountLink event carrying `result` and this `nonce`.
    """
    query = urlencode({"linkToken": link_token, "nonce": nonce}, quote_via=quote)
    return f"{access_base_url.rstrip('/')}/dialog/bot/accountLink?{query}"


LINE_FAILURE_LOG = "LINE API call failed"


class LineMessenger:
    def __init__(
        self,
        base_url: str,
        access_token: str,
        max_attempts: int = 4,
        backoff_seconds: float = 0.5,
    ) -> None:
        configuration = Configuration(host=base_url, access_token=access_token)
        self._api = MessagingApi(ApiClient(configuration))
        self._max_attempts = max_attempts
        self._backoff_seconds = backoff_seconds

    def reply(self, reply_token: str, messages: list[dict]) -> None:
        """Reply once; a reply is never retried because its token is single use."""
        check_messages(messages)
        request = ReplyMessageRequest.from_dict({"replyToken": reply_token, "messages": messages})
        try:
            self._api.reply_message(request, _request_timeout=REQUEST_TIMEOUT)
        except ApiException as error:
            if error.status == 400 and "reply token" in (error.body or "").lower():
                raise ReplyTokenRejected(error.status, error.body) from error
            raise _failure("reply", error.status, error.body) from error

    def push(self, to: str, messages: list[dict], retry_key: str) -> None:
        """Push with one retry key across attempts; 409 means LINE already accepted it."""
        check_messages(messages)
        request = PushMessageRequest.from_dict({"to": to, "messages": messages})
        for attempt in range(1, self._max_attempts + 1):
            try:
                self._api.push_message(
                    request, x_line_retry_key=retry_key, _request_timeout=REQUEST_TIMEOUT
                )
                return
            except ApiException as error:
                if error.status == 409:
                    logger.info("push already accepted", extra={"to": mask_id(to)})
                    return
                if error.status not in RETRYABLE_STATUSES or attempt == self._max_attempts:
                    raise _failure("push", error.status, error.body) from error
            except (urllib3.exceptions.HTTPError, OSError) as error:  # timeouts, refusals
                if attempt == self._max_attempts:
                    raise _failure("push", None, str(error)) from error
            time.sleep(self._backoff_seconds * 2 ** (attempt - 1))

    def issue_link_token(self, user_id: str) -> str:
        """A link token for the user (single use, valid 10 minutes); not retried.

        Raises ValueError for something that is not a LINE user ID, LineApiError when LINE
        refuses (400: the user is not a friend of the bot) or cannot be reached.
        """
        if not is_line_user_id(user_id):
            raise ValueError("not a LINE user ID")
        try:
            answer = self._api.issue_link_token(user_id, _request_timeout=REQUEST_TIMEOUT)
        except ApiException as error:
            raise _failure("link-token", error.status, error.body) from error
        except (urllib3.exceptions.HTTPError, OSError) as error:  # timeouts, refusals
            raise _failure("link-token", None, str(error)) from error
        return answer.link_token


def _failure(call: str, status: int | None, detail: str | None) -> LineApiError:
    """The error to raise, logged under one message that the LineApiFailures metric counts
    (template.yaml's metric filter); LINE's answer body stays out of the log line."""
    logger.warning(LINE_FAILURE_LOG, extra={"call": call, "status": status})
    return LineApiError(status, detail)
