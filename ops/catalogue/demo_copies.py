"""Copies for a catalogue that has none (Aozora's list): the same on every run, spread over
the libraries that keep collections, some of them on loan — enough to demo availability."""

from __future__ import annotations

import hashlib

from library_service.catalogue.libraries import Libraries
from library_service.catalogue.records import Copy, CopyStatus

LOAN_SHARE = 0.3


def demo_copies(record_id: str, libraries: Libraries) -> tuple[Copy, ...]:
    branches = libraries.with_collections()
    seed = hashlib.sha256(record_id.encode()).digest()
    count = 1 + seed[0] % 3
    # Barcodes from the record's own digits (Aozora's 作品ID) stay unique across the catalogue.
    serial = "".join(char for char in record_id if char.isdigit()) or seed.hex()[:12]
    copies = []
    for number in range(count):
        library = branches[(seed[1] + number * (1 + seed[2] % (len(branches) - 1))) % len(branches)]
        on_loan = seed[3 + number] / 255 < LOAN_SHARE
        copies.append(
            Copy(
                record_id=record_id,
                barcode=f"{serial}{number:02d}",
                library_id=library.library_id,
                status=CopyStatus.ON_LOAN if on_loan else CopyStatus.ON_SHELF,
            )
        )
    return tuple(copies)
