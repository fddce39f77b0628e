"""The library's branches and service points, read from `libraries.toml` beside this file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

LIBRARIES_FILE = Path(__file__).with_name("libraries.toml")


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Library:
    library_id: str
    name: str
    pickup: bool
    collection: bool
    closed_weekdays: frozenset[int] = frozenset()  # date.weekday() numbers: 0 is Monday


class Libraries:
    def __init__(self, libraries: list[Library], closed_dates: frozenset[date] = frozenset()):
        self._by_id = {library.library_id: library for library in libraries}
        if len(self._by_id) != len(libraries):
            raise ValueError("two libraries share an id")
        self.closed_dates = closed_dates  # closed everywhere: holidays, stock-taking days

    @classmethod
    def from_file(cls, path: Path = LIBRARIES_FILE) -> Libraries:
        with path.open("rb") as file:
            data = tomllib.load(file)
        entries = data["library"]
        closed = frozenset(date.fromisoformat(str(d)) for d in data.get("closed_dates", []))
        return cls(
            [
                Library(
                    library_id=entry["id"],
                    name=entry["name"],
                    pickup=bool(entry.get("pickup", True)),
                    collection=bool(entry.get("collection", True)),
                    closed_weekdays=frozenset(
                        WEEKDAYS.index(day) for day in entry.get("closed_weekdays", [])
                    ),
                )
                for entry in entries
            ],
            closed,
        )

    def __iter__(self):
        return iter(self._by_id.values())

    def __contains__(self, library_id: str) -> bool:
        return library_id in self._by_id

    def get(self, library_id: str) -> Library | None:
        return self._by_id.get(library_id)

    def name(self, library_id: str) -> str:
        library = self._by_id.get(library_id)
        return library.name if library else library_id

    def pickup_points(self) -> list[Library]:
        return [library for library in self if library.pickup]

    def is_open(self, library_id: str, day: date) -> bool:
        library = self._by_id[library_id]
        return day.weekday() not in library.closed_weekdays and day not in self.closed_dates

    def with_collections(self) -> list[Library]:
        return [library for library in self if library.collection]


@cache
def default_libraries() -> Libraries:
    return Libraries.from_file()
