"""The reserve flow's and the hold list's bubbles."""

from __future__ import annotations

from ..holds.model import HoldStatus, QueuedHold
from ..line import messages, postback
from ..line.limits import truncate
from . import texts

TITLE_CHARS = 80


def _bubble(header: str, lines: list[str], buttons: list[dict]) -> dict:
    body = [messages.text_block(header, weight="bold", size="sm", color="#1E7B34")]
    body += [
        messages.text_block(line, size="md" if i == 0 else "sm") for i, line in enumerate(lines)
    ]
    return {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
        "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": buttons},
    }


def action_button(label: str, action: str, style: str = "secondary", **params: str) -> dict:
    return messages.button(
        messages.postback_action(label, postback.encode(action, **params), display_text=label),
        style=style,
    )


def card(alt_text: str, header: str, lines: list[str], buttons: list[dict]) -> dict:
    return messages.flex(truncate(alt_text, 400), _bubble(header, lines, buttons))


def title_line(title: str) -> str:
    return truncate(title, TITLE_CHARS)


def deadline_text(hold) -> str | None:
    deadline = hold.pickup_deadline
    return f"{deadline.month}月{deadline.day}日" if deadline else None


def hold_list(queued: list[QueuedHold], library_name, cancel_action: str) -> dict:
    bubbles = []
    for item in queued[:12]:
        hold = item.hold
        status = texts.hold_status_line(hold.status.value, item.position, deadline_text(hold))
        buttons = []
        if hold.status is HoldStatus.PLACED:
            buttons.append(
                action_button(texts.HOLD_CANCEL, cancel_action, r=hold.record_id, h=hold.hold_id)
            )
        bubble = _bubble(
            texts.HOLDS_STATUS,
            [
                title_line(hold.title),
                status,
                texts.pickup_label(library_name(hold.pickup_library_id)),
            ],
            buttons,
        )
        if not buttons:
            del bubble["footer"]
        bubbles.append(bubble)
    alt = texts.HOLDS_ALT_TEXT + "：" + "／".join(truncate(q.hold.title, 30) for q in queued)
    return messages.flex(truncate(alt, 400), {"type": "carousel", "contents": bubbles})
