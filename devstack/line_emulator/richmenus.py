"""Rich menus, their images, default/per-user links, aliases, and what each user sees."""

from __future__ import annotations

import copy
import threading

from . import ids


class RichMenuStore:
    def __init__(self) -> None:
        self._menus: dict[str, dict] = {}
        self._images: dict[str, tuple[str, bytes]] = {}
        self._default: str | None = None
        self._user_links: dict[str, str] = {}
        self._aliases: dict[str, str] = {}
        # user -> (alias id, the linked menu it was switched from); a new link resets it.
        self._switched: dict[str, tuple[str, str | None]] = {}
        self._lock = threading.RLock()

    def create(self, menu: dict) -> str:
        menu_id = ids.rich_menu_id()
        with self._lock:
            self._menus[menu_id] = {"richMenuId": menu_id, **copy.deepcopy(menu)}
        return menu_id

    def get(self, menu_id: str) -> dict | None:
        with self._lock:
            menu = self._menus.get(menu_id)
            return copy.deepcopy(menu) if menu else None

    def all(self) -> list[dict]:
        with self._lock:
            return [copy.deepcopy(menu) for menu in self._menus.values()]

    def delete(self, menu_id: str) -> bool:
        with self._lock:
            if self._menus.pop(menu_id, None) is None:
                return False
            self._images.pop(menu_id, None)
            if self._default == menu_id:
                self._default = None
            for user, linked in list(self._user_links.items()):
                if linked == menu_id:
                    del self._user_links[user]
            return True

    def set_image(self, menu_id: str, content_type: str, body: bytes) -> None:
        with self._lock:
            self._images[menu_id] = (content_type, body)

    def image(self, menu_id: str) -> tuple[str, bytes] | None:
        with self._lock:
            return self._images.get(menu_id)

    def has_image(self, menu_id: str) -> bool:
        with self._lock:
            return menu_id in self._images

    def set_default(self, menu_id: str | None) -> None:
        with self._lock:
            self._default = menu_id

    def default(self) -> str | None:
        with self._lock:
            return self._default

    def link(self, user_id: str, menu_id: str | None) -> None:
        with self._lock:
            if menu_id is None:
                self._user_links.pop(user_id, None)
            else:
                self._user_links[user_id] = menu_id

    def linked(self, user_id: str) -> str | None:
        with self._lock:
            return self._user_links.get(user_id)

    def set_alias(self, alias_id: str, menu_id: str) -> None:
        with self._lock:
            self._aliases[alias_id] = menu_id

    def alias(self, alias_id: str) -> str | None:
        with self._lock:
            return self._aliases.get(alias_id)

    def aliases(self) -> dict[str, str]:
        with self._lock:
            return dict(self._aliases)

    def delete_alias(self, alias_id: str) -> bool:
        with self._lock:
            return self._aliases.pop(alias_id, None) is not None

    def _base(self, user_id: str) -> tuple[str | None, str | None]:
        linked = self._user_links.get(user_id)
        if linked in self._menus:
            return linked, "user"
        if self._default in self._menus:
            return self._default, "default"
        return None, None

    def switch(self, user_id: str, alias_id: str) -> str:
        """Performs a richmenuswitch tap; returns the status LINE puts in the postback params."""
        with self._lock:
            menu_id = self._aliases.get(alias_id)
            if menu_id is None:
                return "RICHMENU_ALIAS_ID_NOTFOUND"
            if menu_id not in self._menus:
                return "RICHMENU_NOTFOUND"
            self._switched[user_id] = (alias_id, self._base(user_id)[0])
            return "SUCCESS"

    def shown_to(self, user_id: str) -> dict:
        """The menu this user's chat shows now, and why."""
        with self._lock:
            base_id, source = self._base(user_id)
            alias_id = None
            switched = self._switched.get(user_id)
            if (
                switched
                and switched[1] == base_id
                and self._aliases.get(switched[0]) in self._menus
            ):
                alias_id = switched[0]
                shown_id, source = self._aliases[alias_id], "alias"
            else:
                shown_id = base_id
            menu = copy.deepcopy(self._menus.get(shown_id)) if shown_id else None
            return {
                "richMenu": menu,
                "source": source,
                "hasImage": bool(shown_id and shown_id in self._images),
                "linkedRichMenuId": self._user_links.get(user_id),
                "defaultRichMenuId": self._default,
                "switchedAliasId": alias_id,
                "aliases": {a: m for a, m in self._aliases.items() if m in self._menus},
            }
