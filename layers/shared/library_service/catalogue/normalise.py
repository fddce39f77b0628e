"""One normal form for indexed text and for what patrons type, so that spelling variants meet.

Patrons type on phones: full- or half-width letters, katakana or hiragana, a dash for the
prolonged sound mark, spaces between family and given names or not. Both sides of every
comparison go through `normalise`, so the index never has to know how a query was typed.
"""

from __future__ import annotations

import unicodedata

# Katakana ァ (U+30A1) … ヶ (U+30F6) sit 0x60 above their hiragana ぁ … ゖ.
_KATAKANA_FIRST, _KATAKANA_LAST, _KANA_OFFSET = 0x30A1, 0x30F6, 0x60

# Marks that patrons type in many ways or leave out: the prolonged sound mark and the dashes
# it is mistyped as, the middle dot between foreign names, iteration-free wave dashes.
# Dropping them (rather than unifying them) also lets 「コンピューター」 meet 「コンピュータ」.
_DROPPED = set("ーｰ－-‐‑‒–—―−─━〜～")


def _kept(char: str) -> bool:
    if char in _DROPPED:
        return False
    # Punctuation (P*), separators such as every kind of space (Z*), and control or format
    # characters (C*) carry no meaning in a title or a name search.
    return unicodedata.category(char)[0] not in "PZC"


def _hiragana(char: str) -> str:
    code = ord(char)
    return chr(code - _KANA_OFFSET) if _KATAKANA_FIRST <= code <= _KATAKANA_LAST else char


def normalise(text: str) -> str:
    """NFKC, case-folded, katakana as hiragana, without spaces, punctuation or dashes."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(_hiragana(char) for char in folded if _kept(char))
