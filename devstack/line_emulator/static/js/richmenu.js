// Draws the rich menu the way LINE does: the image with tappable areas, behind a chat-bar toggle.

import { el, tappable } from "./dom.js";
import { richMenuImageUrl } from "./api.js";

export function areaLabel(action) {
  return action.label || action.displayText || action.text || action.data || action.uri || "";
}

export function renderRichMenu(dock, shown, onAction, openByDefault) {
  const empty = dock.querySelector('[data-testid="richmenu-empty"]');
  const toggle = dock.querySelector('[data-testid="richmenu-toggle"]');
  const panel = dock.querySelector('[data-testid="richmenu"]');
  const menu = shown?.richMenu;
  empty.hidden = Boolean(menu);
  toggle.hidden = !menu;
  panel.replaceChildren();
  if (!menu) {
    panel.hidden = true;
    return;
  }
  const { width, height } = menu.size;
  const canvas = el("div", {
    class: "richmenu-canvas",
    "data-rich-menu-id": menu.richMenuId,
    style: { aspectRatio: `${width} / ${height}` },
  });
  if (shown.hasImage) {
    canvas.append(
      el("img", {
        class: "richmenu-image",
        "data-testid": "richmenu-image",
        src: richMenuImageUrl(menu.richMenuId),
        alt: "",
      }),
    );
  }
  for (const area of menu.areas || []) {
    const { x, y, width: w, height: h } = area.bounds;
    const region = el("div", {
      class: `richmenu-area${shown.hasImage ? " over-image" : ""}`,
      style: {
        left: `${(x / width) * 100}%`,
        top: `${(y / height) * 100}%`,
        width: `${(w / width) * 100}%`,
        height: `${(h / height) * 100}%`,
      },
    }, el("span", { text: areaLabel(area.action) }));
    tappable(region, area.action, onAction, "richmenu-area");
    region.dataset.label = areaLabel(area.action);
    canvas.append(region);
  }
  panel.append(canvas);
  if (openByDefault !== undefined) panel.hidden = !openByDefault;
  setToggleText(toggle, menu.chatBarText, !panel.hidden);
}

export function toggleRichMenu(dock) {
  const panel = dock.querySelector('[data-testid="richmenu"]');
  const toggle = dock.querySelector('[data-testid="richmenu-toggle"]');
  panel.hidden = !panel.hidden;
  setToggleText(toggle, toggle.dataset.chatBarText, !panel.hidden);
}

function setToggleText(toggle, chatBarText, open) {
  toggle.dataset.chatBarText = chatBarText;
  toggle.textContent = `${chatBarText} ${open ? "▼" : "▲"}`;
  toggle.setAttribute("aria-expanded", String(open));
}
