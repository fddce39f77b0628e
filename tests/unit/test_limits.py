import pytest

from library_service.line import messages
from library_service.line.limits import MessageLimitError, check_messages, truncate


def bubble_with(*contents) -> dict:
    return {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": contents}}


def test_accepts_a_valid_set():
    check_messages(
        [
            messages.text("こんにちは", [messages.message_action("図書館")]),
            messages.flex(
                "メニュー", bubble_with(messages.button(messages.uri_action("a", "https://x")))
            ),
        ]
    )


@pytest.mark.parametrize(
    "batch, prop",
    [
        ([], "messages"),
        ([messages.text("a")] * 6, "messages"),
        ([{"type": "text", "text": ""}], "messages[0].text"),
        ([{"type": "text", "text": "あ" * 5001}], "messages[0].text"),
        ([messages.flex("", bubble_with())], "messages[0].altText"),
        ([messages.flex("a" * 1501, bubble_with())], "messages[0].altText"),
        (
            [messages.flex("a", {"type": "carousel", "contents": [bubble_with()] * 13})],
            "messages[0].contents.contents",
        ),
        (
            [messages.flex("a", bubble_with(messages.text_block("x" * 31_000)))],
            "messages[0].contents",
        ),
        (
            [
                messages.flex(
                    "a",
                    bubble_with(messages.button(messages.postback_action("a" * 41, "action=x"))),
                )
            ],
            "messages[0].contents.body.contents[0].action.label",
        ),
        (
            [
                messages.flex(
                    "a", bubble_with(messages.button(messages.postback_action("a", "d" * 301)))
                )
            ],
            "messages[0].contents.body.contents[0].action.data",
        ),
        (
            [
                {
                    "type": "text",
                    "text": "a",
                    "quickReply": {
                        "items": [{"type": "action", "action": messages.message_action("x")}] * 14
                    },
                }
            ],
            "messages[0].quickReply.items",
        ),
        (
            [
                {
                    "type": "text",
                    "text": "a",
                    "quickReply": {
                        "items": [
                            {
                                "type": "action",
                                "action": {"type": "message", "label": "x" * 21, "text": "x"},
                            }
                        ]
                    },
                }
            ],
            "messages[0].quickReply.items[0].action.label",
        ),
    ],
)
def test_refuses_what_line_refuses(batch, prop):
    with pytest.raises(MessageLimitError) as raised:
        check_messages(batch)
    assert raised.value.property == prop


def test_quick_reply_builder_truncates_long_labels_to_fit():
    message = messages.text(
        "a", [messages.message_action("とても長いラベルのクイックリプライボタンです")]
    )
    label = message["quickReply"]["items"][0]["action"]["label"]
    assert len(label) == 20 and label.endswith("…")
    check_messages([message])


def test_truncate():
    assert truncate("abc", 3) == "abc"
    assert truncate("abcdef", 4) == "abc…"
