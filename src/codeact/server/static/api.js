// The REST + SSE API of `codeact serve` (server/api.py). The token goes in the Authorization
// header, never in a URL; that is why the live stream is read with fetch (EventSource cannot
// send headers) and why images and downloads are fetched and handed over as blob: URLs.

const TOKEN_KEY = "codeact.token";
// what a workspace file may be shown as inline; everything else is only ever a download
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export const token = {
  get: () => localStorage.getItem(TOKEN_KEY) || "",
  set: (value) => localStorage.setItem(TOKEN_KEY, value),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

function headers(extra = {}) {
  const value = token.get();
  return value ? { Authorization: `Bearer ${value}`, ...extra } : extra;
}

let unauthorized = () => {};

/** What to do when the server stops accepting the token (a 401 on any call). */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

async function failure(response) {
  if (response.status === 401) unauthorized();
  let message = `${response.status} ${response.statusText}`;
  try {
    message = (await response.json()).error.message || message;
  } catch {
    // not our JSON error: keep the status line
  }
  return new ApiError(response.status, message);
}

/** fetch() with the token; throws ApiError (with the server's message) unless 2xx. */
export async function call(method, path, body, extraHeaders = {}) {
  const init = { method, headers: headers(extraHeaders) };
  if (body instanceof Blob) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(path, init);
  if (!response.ok) throw await failure(response);
  return response;
}

export async function json(method, path, body) {
  const response = await call(method, path, body);
  return response.status === 204 ? null : response.json();
}

/** A path of the conversation's API: conversationPath(id, "files", "a/b.csv"). */
export function conversationPath(id, ...parts) {
  const encoded = parts.flatMap((part) => part.split("/")).map(encodeURIComponent);
  return ["/api/conversations", encodeURIComponent(id), ...encoded].join("/");
}

/**
 * The conversation's events after `after`, as the page shows them, then live ones, until
 * `signal` aborts. Calls onEvent({id, type, data}) for each. Reconnects after a dropped
 * connection (a server restart), resuming after the last event it got.
 */
export async function follow(id, after, onEvent, signal, onState = () => {}) {
  let last = after;
  let delay = 500;
  while (!signal.aborted) {
    try {
      const path = `${conversationPath(id, "stream")}?view=ui&after=${last}`;
      const response = await fetch(path, { headers: headers(), signal });
      if (!response.ok) throw await failure(response);
      onState("live");
      delay = 500;
      for await (const event of sseEvents(response.body)) {
        if (event.id !== null) last = event.id;
        onEvent(event);
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof ApiError && error.status < 500) throw error;
    }
    if (signal.aborted) return;
    onState("reconnecting");
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 8000);
  }
}

/** Parses a text/event-stream body into {id, type, data} objects. */
async function* sseEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let event = { id: null, type: "message", data: [] };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    // a line ends at \n, \r\n or \r; a trailing \r may be the first half of \r\n: keep it
    const lines = buffer.split(/\r\n|\n|\r(?=.)/s);
    buffer = lines.pop();
    for (const line of lines) {
      if (line === "") {
        if (event.data.length) {
          yield { id: event.id, type: event.type, data: JSON.parse(event.data.join("\n")) };
        }
        event = { id: null, type: "message", data: [] };
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") event.data.push(text);
        else if (field === "event") event.type = text;
        else if (field === "id") event.id = Number(text);
      }
    }
  }
}

/** A blob: URL for a workspace image, or null if the file is not an image we show. */
export async function imageUrl(id, path) {
  const response = await call("GET", conversationPath(id, "files", path));
  const type = (response.headers.get("Content-Type") || "").split(";")[0];
  if (!IMAGE_TYPES.has(type)) return null;
  return URL.createObjectURL(new Blob([await response.blob()], { type }));
}

/** Save what `path` answers as a file called `name` (never shown in this page's origin). */
export async function download(path, name) {
  const response = await call("GET", path);
  const blob = new Blob([await response.blob()], { type: "application/octet-stream" });
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
