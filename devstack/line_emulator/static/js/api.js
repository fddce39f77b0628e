// Calls to the emulator's test API, the only backend the page talks to.

async function call(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  return { status: response.status, ok: response.ok, data };
}

const userPath = (userId) => `/_sim/users/${encodeURIComponent(userId)}`;

export const listUsers = () => call("GET", "/_sim/users");
export const createUser = (userId, displayName) =>
  call("POST", "/_sim/users", { userId, displayName });
export const follow = (userId) => call("POST", `${userPath(userId)}/follow`, {});
export const unfollow = (userId) => call("POST", `${userPath(userId)}/unfollow`);
export const sendText = (userId, text) =>
  call("POST", `${userPath(userId)}/messages`, { type: "text", text });
export const sendPostback = (userId, data, params) =>
  call("POST", `${userPath(userId)}/messages`, { type: "postback", data, params });
export const richMenuFor = (userId) => call("GET", `${userPath(userId)}/richmenu`);
export const richMenuImageUrl = (richMenuId) =>
  `/_sim/richmenus/${encodeURIComponent(richMenuId)}/content`;

export async function pollMessages(userId, after, waitSeconds, signal) {
  const query = new URLSearchParams({
    after: String(after),
    wait: String(waitSeconds),
    wakeOnLoading: "1",
  });
  const response = await fetch(`${userPath(userId)}/messages?${query}`, { signal });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

export function newUserId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "U" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
