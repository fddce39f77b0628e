"""The importer and the DynamoDB catalogue on moto: rows in, postings and copies out."""

from __future__ import annotations

from pathlib import Path

import pytest

from library_service.catalogue.index import Field
from library_service.catalogue.libraries import default_libraries
from library_service.catalogue.search import CatalogueSearch
from library_service.storage.catalogue import (
    CatalogueItem,
    CopyItem,
    DynamoCatalogue,
    PostingItem,
    RecordItem,
    bind_catalogue,
)
from ops.catalogue.__main__ import AOZORA_LIST, main
from ops.catalogue.aozora import read_aozora
from ops.catalogue.generic import read_generic
from ops.catalogue.importer import import_rows
from ops.catalogue.rows import Parsed

HEADER = "record_id\ttitle\tsubtitle\tauthors\tpublisher\tyear\tisbn\tcopies\n"


@pytest.fixture
def catalogue(stack):
    bind_catalogue(stack.ref("CatalogueTable"), stack.ref("SearchIndexTable"), stack.region)
    return DynamoCatalogue()


def tsv(tmp_path: Path, *rows: str, name: str = "books.tsv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def load(path: Path, catalogue: DynamoCatalogue):
    return import_rows(read_generic(path, default_libraries()), catalogue)


def search(catalogue, field, text):
    return CatalogueSearch(catalogue, catalogue, default_libraries()).search(field, text)


def postings_of(record_id: str) -> set[tuple[str, str]]:
    return {(p.key, p.ref) for p in PostingItem.scan() if p.ref.split("#", 1)[1] == record_id}


GOOD = "b1\tこころ\t\t夏目 漱石:著\t岩波書店\t1927\t9784003101018\t001@central;002@yoyogi:on_loan"


def test_good_and_bad_rows_are_reported_and_the_good_ones_written(tmp_path, catalogue):
    path = tsv(
        tmp_path,
        GOOD,
        "\t題名のない行\t\t\t\t\t\t",  # no record_id
        "b2\t\t\t\t\t\t\t",  # no title
        "b3\t本\t\t\t\t19xx\t\t",
        "b4\t本\t\t\t\t\t9784003101019\t",  # wrong check digit
        "b5\t本\t\t\t\t\t\t009@nowhere",
        "b6\t本\t\t\t\t\t\t010@central:lost",
        "b1\t重複\t\t\t\t\t\t",
        "b7\t本\t\t\t\t\t\t001@central",  # barcode of b1
        "b8\t羅生門\t\t芥川 竜之介\t\t\t\t011@central",
    )
    summary = load(path, catalogue)
    assert summary.rows_read == 10 and summary.records_written == 2
    reasons = {r.line: r.reason for r in summary.rejected}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert reasons[3] == "record_id is empty"
    assert reasons[4] == "title is empty"
    assert "year" in reasons[5] and "ISBN" in reasons[6] and "nowhere" in reasons[7]
    assert "status must be one of" in reasons[8]
    assert reasons[9] == "record_id b1 is already on line 2"
    assert reasons[10] == "barcode 001 is already on line 2"
    hit = search(catalogue, Field.AUTHOR, "芥川竜之介").hits[0]
    assert hit.record.title == "羅生門"
    (kokoro,) = search(catalogue, Field.TITLE, "こころ").hits
    assert kokoro.record.isbn == "9784003101018" and kokoro.record.year == 1927
    assert kokoro.availability.copies == 2
    assert kokoro.availability.on_shelf_at == ("中央図書館",)


def test_reimport_replaces_and_removes_stale_postings_and_copies(tmp_path, catalogue):
    load(tsv(tmp_path, GOOD), catalogue)
    before = postings_of("b1")
    assert load(tsv(tmp_path, GOOD), catalogue).records_written == 1
    assert postings_of("b1") == before  # nothing duplicated
    assert RecordItem.count("b1") == 1 and CatalogueItem.count("b1") == 3

    changed = "b1\t坊っちゃん\t\t夏目 漱石:著\t新潮社\t1950\t\t001@central"
    load(tsv(tmp_path, changed), catalogue)
    assert search(catalogue, Field.TITLE, "こころ").total == 0
    assert search(catalogue, Field.TITLE, "坊っちゃん").hits[0].record.publisher == "新潮社"
    keys = {key for key, _ in postings_of("b1")}
    assert "t#こ" not in keys and "t#坊" in keys
    assert [c.barcode for c in CopyItem.query("b1")] == ["001"]  # copy 002 is gone


def test_reimport_keeps_the_circulation_status_of_existing_copies(tmp_path, catalogue):
    load(tsv(tmp_path, GOOD), catalogue)
    copy = CopyItem.get("b1", "copy#001")
    copy.update(actions=[CopyItem.status.set("on_loan")])
    load(tsv(tmp_path, GOOD), catalogue)
    assert CopyItem.get("b1", "copy#001").status == "on_loan"


def test_csv_with_a_bom_and_columns_in_another_order(tmp_path, catalogue):
    path = tmp_path / "books.csv"
    path.write_text('\ufefftitle,record_id,authors\n"吾輩は猫である",c1,"夏目 漱石"\n')
    summary = import_rows(read_generic(path, default_libraries()), catalogue)
    assert summary.records_written == 1 and not summary.rejected
    assert search(catalogue, Field.TITLE, "猫").hits[0].record.authors[0].role == "著"


def test_aozora_rows_merge_into_one_record_with_roles():
    parsed = [row for row in read_aozora(AOZORA_LIST) if isinstance(row, Parsed)]
    assert len(parsed) == 14283 and sum(row.rows for row in parsed) == 15226
    ekiba = next(
        row.entry.record for row in parsed if row.entry.record.record_id == "aozora-056078"
    )
    assert [(a.name, a.role) for a in ekiba.authors] == [
        ("アーヴィング ワシントン", "著"),
        ("高垣 松雄", "訳"),
    ]
    assert ekiba.year == 2010 and ekiba.publisher == "岩波文庫、岩波書店"


def test_the_command_imports_aozora_rows_with_a_summary(tmp_path, stack, capsys):
    lines = AOZORA_LIST.read_text(encoding="utf-8-sig").splitlines()
    sample = tmp_path / "aozora.csv"
    translated = {"056078", "056033", "046658"}  # each has a row for its translator too
    rows = [line for line in lines[1:] if line.split(",")[2] in translated] + lines[10:30]
    sample.write_text("\n".join([lines[0], *rows, '000001,"誰か",abc,"壊れた行"']) + "\n")
    status = main(
        [
            "import",
            str(sample),
            "--demo-copies",
            "--quiet",
            "--stage",
            "test",
            "--region",
            stack.region,
        ]
    )
    out = capsys.readouterr().out
    assert status == 1  # a row was rejected
    assert "rows read: 27" in out and "rows rejected: 1" in out
    assert "line 28: 作品ID 'abc' is not a number" in out
    assert "records written: 23" in out  # six rows of three translated works made three
    stored = [item for item in CatalogueItem.scan() if isinstance(item, RecordItem)]
    assert len(stored) == 23
    assert all(item.barcodes for item in stored)  # --demo-copies gave every work copies
