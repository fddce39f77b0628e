"""Identity checks for patron registration: JPKI through OpenID Connect, or face eKYC.

Pure adapters: no AWS, no storage, no Lambda event shapes. Secrets are callables (the caller
reads them from SSM); HTTP goes through `HttpClient`, which tests replace.

The package exports what every caller needs; the adapters are imported from their modules
(`identity.oidc`, `identity.face`) by the few functions that use them, because they bring in
joserfc and cryptography, which the conversation function should not load at start.
"""

from .http import HttpClient, HttpResponse, TransportError, Urllib3Http
from .model import (
    Document,
    IdentityProvider,
    Method,
    Outcome,
    ProviderError,
    ProviderUnavailable,
    Redirect,
    VerificationFailed,
    VerificationRequest,
    VerifiedIdentity,
)

__all__ = [
    "Document",
    "HttpClient",
    "HttpResponse",
    "IdentityProvider",
    "Method",
    "Outcome",
    "ProviderError",
    "ProviderUnavailable",
    "Redirect",
    "TransportError",
    "Urllib3Http",
    "VerificationFailed",
    "VerificationRequest",
    "VerifiedIdentity",
]
