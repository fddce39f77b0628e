"""Search quality on the real Aozora list (in memory), ranking, paging and the cursor."""

from __future__ import annotations

import pytest

from library_service.catalogue.index import Field, query_key
from library_service.catalogue.libraries import default_libraries
from library_service.catalogue.records import Author, CatalogueEntry, Copy, CopyStatus, Record
from library_service.catalogue.search import CatalogueSearch, InvalidCursor
from ops.catalogue.__main__ import AOZORA_LIST
from ops.catalogue.aozora import read_aozora
from ops.catalogue.rows import Parsed
from tests.support.memory_catalogue import MemoryCatalogue


@pytest.fixture(scope="module")
def aozora():
    catalogue = MemoryCatalogue(
        row.entry for row in read_aozora(AOZORA_LIST) if isinstance(row, Parsed)
    )
    return CatalogueSearch(catalogue, catalogue, default_libraries()), catalogue


def titles(page):
    return [hit.record.title for hit in page.hits]


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        (Field.TITLE, "こころ", "こころ"),
        (Field.TITLE, "ｺｺﾛ", "こころ"),
        (Field.TITLE, "羅生門", "羅生門"),
        (Field.TITLE, "銀河鉄道の夜", "銀河鉄道の夜"),
        (Field.TITLE, "銀河 鉄道", "銀河鉄道の夜"),
        (Field.TITLE, "ＬＯＳ　ＣＡＰＲＩＣＨＯＳ", "LOS CAPRICHOS"),
        (Field.TITLE, "o君の新秋", "Ｏ君の新秋"),
        (
            Field.TITLE,
            "スリーピーホロー",
            "スリーピー・ホローの伝説 故ディードリッヒ・ニッカボッカーの遺稿より",
        ),
        (Field.TITLE, "走れメロス", "走れメロス"),
        (Field.TITLE, "メロス", "走れメロス"),
    ],
)
def test_titles_are_found_in_the_first_ten(aozora, field, typed, expected):
    search, _ = aozora
    assert expected in titles(search.search(field, typed))


@pytest.mark.parametrize("typed", ["夏目漱石", "夏目 漱石", "夏目　漱石", "夏目・漱石"])
def test_author_variants_find_the_same_works(aozora, typed):
    search, _ = aozora
    page = search.search(Field.AUTHOR, typed)
    assert page.total >= 100  # Aozora has 104 works of 夏目 漱石
    assert all(any(a.name == "夏目 漱石" for a in h.record.authors) for h in page.hits)


def test_translator_is_found_by_author_search(aozora):
    search, _ = aozora
    page = search.search(Field.AUTHOR, "高垣松雄")
    hit = next(h for h in page.hits if h.record.title == "駅伝馬車")
    assert ("高垣 松雄", "訳") in [(a.name, a.role) for a in hit.record.authors]


def test_exact_then_prefix_then_substring(aozora):
    search, _ = aozora
    found = titles(search.search(Field.TITLE, "こころ"))
    assert found[0] == "こころ"
    first_non_prefix = next(i for i, t in enumerate(found) if not t.startswith("こころ"))
    assert all(not t.startswith("こころ") for t in found[first_non_prefix:])


def test_one_character_queries_work(aozora):
    search, catalogue = aozora
    page = search.search(Field.TITLE, "猫")
    assert catalogue.reads[-1].follower is None  # the character's whole partition
    assert page.total > 10 and all("猫" in t for t in titles(page))
    assert page.hits[0].record.title == "猫"  # the exact match first


def test_paging_walks_every_hit_once(aozora):
    search, _ = aozora
    page = search.search(Field.AUTHOR, "夏目漱石")
    seen = []
    while True:
        seen += [hit.record.record_id for hit in page.hits]
        assert len(page.hits) <= 10
        if page.next_cursor is None:
            break
        page = search.next_page(page.next_cursor)
    assert len(seen) == len(set(seen)) == page.total


def test_a_query_reads_one_posting_list(aozora):
    search, catalogue = aozora
    before = len(catalogue.reads)
    search.search(Field.TITLE, "銀河鉄道の夜")
    assert len(catalogue.reads) == before + 1
    key = catalogue.reads[-1]
    assert key.lead + key.follower in "銀河鉄道の夜" and key.follower  # a kanji bigram
    assert query_key(Field.TITLE, "ぎんがてつどう").follower is not None


@pytest.mark.parametrize(
    "cursor", ["", "garbage!", "eyJmIjoieCJ9", "eyJmIjoidGl0bGUiLCJxIjoiIiwibyI6MH0"]
)
def test_a_cursor_we_did_not_make_is_refused(aozora, cursor):
    search, _ = aozora
    with pytest.raises(InvalidCursor):
        search.next_page(cursor)


def test_nothing_typed_finds_nothing(aozora):
    search, _ = aozora
    page = search.search(Field.TITLE, "・ ―")
    assert page.total == 0 and page.hits == [] and page.next_cursor is None


def test_availability_names_libraries_with_a_copy_on_the_shelf():
    record = Record("r1", "試験の本", (Author("試験 太郎"),))
    copies = (
        Copy("r1", "1", "yoyogi", CopyStatus.ON_SHELF),
        Copy("r1", "2", "central", CopyStatus.ON_SHELF),
        Copy("r1", "3", "nishihara", CopyStatus.ON_LOAN),
    )
    out = Record("r2", "試験の本 二", ())
    catalogue = MemoryCatalogue(
        [
            CatalogueEntry(record, copies),
            CatalogueEntry(out, (Copy("r2", "4", "central", CopyStatus.ON_LOAN),)),
        ]
    )
    search = CatalogueSearch(catalogue, catalogue, default_libraries())
    first, second = search.search(Field.TITLE, "試験の本").hits
    assert first.availability.on_shelf_at == ("中央図書館", "代々木図書館")  # libraries.toml order
    assert first.availability.copies == 3 and not first.availability.all_out
    assert second.availability.all_out
