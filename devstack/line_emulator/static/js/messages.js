// Renders one message the bot sent, in the bot's (left-hand) bubble style.

import { el, tappable } from "./dom.js";
import { renderFlex } from "./flex.js";

export function renderBotMessage(message, onAction) {
  const render = RENDERERS[message.type] || renderUnsupported;
  return render(message, onAction);
}

function renderText(message) {
  return el("div", { class: "bubble bot-text", text: message.text || "" });
}

function renderImage(message) {
  const image = el("img", {
    class: "message-image",
    src: message.previewImageUrl,
    alt: "画像",
    loading: "lazy",
  });
  image.addEventListener("click", () => window.open(message.originalContentUrl, "_blank"));
  return image;
}

function renderSticker(message) {
  return el(
    "div",
    { class: "sticker", "data-testid": "sticker" },
    el("span", { class: "sticker-face", text: "(・ω・)" }),
    el("small", { text: `スタンプ ${message.packageId}/${message.stickerId}` }),
  );
}

function renderLocation(message) {
  return el(
    "div",
    { class: "bubble bot-text" },
    el("strong", { text: `📍 ${message.title}` }),
    el("div", { text: message.address }),
  );
}

function renderPlaceholder(label) {
  return (message) =>
    el("div", { class: "bubble placeholder", text: `${label}${message.altText ? `：${message.altText}` : ""}` });
}

function renderUnsupported(message) {
  return el("div", { class: "bubble placeholder", text: `未対応のメッセージ（${message.type}）` });
}

function actionButton(action, onAction) {
  const node = el("button", { type: "button", class: "template-action", text: action.label || "" });
  return tappable(node, action, onAction, "template-action");
}

function card(column, onAction, withActions = true) {
  const node = el("div", { class: "template-card" });
  if (column.thumbnailImageUrl) {
    const thumb = el("img", { class: "template-thumb", src: column.thumbnailImageUrl, alt: "" });
    if (column.imageBackgroundColor) thumb.style.backgroundColor = column.imageBackgroundColor;
    thumb.style.aspectRatio = column.imageAspectRatio === "square" ? "1 / 1" : "1.51 / 1";
    thumb.style.objectFit = column.imageSize === "contain" ? "contain" : "cover";
    node.append(thumb);
  }
  const body = el("div", { class: "template-body" });
  if (column.title) body.append(el("div", { class: "template-title", text: column.title }));
  body.append(el("div", { class: "template-text", text: column.text || "" }));
  node.append(body);
  if (withActions) {
    node.append(
      el(
        "div",
        { class: "template-actions" },
        (column.actions || []).map((action) => actionButton(action, onAction)),
      ),
    );
  }
  if (column.defaultAction) tappable(body, column.defaultAction, onAction);
  return node;
}

function renderTemplate(message, onAction) {
  const template = message.template || {};
  if (template.type === "buttons") return card(template, onAction);
  if (template.type === "confirm") {
    const node = card({ text: template.text }, onAction, false);
    node.classList.add("confirm");
    node.append(
      el(
        "div",
        { class: "template-actions row" },
        template.actions.map((action) => actionButton(action, onAction)),
      ),
    );
    return node;
  }
  if (template.type === "carousel") {
    return el(
      "div",
      { class: "flex-carousel" },
      template.columns.map((column) => card(column, onAction)),
    );
  }
  if (template.type === "image_carousel") {
    return el(
      "div",
      { class: "flex-carousel" },
      template.columns.map((column) => {
        const tile = el(
          "div",
          { class: "image-tile" },
          el("img", { src: column.imageUrl, alt: "" }),
          el("span", { text: column.action?.label || "" }),
        );
        return tappable(tile, column.action || {}, onAction, "template-action");
      }),
    );
  }
  return renderUnsupported({ type: `template/${template.type}` });
}

const RENDERERS = {
  text: renderText,
  textV2: renderText,
  image: renderImage,
  sticker: renderSticker,
  location: renderLocation,
  video: renderPlaceholder("動画"),
  audio: renderPlaceholder("音声"),
  imagemap: renderPlaceholder("イメージマップ"),
  flex: (message, onAction) => renderFlex(message.contents, onAction),
  template: renderTemplate,
};
