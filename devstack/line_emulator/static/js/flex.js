// Renders Flex Message bubbles and carousels, close enough to the LINE app to judge a layout.

import { el, tappable } from "./dom.js";

const SPACING = { none: "0px", xs: "2px", sm: "4px", md: "8px", lg: "12px", xl: "16px", xxl: "20px" };
const TEXT_SIZE = {
  xxs: "11px", xs: "13px", sm: "14px", md: "16px", lg: "19px", xl: "22px",
  xxl: "29px", "3xl": "35px", "4xl": "48px", "5xl": "74px",
};
const IMAGE_SIZE = {
  xxs: "40px", xs: "60px", sm: "80px", md: "100px", lg: "120px", xl: "140px",
  xxl: "160px", "3xl": "180px", "4xl": "200px", "5xl": "220px", full: "100%",
};
const RADIUS = { none: "0px", xs: "2px", sm: "4px", md: "8px", lg: "12px", xl: "16px", xxl: "20px" };
const BORDER = { none: "0px", light: "0.5px", normal: "1px", medium: "2px", "semi-bold": "3px", bold: "4px" };
const ALIGN = { start: "flex-start", end: "flex-end", center: "center" };
const GRAVITY = { top: "flex-start", bottom: "flex-end", center: "center" };

const pick = (table, value) => (value === undefined ? undefined : (table[value] ?? value));

export function renderFlex(container, onAction) {
  if (container.type === "carousel") {
    return el(
      "div",
      { class: "flex-carousel", "data-testid": "flex-carousel" },
      container.contents.map((item) => renderBubble(item, onAction)),
    );
  }
  return renderBubble(container, onAction);
}

function renderBubble(bubble, onAction) {
  const root = el("div", {
    class: `flex-bubble size-${bubble.size || "mega"}`,
    "data-testid": "flex-bubble",
  });
  const styles = bubble.styles || {};
  for (const block of ["header", "hero", "body", "footer"]) {
    if (!bubble[block]) continue;
    const style = styles[block] || {};
    const wrapper = el("div", { class: `flex-block flex-${block}` });
    if (style.backgroundColor) wrapper.style.backgroundColor = style.backgroundColor;
    if (style.separator && root.childElementCount > 0) {
      wrapper.style.borderTop = `1px solid ${style.separatorColor || "#e5e5e5"}`;
    }
    wrapper.append(renderComponent(bubble[block], "vertical", onAction));
    root.append(wrapper);
  }
  if (bubble.action) tappable(root, bubble.action, onAction);
  return root;
}

function renderComponent(component, parentLayout, onAction) {
  const render = RENDERERS[component.type] || renderUnknown;
  const node = render(component, parentLayout, onAction);
  applyFlex(node, component, parentLayout);
  applyPosition(node, component);
  if (component.action && component.type !== "button") tappable(node, component.action, onAction);
  return node;
}

function applyFlex(node, component, parentLayout) {
  if (component.type === "separator" || component.type === "spacer") return;
  const horizontal = parentLayout !== "vertical";
  const fallback = component.type === "filler" || horizontal ? 1 : 0;
  const grow = component.flex ?? fallback;
  node.style.flex = grow > 0 ? `${grow} 1 ${horizontal ? "0px" : "auto"}` : "0 0 auto";
  if (component.gravity) node.style.alignSelf = pick(GRAVITY, component.gravity);
  if (component.align && component.type !== "text") node.style.alignSelf = pick(ALIGN, component.align);
}

function applyPosition(node, c) {
  if (c.position === "absolute") node.style.position = "absolute";
  else if (c.offsetTop || c.offsetBottom || c.offsetStart || c.offsetEnd) {
    node.style.position = "relative";
  }
  if (c.offsetTop) node.style.top = pick(SPACING, c.offsetTop);
  if (c.offsetBottom) node.style.bottom = pick(SPACING, c.offsetBottom);
  if (c.offsetStart) node.style.left = pick(SPACING, c.offsetStart);
  if (c.offsetEnd) node.style.right = pick(SPACING, c.offsetEnd);
}

function renderBox(box, _parentLayout, onAction) {
  const layout = box.layout || "vertical";
  const node = el("div", { class: `flex-box layout-${layout}` });
  const s = node.style;
  if (box.backgroundColor) s.backgroundColor = box.backgroundColor;
  if (box.background?.type === "linearGradient") {
    s.background = `linear-gradient(${box.background.angle || "0deg"}, ${box.background.startColor}, ${box.background.endColor})`;
  }
  if (box.borderWidth) s.borderStyle = "solid";
  s.borderWidth = pick(BORDER, box.borderWidth) || "";
  s.borderColor = box.borderColor || "";
  s.borderRadius = pick(RADIUS, box.cornerRadius) || "";
  for (const prop of ["width", "maxWidth", "height", "maxHeight"]) {
    if (box[prop]) s[prop] = box[prop];
  }
  if (box.paddingAll) s.padding = pick(SPACING, box.paddingAll);
  if (box.paddingTop) s.paddingTop = pick(SPACING, box.paddingTop);
  if (box.paddingBottom) s.paddingBottom = pick(SPACING, box.paddingBottom);
  if (box.paddingStart) s.paddingLeft = pick(SPACING, box.paddingStart);
  if (box.paddingEnd) s.paddingRight = pick(SPACING, box.paddingEnd);
  if (box.justifyContent) s.justifyContent = box.justifyContent;
  if (box.alignItems) s.alignItems = box.alignItems;
  const marginSide = layout === "vertical" ? "marginTop" : "marginLeft";
  (box.contents || []).forEach((child, index) => {
    const childNode = renderComponent(child, layout, onAction);
    const gap = index > 0 ? (child.margin ?? box.spacing) : child.margin;
    if (gap && child.position !== "absolute") childNode.style[marginSide] = pick(SPACING, gap);
    node.append(childNode);
  });
  return node;
}

function styleText(node, c) {
  const s = node.style;
  if (c.size) s.fontSize = pick(TEXT_SIZE, c.size);
  if (c.weight === "bold") s.fontWeight = "bold";
  if (c.color) s.color = c.color;
  if (c.style === "italic") s.fontStyle = "italic";
  if (c.decoration && c.decoration !== "none") s.textDecoration = c.decoration;
}

function renderText(c) {
  const node = el("div", { class: "flex-text" });
  styleText(node, c);
  if (c.align) node.style.textAlign = { start: "left", end: "right", center: "center" }[c.align];
  if (c.lineSpacing) node.style.lineHeight = `calc(1.4em + ${c.lineSpacing})`;
  if (c.wrap) {
    node.classList.add("wrap");
    if (c.maxLines) {
      node.classList.add("clamped");
      node.style.webkitLineClamp = String(c.maxLines);
    }
  }
  if (Array.isArray(c.contents) && c.contents.length) {
    for (const span of c.contents) {
      const spanNode = el("span", { text: span.text || "" });
      styleText(spanNode, span);
      node.append(spanNode);
    }
  } else {
    node.textContent = c.text || "";
  }
  return node;
}

function renderButton(c, _parentLayout, onAction) {
  const style = c.style || "link";
  const node = el("button", {
    type: "button",
    class: `flex-button style-${style} height-${c.height || "md"}`,
    text: c.action?.label || "",
  });
  if (c.color) {
    if (style === "link") node.style.color = c.color;
    else node.style.backgroundColor = c.color;
  }
  return tappable(node, c.action || {}, onAction, "flex-button");
}

function renderImage(c) {
  const image = el("img", { class: "flex-image", src: c.url, alt: "", loading: "lazy" });
  image.style.width = pick(IMAGE_SIZE, c.size || "md");
  if (c.aspectRatio) image.style.aspectRatio = c.aspectRatio.replace(":", " / ");
  image.style.objectFit = c.aspectMode === "cover" ? "cover" : "contain";
  if (c.backgroundColor) image.style.backgroundColor = c.backgroundColor;
  const holder = el("div", { class: "flex-image-holder" }, image);
  holder.style.justifyContent = pick(ALIGN, c.align || "center");
  return holder;
}

function renderIcon(c) {
  const size = pick(TEXT_SIZE, c.size || "md");
  return el("img", { class: "flex-icon", src: c.url, alt: "", style: { width: size, height: size } });
}

function renderSeparator(c, parentLayout) {
  const node = el("div", { class: `flex-separator in-${parentLayout}` });
  if (c.color) node.style.borderColor = c.color;
  return node;
}

function renderSpacer(c, parentLayout) {
  const node = el("div", { class: "flex-spacer" });
  const size = pick(SPACING, c.size || "md");
  if (parentLayout === "vertical") node.style.height = size;
  else node.style.width = size;
  return node;
}

function renderVideo(c, parentLayout, onAction) {
  if (c.altContent) return renderComponent(c.altContent, parentLayout, onAction);
  return el("div", { class: "flex-placeholder", text: "動画" });
}

function renderUnknown(c) {
  return el("div", { class: "flex-placeholder", text: `未対応: ${c.type}` });
}

const RENDERERS = {
  box: renderBox,
  text: renderText,
  button: renderButton,
  image: renderImage,
  icon: renderIcon,
  separator: renderSeparator,
  filler: () => el("div", { class: "flex-filler" }),
  spacer: renderSpacer,
  video: renderVideo,
};
