// A tiny element builder; everything user- or bot-supplied goes in as text, never as HTML.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "style") Object.assign(node.style, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

// Makes a whole element act like a LINE tap target.
export function tappable(node, action, onAction, testId = "flex-action") {
  node.classList.add("tappable");
  if (!node.dataset.testid) node.dataset.testid = testId;
  if (action.label) node.dataset.label = action.label;
  node.setAttribute("role", "button");
  node.tabIndex = 0;
  const fire = (event) => {
    event.stopPropagation();
    onAction(action);
  };
  node.addEventListener("click", fire);
  node.addEventListener("keydown", (event) => {
    if (event.key === "Enter") fire(event);
  });
  return node;
}
