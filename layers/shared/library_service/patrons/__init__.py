"""Patrons: who may borrow and reserve, their card number, password and LINE link.

Pure domain: no AWS here. `storage.patrons.DynamoPatrons` is the DynamoDB directory.
"""

from .directory import (
    AlreadyLinked,
    LineUserAlreadyLinked,
    PatronAlreadyLinked,
    PatronDirectory,
    UnknownPatron,
)
from .ids import is_valid_patron_id, new_patron_id
from .model import IdentityEvidence, Patron, PatronStatus, RegisteredVia
from .passwords import (
    PasswordRejected,
    check_new_password,
    hash_password,
    initial_password,
    verify_password,
)
from .registration import InvalidPatronDetails, new_patron

__all__ = [
    "AlreadyLinked",
    "IdentityEvidence",
    "InvalidPatronDetails",
    "LineUserAlreadyLinked",
    "PasswordRejected",
    "Patron",
    "PatronAlreadyLinked",
    "PatronDirectory",
    "PatronStatus",
    "RegisteredVia",
    "UnknownPatron",
    "check_new_password",
    "hash_password",
    "initial_password",
    "is_valid_patron_id",
    "new_patron",
    "new_patron_id",
    "verify_password",
]
