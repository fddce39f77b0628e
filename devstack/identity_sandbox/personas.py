"""The test personas a developer picks on both providers' pages, and who they are."""

from __future__ import annotations

from dataclasses import dataclass

# The one identity every approving persona proves. Never anything like a My Number: the product
# must not receive or store one, so the sandbox gives it nothing to mishandle.
VERIFIED_NAME = "渋谷 太郎"
VERIFIED_BIRTHDATE = "1990-04-01"
VERIFIED_ADDRESS = "東京都渋谷区宇田川町1-1"


@dataclass(frozen=True)
class Persona:
    id: str
    label: str
    # What the persona does on each provider, shown under its button.
    jpki_effect: str
    face_effect: str
    face_result: str


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "success",
        f"本人確認に成功する（{VERIFIED_NAME}）",
        "認可コードを返し、ID トークンを発行します",
        "result: approved",
        "approved",
    ),
    Persona(
        "rejected",
        "本人確認に失敗する",
        "電子証明書が失効：error=access_denied（rejected）を返します",
        "顔と書類が一致しない：result: rejected",
        "rejected",
    ),
    Persona(
        "cancelled",
        "本人確認をキャンセルする",
        "error=access_denied（cancelled）を返します",
        "result: cancelled",
        "cancelled",
    ),
    Persona(
        "expired",
        "時間切れ",
        "期限切れの認可コードを返します（トークン取得は invalid_grant）",
        "result: expired",
        "expired",
    ),
    Persona(
        "mismatched_nonce",
        "nonce が一致しない結果を返す",
        "ID トークンの nonce が要求と異なります",
        "result: approved（reference が別の値）",
        "approved",
    ),
)

_BY_ID = {persona.id: persona for persona in PERSONAS}


def persona(persona_id: str) -> Persona | None:
    return _BY_ID.get(persona_id)
