"""The character n-gram inverted index: which keys a record is filed under, which a query reads.

Every position of a normalised value files the record under (character, next character); the
last character is filed with no next character. Stored as partition = field and character,
sort key = next character + record ID, one query answers both kinds of lookup:

- a one-character query reads the character's whole partition;
- a longer query reads one of its bigrams (`begins_with` the next character), and every
  candidate is confirmed against the normalised value kept in the posting.

Either way a query reads only postings of its own n-grams, never anything proportional to the
catalogue's size.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from .normalise import normalise
from .records import Record

SEPARATOR = "#"  # never in a normalised value: punctuation is removed by `normalise`
MAX_QUERY_LENGTH = 50


class Field(StrEnum):
    TITLE = "title"
    AUTHOR = "author"

    @property
    def code(self) -> str:
        return self.value[0]


@dataclass(frozen=True)
class IndexKey:
    """One posting list: `follower` '' is the end of a value; None (queries only) is any."""

    field: Field
    lead: str
    follower: str | None

    @property
    def partition(self) -> str:
        return f"{self.field.code}{SEPARATOR}{self.lead}"

    def sort_key(self, record_id: str) -> str:
        return f"{self.follower or ''}{SEPARATOR}{record_id}"

    @property
    def sort_prefix(self) -> str | None:
        return None if self.follower is None else f"{self.follower}{SEPARATOR}"


def indexed_values(record: Record, field: Field) -> list[str]:
    """The normalised values of `record` that `field` searches, without repeats."""
    if field is Field.TITLE:
        raw = [record.title, record.subtitle, record.title_reading]
    else:
        raw = [author.name for author in record.authors]
    values = []
    for value in map(normalise, raw):
        if value and value not in values:
            values.append(value)
    return values


def keys_for_values(field: Field, values: list[str]) -> set[IndexKey]:
    keys = set()
    for value in values:
        for position, lead in enumerate(value):
            follower = value[position + 1] if position + 1 < len(value) else ""
            keys.add(IndexKey(field, lead, follower))
    return keys


def order_key(record: Record) -> str:
    """Ties in ranking are broken by title reading when known, else by the title itself."""
    return normalise(record.title_reading) or normalise(record.title)


def normalised_query(text: str) -> str:
    return normalise(text)[:MAX_QUERY_LENGTH]


def _rarity(char: str) -> int:
    """How selective a character usually is in Japanese titles and names: kanji most, kana least."""
    name = unicodedata.name(char, "")
    if name.startswith("CJK"):
        return 3
    if name.startswith("HIRAGANA"):
        return 1
    return 2


def query_key(field: Field, query: str) -> IndexKey:
    """The one posting list a (normalised, non-empty) query reads.

    Any bigram's postings hold every record that contains the whole query, so reading one is
    enough; which one only changes the cost. Kanji pairs are the most selective; among equals
    the one nearest the middle wins, because bigrams that join two words (「目漱」 in
    夏目漱石, 「河鉄」 in 銀河鉄道) are rarer than those inside a common word or family name.
    """
    if len(query) == 1:
        return IndexKey(field, query, None)
    bigrams = [(query[i], query[i + 1]) for i in range(len(query) - 1)]
    scores = [_rarity(lead) + _rarity(follower) for lead, follower in bigrams]
    best = max(scores)
    candidates = [i for i, score in enumerate(scores) if score == best]
    middle = (candidates[0] + candidates[-1]) / 2
    lead, follower = bigrams[min(candidates, key=lambda i: (abs(i - middle), i))]
    return IndexKey(field, lead, follower)
