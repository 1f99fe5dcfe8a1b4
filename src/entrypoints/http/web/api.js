// The public JSON API under /api/v1, and nothing else: every screen of the client goes
// through these calls, so the client proves the contract.

const BASE = "/api/v1";
const TOKEN_KEY = "instagram.token";

/** An error answer of the API: its status, its `error.code` and its message. */
export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

// The access token lives in this tab's sessionStorage: never sent by the browser on its own
// (so no CSRF), gone when the tab closes, and not shared with other tabs. docs/web-client.md
// says why this and not localStorage or a cookie.
export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
  me: null,
};

export async function call(method, path, body, { query } = {}) {
  const url = new URL(BASE + path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
  }
  const headers = { Accept: "application/json" };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "The server cannot be reached. Check your connection.");
  }
  if (response.status === 204) return null;
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const error = payload && payload.error ? payload.error : {};
    if (response.status === 401 && session.token) {
      session.token = null;
      dispatchEvent(new Event("session-expired"));
    }
    throw new ApiError(
      response.status,
      error.code || "error",
      error.message || `The server answered ${response.status}.`,
      response.headers.get("Retry-After"),
    );
  }
  return payload;
}

export const api = {
  register: (username, password, isPrivate) =>
    call("POST", "/accounts", { username, password, is_private: isPrivate }),
  login: (username, password) => call("POST", "/auth/token", { username, password }),
  me: () => call("GET", "/users/me"),
  feed: (cursor) => call("GET", "/feed", undefined, { query: { cursor, limit: 10 } }),
  newPosts: (since) => call("GET", "/feed", undefined, { query: { since } }),
  post: (id) => call("GET", `/posts/${id}`),
  createPost: (body) => call("POST", "/posts", body),
  like: (id, on) => call(on ? "POST" : "DELETE", `/posts/${id}/like`),
  save: (id, on) => call(on ? "POST" : "DELETE", `/posts/${id}/save`),
  comment: (id, text) => call("POST", `/posts/${id}/comments`, { text }),
  comments: (id) => call("GET", `/posts/${id}/comments`, undefined, { query: { limit: 20 } }),
  filters: () => call("GET", "/filters"),
  uploadUrl: (type, contentType, purpose) =>
    call("GET", "/media/upload-url", undefined, {
      query: { type, content_type: contentType, purpose },
    }),
  startParts: (mediaId) => call("POST", `/media/${mediaId}/parts`),
  storedParts: (mediaId, uploadId) => call("GET", `/media/${mediaId}/parts/${uploadId}`),
  partUrl: (mediaId, uploadId, n) => call("POST", `/media/${mediaId}/parts/${uploadId}/${n}/url`),
  completeParts: (mediaId, uploadId, parts) =>
    call("POST", `/media/${mediaId}/parts/${uploadId}/complete`, parts ? { parts } : undefined),
  profile: (username) => call("GET", `/users/${encodeURIComponent(username)}`),
  userPosts: (username, cursor) =>
    call("GET", `/users/${encodeURIComponent(username)}/posts`, undefined, {
      query: { cursor, limit: 24 },
    }),
  follow: (username, on) =>
    call(on ? "POST" : "DELETE", `/users/${encodeURIComponent(username)}/follow`),
  block: (username, on) =>
    call(on ? "POST" : "DELETE", `/users/${encodeURIComponent(username)}/block`),
  mute: (username, on) =>
    call(on ? "POST" : "DELETE", `/users/${encodeURIComponent(username)}/mute`),
  requests: () => call("GET", "/follow-requests"),
  decide: (username, approve) =>
    call("POST", `/follow-requests/${encodeURIComponent(username)}/${approve ? "approve" : "reject"}`),
  notifications: () => call("GET", "/notifications", undefined, { query: { limit: 30 } }),
  unreadCount: () => call("GET", "/notifications/unread-count"),
  markRead: (upTo) => call("POST", "/notifications/read", upTo ? { up_to: upTo } : undefined),
  search: (q) => call("GET", "/search", undefined, { query: { q, limit: 8 } }),
  trending: () => call("GET", "/search/trending", undefined, { query: { limit: 10 } }),
  explore: (cursor) => call("GET", "/explore", undefined, { query: { cursor, limit: 24 } }),
  stories: () => call("GET", "/stories/feed"),
  createStory: (mediaId) => call("POST", "/stories", { media_id: mediaId }),
  viewStory: (id) => call("POST", `/stories/${id}/view`),
  storyViewers: (id) => call("GET", `/stories/${id}/viewers`),
};

// Which operations this server has, from its own OpenAPI document: screens that need an
// operation another release adds (Explore, story viewers, read state) say so honestly.
let operations = null;

export async function loadOperations() {
  if (operations) return operations;
  operations = new Set();
  try {
    const response = await fetch("/schema/openapi.json");
    const schema = await response.json();
    for (const [path, item] of Object.entries(schema.paths || {})) {
      for (const method of Object.keys(item)) {
        operations.add(`${method.toUpperCase()} ${normalise(path)}`);
      }
    }
  } catch {
    // Without the schema every optional screen says it is unavailable.
  }
  return operations;
}

/** A path with its parameters' names erased: `/stories/{story_id}/view` → `/stories/{}/view`. */
function normalise(path) {
  return path.replace(/\{[^}]*\}/g, "{}");
}

export function supports(method, path) {
  return operations !== null && operations.has(`${method} ${normalise(BASE + path)}`);
}
