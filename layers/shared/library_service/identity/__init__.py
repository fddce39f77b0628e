"""Identity checks for patron registration: JPKI through OpenID Connect, or face eKYC.

Pure adapters: no AWS, no storage, no Lambda event shapes. Secrets are callables (the caller
reads them from SSM); HTTP goes through `HttpClient`, which tests replace.
"""

from .face import SIGNATURE_HEADER, FaceKycProvider, FaceResult, webhook_signature
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
from .oidc import OidcIdentityProvider, pkce_s256

__all__ = [
    "SIGNATURE_HEADER",
    "Document",
    "FaceKycProvider",
    "FaceResult",
    "HttpClient",
    "HttpResponse",
    "IdentityProvider",
    "Method",
    "OidcIdentityProvider",
    "Outcome",
    "ProviderError",
    "ProviderUnavailable",
    "Redirect",
    "TransportError",
    "Urllib3Http",
    "VerificationFailed",
    "VerificationRequest",
    "VerifiedIdentity",
    "pkce_s256",
    "webhook_signature",
]
