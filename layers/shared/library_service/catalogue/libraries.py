"""The library's branches and service points, read from `libraries.toml` beside this file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LIBRARIES_FILE = Path(__file__).with_name("libraries.toml")


@dataclass(frozen=True)
class Library:
    library_id: str
    name: str
    pickup: bool
    collection: bool


class Libraries:
    def __init__(self, libraries: list[Library]) -> None:
        self._by_id = {library.library_id: library for library in libraries}
        if len(self._by_id) != len(libraries):
            raise ValueError("two libraries share an id")

    @classmethod
    def from_file(cls, path: Path = LIBRARIES_FILE) -> Libraries:
        with path.open("rb") as file:
            entries = tomllib.load(file)["library"]
        return cls(
            [
                Library(
                    library_id=entry["id"],
                    name=entry["name"],
                    pickup=bool(entry.get("pickup", True)),
                    collection=bool(entry.get("collection", True)),
                )
                for entry in entries
            ]
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

    def with_collections(self) -> list[Library]:
        return [library for library in self if library.collection]


@cache
def default_libraries() -> Libraries:
    return Libraries.from_file()
