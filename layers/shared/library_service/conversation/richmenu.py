"""The rich menu: a city home tab and the 図書館 tab with the seed's four entries.

Pure data, shared by the operator's provisioning command and the dialogue, so a tap on the
menu and the bot's handling of it can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..line import postback
from . import texts
from .menus import MENU_ACTIONS

WIDTH, HEIGHT = 2500, 1686
TAB_HEIGHT = 250
TAB_SWITCH = "tab"  # postback action of a tab tap; the menu itself changes, nothing is said
HOME_ALIAS = "city-home"
LIBRARY_ALIAS = "library"
CHAT_BAR_TEXT = "メニュー"


@dataclass(frozen=True)
class Area:
    label: str
    x: int
    y: int
    width: int
    height: int
    action: dict


@dataclass(frozen=True)
class RichMenuPanel:
    alias: str
    title: str
    areas: tuple[Area, ...]
    selected_tab: int

    def to_line(self, name: str) -> dict:
        """The rich menu object of the Messaging API."""
        return {
            "size": {"width": WIDTH, "height": HEIGHT},
            "selected": False,
            "name": name,
            "chatBarText": CHAT_BAR_TEXT,
            "areas": [
                {
                    "bounds": {"x": a.x, "y": a.y, "width": a.width, "height": a.height},
                    "action": a.action,
                }
                for a in self.areas
            ],
        }


def _tab(label: str, index: int, alias: str) -> Area:
    half = WIDTH // 2
    return Area(
        label,
        index * half,
        0,
        half,
        TAB_HEIGHT,
        {
            "type": "richmenuswitch",
            "label": label,
            "richMenuAliasId": alias,
            "data": postback.encode(TAB_SWITCH, name=alias),
        },
    )


TABS = (_tab("ホーム", 0, HOME_ALIAS), _tab(texts.LIBRARY_TAB, 1, LIBRARY_ALIAS))


def _library_entries() -> tuple[Area, ...]:
    body = HEIGHT - TAB_HEIGHT
    cell_w, cell_h = WIDTH // 2, body // 2
    areas = []
    for index, (label, action) in enumerate(MENU_ACTIONS.items()):
        row, col = divmod(index, 2)
        areas.append(
            Area(
                label,
                col * cell_w,
                TAB_HEIGHT + row * cell_h,
                cell_w,
                cell_h,
                {
                    "type": "postback",
                    "label": label,
                    "data": postback.encode(action),
                    "displayText": label,
                },
            )
        )
    return tuple(areas)


HOME = RichMenuPanel(
    alias=HOME_ALIAS,
    title="「図書館」タブから図書館のサービスをご利用いただけます",
    areas=TABS
    + (
        Area(
            "図書館のメニューを開く",
            0,
            TAB_HEIGHT,
            WIDTH,
            HEIGHT - TAB_HEIGHT,
            {
                "type": "richmenuswitch",
                "label": "図書館のメニューを開く",
                "richMenuAliasId": LIBRARY_ALIAS,
                "data": postback.encode(TAB_SWITCH, name=LIBRARY_ALIAS),
            },
        ),
    ),
    selected_tab=0,
)
LIBRARY = RichMenuPanel(
    alias=LIBRARY_ALIAS, title=texts.MENU_TITLE, areas=TABS + _library_entries(), selected_tab=1
)
PANELS = (HOME, LIBRARY)
DEFAULT_PANEL = HOME
