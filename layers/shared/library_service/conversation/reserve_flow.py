"""予約する → 選択 → the pickup libraries → 確定 → 予約 / 中止 / 修正, and 予約状況.

Every button carries the title and the chosen library, so the flow keeps no state of its own:
a button tapped later from an older message still does what it says, and 予約 tapped twice
reserves once (the second tap is told the book is already reserved).
"""

from __future__ import annotations

from ..catalogue.libraries import Libraries
from ..catalogue.search import RecordSource
from ..holds.model import (
    AlreadyHeld,
    HoldLimitReached,
    HoldNotCancellable,
    NotAllowedToReserve,
    NotAPickupPoint,
    UnknownTitle,
)
from ..holds.service import HoldService
from ..line import messages, postback
from ..patrons.directory import PatronDirectory
from . import menus, search_messages, texts
from .reserve_messages import action_button, card, hold_list, title_line
from .state import Conversation
from .turn import Turn

START = search_messages.RESERVE
PICK = "reserve-pick"
AT = "reserve-at"
CONFIRM = "reserve-confirm"
PLACE = "reserve-place"
ABORT = "reserve-abort"
HOLDS = "holds"
CANCEL_ASK = "hold-cancel"
CANCEL_YES = "hold-cancel-yes"
CANCEL_NO = "hold-cancel-no"


class ReserveFlow:
    def __init__(
        self,
        patrons: PatronDirectory,
        holds: HoldService,
        titles: RecordSource,
        libraries: Libraries,
    ) -> None:
        self._patrons = patrons
        self._holds = holds
        self._titles = titles
        self._libraries = libraries

    def show_holds(self, conversation: Conversation) -> Turn:
        """予約状況, for a patron who typed it."""
        return self._for_patron(self.holds)(conversation, {})

    def postbacks(self) -> dict:
        steps = {
            START: self.start,
            PICK: self.pick,
            AT: self.at,
            CONFIRM: self.confirm,
            PLACE: self.place,
            HOLDS: self.holds,
            CANCEL_ASK: self.cancel_ask,
            CANCEL_YES: self.cancel_yes,
        }
        return {
            **{name: self._for_patron(step) for name, step in steps.items()},
            ABORT: lambda _c, _p: Turn([messages.text(texts.RESERVE_ABORTED)]),
            CANCEL_NO: lambda _c, _p: Turn([messages.text(texts.HOLD_KEPT)]),
        }

    def _for_patron(self, step):
        """Only a registered patron linked to this LINE account reaches `step`."""

        def answer(conversation: Conversation, params: dict) -> Turn:
            patron = self._patrons.by_line_user(conversation.user_id)
            if patron is None:
                return _not_linked()
            return step(patron, params)

        return answer

    # -- reserving -----------------------------------------------------------------------
    def _title(self, record_id: str) -> str | None:
        record = self._titles.records([record_id]).get(record_id) if record_id else None
        return record.title if record else None

    def _pickup_name(self, library_id: str) -> str | None:
        library = self._libraries.get(library_id or "")
        return library.name if library and library.pickup else None

    def start(self, patron, params: dict) -> Turn:
        record_id = params.get("r", "")
        title = self._title(record_id)
        if title is None:
            return Turn([messages.text(texts.RESERVE_UNKNOWN_TITLE)])
        select = action_button(texts.RESERVE_SELECT, PICK, style="primary", r=record_id)
        lines = [title_line(title), texts.RESERVE_CHOOSE_PICKUP, texts.pickup_label(None)]
        return Turn([card(texts.RESERVE_TITLE, texts.RESERVE_TITLE, lines, [select])])

    def pick(self, _patron, params: dict) -> Turn:
        return self._libraries_to_choose(params.get("r", ""), params.get("p", ""))

    def _libraries_to_choose(self, record_id: str, chosen: str = "") -> Turn:
        """The pickup libraries; 戻る returns to the confirmation when one was chosen."""
        title = self._title(record_id)
        if title is None:
            return Turn([messages.text(texts.RESERVE_UNKNOWN_TITLE)])
        buttons = [
            action_button(library.name, AT, r=record_id, p=library.library_id)
            for library in self._libraries.pickup_points()
        ]
        if self._pickup_name(chosen):
            buttons.append(action_button(texts.RESERVE_BACK, CONFIRM, r=record_id, p=chosen))
        lines = [title_line(title), texts.RESERVE_PICKUP_LIST]
        return Turn([card(texts.RESERVE_PICKUP_LIST, texts.RESERVE_TITLE, lines, buttons)])

    def _draft(self, params: dict) -> tuple[str, str, str, str] | Turn:
        """Title and pickup library from a button, or the answer when either is not right."""
        record_id, library_id = params.get("r", ""), params.get("p", "")
        title, library = self._title(record_id), self._pickup_name(library_id)
        if title is None:
            return Turn([messages.text(texts.RESERVE_UNKNOWN_TITLE)])
        if library is None:
            return self._libraries_to_choose(record_id)
        return record_id, title, library_id, library

    def at(self, patron, params: dict) -> Turn:
        draft = self._draft(params)
        if isinstance(draft, Turn):
            return draft
        record_id, title, library_id, library = draft
        buttons = [
            action_button(
                texts.RESERVE_CONFIRM_PICKUP, CONFIRM, style="primary", r=record_id, p=library_id
            ),
            action_button(texts.RESERVE_BACK, PICK, r=record_id),
        ]
        lines = [title_line(title), texts.pickup_label(library)]
        return Turn([card(texts.pickup_label(library), texts.RESERVE_TITLE, lines, buttons)])

    def confirm(self, patron, params: dict) -> Turn:
        draft = self._draft(params)
        if isinstance(draft, Turn):
            return draft
        record_id, title, library_id, library = draft
        waiting = self._holds.waiting(record_id)
        lines = [
            title_line(title),
            texts.pickup_label(library),
            texts.waiting_before(waiting),
            texts.RESERVE_CONFIRMATION,
        ]
        buttons = [
            action_button(texts.RESERVE_PLACE, PLACE, style="primary", r=record_id, p=library_id),
            action_button(texts.RESERVE_ABORT, ABORT),
            action_button(texts.RESERVE_AMEND, PICK, r=record_id, p=library_id),
        ]
        return Turn([card(texts.RESERVE_CONFIRMATION, texts.RESERVE_TITLE, lines, buttons)])

    def place(self, patron, params: dict) -> Turn:
        record_id, library_id = params.get("r", ""), params.get("p", "")
        try:
            placed = self._holds.place(patron, record_id, library_id)
        except AlreadyHeld as held:
            queued = self._holds.get(patron, record_id, held.existing.hold_id)
            position = queued.position if queued else None
            return self._with_status(texts.reserve_already(held.existing.title, position))
        except HoldLimitReached as limit:
            return self._with_status(texts.reserve_limit(limit.limit))
        except NotAllowedToReserve:
            return Turn([messages.text(texts.RESERVE_NOT_ALLOWED)])
        except NotAPickupPoint:
            return self._libraries_to_choose(record_id)
        except UnknownTitle:
            return Turn([messages.text(texts.RESERVE_UNKNOWN_TITLE)])
        library = self._libraries.name(placed.hold.pickup_library_id)
        done = texts.reserve_done(placed.hold.title, library, placed.position)
        return self._with_status(done)

    def _with_status(self, said: str) -> Turn:
        status = messages.postback_action(
            texts.HOLDS_STATUS, postback.encode(HOLDS), display_text=texts.HOLDS_STATUS
        )
        return Turn([messages.text(said, [status, menus.back_to_menu()])])

    # -- 予約状況 ------------------------------------------------------------------------
    def holds(self, patron, _params: dict) -> Turn:
        queued = self._holds.open_holds(patron)
        if not queued:
            return Turn([messages.text(texts.HOLDS_NONE, [menus.back_to_menu()])])
        return Turn([hold_list(queued, self._libraries.name, CANCEL_ASK)])

    def cancel_ask(self, patron, params: dict) -> Turn:
        queued = self._holds.get(patron, params.get("r", ""), params.get("h", ""))
        if queued is None or not queued.hold.status.is_open:
            return Turn([messages.text(texts.HOLD_NOT_FOUND)])
        if queued.hold.status.is_trapped:
            return Turn([messages.text(texts.HOLD_TRAPPED_CONTACT)])
        hold = queued.hold
        buttons = [
            action_button(
                texts.HOLD_CANCEL_YES, CANCEL_YES, style="primary", r=hold.record_id, h=hold.hold_id
            ),
            action_button(texts.HOLD_CANCEL_NO, CANCEL_NO),
        ]
        question = texts.hold_cancel_question(hold.title)
        return Turn([card(question, texts.HOLDS_STATUS, [question], buttons)])

    def cancel_yes(self, patron, params: dict) -> Turn:
        try:
            self._holds.cancel(patron, params.get("r", ""), params.get("h", ""))
        except HoldNotCancellable as refused:
            if refused.hold is not None and refused.hold.status.is_trapped:
                return Turn([messages.text(texts.HOLD_TRAPPED_CONTACT)])
            return Turn([messages.text(texts.HOLD_NOT_FOUND)])
        return self._with_status(texts.HOLD_CANCELLED)


def _not_linked() -> Turn:
    entries = [
        messages.postback_action(
            label, postback.encode(menus.MENU_ACTIONS[label]), display_text=label
        )
        for label in (texts.MENU_REGISTER, texts.MENU_MYPAGE)
    ]
    return Turn([messages.text(texts.RESERVE_NOT_LINKED, entries)])
