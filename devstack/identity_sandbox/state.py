"""All mutable sandbox state, built once per instance so two sandboxes never share anything."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from .face_store import FaceStore
from .jpki_store import JpkiStore
from .keys import SigningKey
from .personas import PERSONAS
from .settings import SandboxSettings


def _subjects() -> dict[str, str]:
    # Pairwise subjects: stable for a persona within one run, unrelated across runs.
    return {persona.id: secrets.token_hex(16) for persona in PERSONAS}


@dataclass
class SandboxState:
    settings: SandboxSettings
    signing_key: SigningKey = field(default_factory=SigningKey)
    jpki: JpkiStore = field(default_factory=JpkiStore)
    face: FaceStore = field(default_factory=FaceStore)
    subjects: dict[str, str] = field(default_factory=_subjects)
    # Set by the server once the port is known; the issuer and session URLs are built from it.
    base_url: str = ""

    @property
    def jpki_issuer(self) -> str:
        return self.base_url + "/jpki"
