// The chat simulator page: picks a test user, talks to the bot as that user, shows replies.

import * as api from "./api.js";
import { makeActionHandler } from "./actions.js";
import { el, tappable } from "./dom.js";
import { renderBotMessage } from "./messages.js";
import { renderRichMenu, toggleRichMenu } from "./richmenu.js";

const POLL_WAIT_SECONDS = 2;
const RICH_MENU_REFRESH_MS = 3000;
const $ = (testId) => document.querySelector(`[data-testid="${testId}"]`);

const state = {
  users: [],
  userId: null,
  transcripts: new Map(),
  lastSeq: new Map(),
  poller: null,
  richMenuJson: null,
};

const perform = makeActionHandler({
  sendText: (text) => sendText(text),
  sendPostback: (data, params, displayText) => sendPostback(data, params, displayText),
  notify: (text) => addSystemNote(text),
  richMenuSwitched: () => refreshRichMenu(),
});

function currentUser() {
  return state.users.find((user) => user.userId === state.userId) || null;
}

function transcript(userId) {
  if (!state.transcripts.has(userId)) state.transcripts.set(userId, []);
  return state.transcripts.get(userId);
}

function timeLabel(iso) {
  const date = iso ? new Date(iso) : new Date();
  return date.toLocaleTimeString("ja-JP", { hour: "2-digit", minute: "2-digit" });
}

// --- conversation -------------------------------------------------------------------------

function entryNode(entry) {
  if (entry.kind === "user") {
    return el(
      "div",
      { class: "row user" },
      el("span", { class: "time", text: timeLabel(entry.at) }),
      el("div", { class: "bubble user-text", "data-testid": "user-message", text: entry.text }),
    );
  }
  if (entry.kind === "bot") {
    // The test hook sits on the message itself so its text is exactly what the bot sent.
    const { message, seq } = entry.item;
    return el(
      "div",
      { class: "row bot" },
      el("span", { class: "avatar", text: "LINE" }),
      el(
        "div",
        { class: "content", "data-testid": "bot-message", "data-seq": seq, "data-type": message.type },
        renderBotMessage(message, perform),
      ),
      el("span", { class: "time", text: timeLabel(entry.item.at) }),
    );
  }
  return el("p", { class: "system-note", "data-testid": "system-note", text: entry.text });
}

function append(userId, entry) {
  transcript(userId).push(entry);
  if (userId !== state.userId) return;
  const log = $("chat-log");
  log.append(entryNode(entry));
  log.scrollTop = log.scrollHeight;
}

function renderTranscript() {
  const log = $("chat-log");
  const entries = state.userId ? transcript(state.userId) : [];
  log.replaceChildren(...entries.map(entryNode));
  if (!state.userId) {
    log.append(el("p", { class: "notice", "data-testid": "no-user",
      text: "ユーザーを選ぶか「＋」で作成してください。" }));
  } else if (!currentUser()?.friend) {
    log.append(el("p", { class: "notice", text: "「友だち追加」するとトークを始められます。" }));
  }
  log.scrollTop = log.scrollHeight;
}

function addSystemNote(text) {
  if (state.userId) append(state.userId, { kind: "system", text });
}

function setStatus(text) {
  const status = $("status");
  status.hidden = !text;
  status.textContent = text || "";
}

function reportDelivery(result) {
  if (result.ok) {
    setStatus("");
    return;
  }
  const data = result.data || {};
  if (result.status === 409) setStatus("友だち追加されていません。先に「友だち追加」してください。");
  else setStatus(`Webhook エラー（${data.webhookStatus ?? "接続できません"}）：${data.error || ""}`);
}

// --- quick replies and typing -------------------------------------------------------------

function showQuickReplies(message) {
  const bar = $("quick-replies");
  const items = message?.quickReply?.items || [];
  bar.replaceChildren(
    ...items.map((item) => {
      const chip = el("button", { type: "button", class: "chip", text: item.action.label || "" });
      if (item.imageUrl) chip.prepend(el("img", { src: item.imageUrl, alt: "" }));
      return tappable(chip, item.action, (action) => {
        hideQuickReplies();
        perform(action);
      }, "quick-reply");
    }),
  );
  bar.hidden = items.length === 0;
}

function hideQuickReplies() {
  $("quick-replies").hidden = true;
  $("quick-replies").replaceChildren();
}

function setTyping(loading) {
  $("typing-indicator").hidden = !loading;
}

// --- sending as the user ------------------------------------------------------------------

async function sendText(text) {
  if (!state.userId || !text) return;
  hideQuickReplies();
  append(state.userId, { kind: "user", text });
  reportDelivery(await api.sendText(state.userId, text));
}

async function sendPostback(data, params, displayText) {
  if (!state.userId) return;
  hideQuickReplies();
  if (displayText) append(state.userId, { kind: "user", text: displayText });
  reportDelivery(await api.sendPostback(state.userId, data, params));
}

// --- bot messages: long-polling -----------------------------------------------------------

function startPolling() {
  state.poller?.abort();
  setTyping(null);
  if (!state.userId) return;
  const controller = new AbortController();
  state.poller = controller;
  pollLoop(state.userId, controller.signal);
}

async function pollLoop(userId, signal) {
  while (!signal.aborted) {
    try {
      const data = await api.pollMessages(userId, state.lastSeq.get(userId) || 0, POLL_WAIT_SECONDS, signal);
      for (const item of data.messages) {
        state.lastSeq.set(userId, item.seq);
        append(userId, { kind: "bot", item });
      }
      if (data.messages.length) showQuickReplies(data.messages.at(-1).message);
      setTyping(data.loading);
    } catch (error) {
      if (signal.aborted) return;
      setStatus(`エミュレータに接続できません：${error.message}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

// --- rich menu ----------------------------------------------------------------------------

async function refreshRichMenu() {
  const dock = $("richmenu-dock");
  // Without a user there is no chat, so "no rich menu" would be misleading.
  dock.hidden = !state.userId;
  if (!state.userId) {
    state.richMenuJson = null;
    renderRichMenu(dock, null, perform);
    return;
  }
  const result = await api.richMenuFor(state.userId);
  if (!result.ok) return;
  const json = JSON.stringify(result.data);
  if (json === state.richMenuJson) return;
  const firstShow = state.richMenuJson === null ||
    JSON.parse(state.richMenuJson).richMenu?.richMenuId !== result.data.richMenu?.richMenuId;
  const keepOpen = !$("richmenu").hidden;
  state.richMenuJson = json;
  const open = firstShow && !keepOpen ? Boolean(result.data.richMenu?.selected) : keepOpen;
  renderRichMenu(dock, result.data, perform, open);
}

// --- users --------------------------------------------------------------------------------

async function loadUsers() {
  const result = await api.listUsers();
  state.users = result.data.users || [];
  const select = $("user-select");
  const options = state.users.map((user) =>
    el("option", { value: user.userId,
      text: `${user.displayName}${user.friend ? "" : "（未追加）"}` }));
  select.replaceChildren(el("option", { value: "", text: "— ユーザーを選択 —" }), ...options);
  select.value = state.userId || "";
  updateFriendButtons();
}

function updateFriendButtons() {
  const user = currentUser();
  $("follow").hidden = !user || user.friend;
  $("unfollow").hidden = !user || !user.friend;
  $("chat-input").disabled = !user?.friend;
  $("send").disabled = !user?.friend;
}

async function selectUser(userId) {
  state.userId = userId || null;
  if (state.userId) localStorage.setItem("lineSim.userId", state.userId);
  else localStorage.removeItem("lineSim.userId");
  state.richMenuJson = null;
  hideQuickReplies();
  setStatus("");
  updateFriendButtons();
  renderTranscript();
  startPolling();
  await refreshRichMenu();
}

async function follow() {
  const result = await api.follow(state.userId);
  await loadUsers();
  renderTranscript();
  reportDelivery(result);
  await refreshRichMenu();
}

async function unfollow() {
  const result = await api.unfollow(state.userId);
  await loadUsers();
  renderTranscript();
  reportDelivery(result);
}

async function createUser(event) {
  event.preventDefault();
  const name = $("new-user-name").value.trim();
  if (!name) return;
  const userId = api.newUserId();
  await api.createUser(userId, name);
  $("new-user-form").hidden = true;
  $("new-user-name").value = "";
  state.userId = userId;
  await loadUsers();
  await selectUser(userId);
}

// --- wiring -------------------------------------------------------------------------------

function wire() {
  $("user-select").addEventListener("change", (event) => selectUser(event.target.value));
  $("follow").addEventListener("click", follow);
  $("unfollow").addEventListener("click", unfollow);
  $("new-user").addEventListener("click", () => {
    $("new-user-form").hidden = false;
    $("new-user-name").focus();
  });
  $("cancel-new-user").addEventListener("click", () => { $("new-user-form").hidden = true; });
  $("new-user-form").addEventListener("submit", createUser);
  $("richmenu-toggle").addEventListener("click", () => toggleRichMenu($("richmenu-dock")));
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("chat-input");
    const text = input.value.trim();
    input.value = "";
    sendText(text);
  });
  setInterval(refreshRichMenu, RICH_MENU_REFRESH_MS);
}

async function main() {
  wire();
  await loadUsers();
  const remembered = localStorage.getItem("lineSim.userId");
  const known = state.users.some((user) => user.userId === remembered);
  await selectUser(known ? remembered : null);
  document.body.dataset.ready = "true";
}

main();
