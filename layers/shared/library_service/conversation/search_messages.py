"""The search results as LINE messages: a carousel of books and a bubble to go on or stop."""

from __future__ import annotations

from ..catalogue.search import Hit, SearchPage
from ..line import messages, postback
from ..line.limits import truncate
from . import texts

# Display lengths: long Aozora titles and author lists are cut for the bubble, never the data.
TITLE_CHARS = 80
AUTHORS_CHARS = 60
PUBLISHED_CHARS = 40

RESERVE = "reserve"
MORE = "search-more"
END = "search-end"


def _book_bubble(hit: Hit) -> dict:
    record, availability = hit.record, hit.availability
    if availability.on_shelf_at:
        status, color = texts.on_shelf_at(list(availability.on_shelf_at)), "#1E7B34"
    elif availability.copies:
        status, color = texts.SEARCH_ALL_OUT, "#B00020"
    else:
        status, color = texts.SEARCH_NO_COPIES, "#666666"
    body = [messages.text_block(truncate(record.title, TITLE_CHARS), weight="bold", size="md")]
    if record.subtitle:
        body.append(messages.text_block(truncate(record.subtitle, TITLE_CHARS), size="sm"))
    if record.authors:
        body.append(messages.text_block(truncate(record.author_line(), AUTHORS_CHARS), size="sm"))
    published = texts.published(record.publisher, record.year)
    if published:
        body.append(
            messages.text_block(truncate(published, PUBLISHED_CHARS), size="xs", color="#666666")
        )
    body.append(messages.text_block(status, size="sm", color=color, margin="md"))
    if availability.copies:
        body.append(
            messages.text_block(texts.copies_count(availability.copies), size="xs", color="#666666")
        )
    reserve = messages.postback_action(
        texts.SEARCH_RESERVE,
        postback.encode(RESERVE, r=record.record_id),
        display_text=texts.SEARCH_RESERVE,
    )
    return {
        "type": "bubble",
        "size": "kilo",
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
        "footer": {
            "type": "box",
            "layout": "vertical",
            "contents": [messages.button(reserve, style="primary")],
        },
    }


def results(page: SearchPage, mode_label: str, keyword: str) -> list[dict]:
    """The carousel of this page's books, then where the patron is and what comes next."""
    first, last = page.offset + 1, page.offset + len(page.hits)
    carousel = {"type": "carousel", "contents": [_book_bubble(hit) for hit in page.hits]}
    summary = texts.search_summary(mode_label, truncate(keyword, 30), page.total, first, last)
    buttons = []
    if page.next_cursor:
        more = postback.encode(MORE, c=page.next_cursor)
        buttons.append(
            messages.button(
                messages.postback_action(texts.SEARCH_MORE, more, display_text=texts.SEARCH_MORE),
                style="primary",
            )
        )
    end = messages.postback_action(
        texts.SEARCH_END, postback.encode(END), display_text=texts.SEARCH_END
    )
    buttons.append(messages.button(end))
    navigation = {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": [
                messages.text_block(summary, size="sm", weight="bold"),
                messages.text_block(texts.SEARCH_NEXT_STEP, size="xs", color="#666666"),
            ],
        },
        "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": buttons},
    }
    alt = f"{texts.SEARCH_ALT_TEXT}：" + "／".join(truncate(h.record.title, 30) for h in page.hits)
    return [
        messages.flex(truncate(alt, 400), carousel),
        messages.flex(summary, navigation),
    ]
