"""Masking of personal data before it reaches a log line."""

from __future__ import annotations


def mask_id(identifier: str | None, keep: int = 5) -> str:
    """Keep a short prefix so log lines of one user can still be told apart in an incident."""
    if not identifier:
        return "-"
    return identifier[:keep] + "…" if len(identifier) > keep else "…"
