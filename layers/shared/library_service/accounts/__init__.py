"""Accounts on My Page: sessions, logging in with 利用者コード and password, the lockout,
the audit trail, and the nonces of the Messaging API's account link.

Pure domain: no AWS here. `storage.web_sessions` (DynamoWebSessions, DynamoThrottle,
DynamoLinkNonces) and `storage.audit` (DynamoAudit) are the DynamoDB side.
"""

from .audit import ACTIONS, KEEP, AuditEntry, AuditLog
from .link_nonces import NONCE_LIFETIME, LinkNonces
from .login import (
    LoginRefused,
    LoginRules,
    LoginThrottle,
    PatronLogin,
    normalised_code,
    throttle_key,
)
from .sessions import (
    ConcurrentSessionUpdate,
    SessionRules,
    SessionStore,
    WebSession,
)

__all__ = [
    "ACTIONS",
    "KEEP",
    "NONCE_LIFETIME",
    "AuditEntry",
    "AuditLog",
    "ConcurrentSessionUpdate",
    "LinkNonces",
    "LoginRefused",
    "LoginRules",
    "LoginThrottle",
    "PatronLogin",
    "SessionRules",
    "SessionStore",
    "WebSession",
    "normalised_code",
    "throttle_key",
]
