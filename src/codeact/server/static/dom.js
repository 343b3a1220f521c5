// Building the page. Text from the model, the code or a user only ever goes in as text (`el`
// children, textContent); the one HTML sink is `setHtml`, for HTML the server rendered from
// markdown with raw HTML off (server/markup.py). The page's Content-Security-Policy requires
// Trusted Types, so any other assignment of a string to innerHTML throws.

const policy = window.trustedTypes
  ? window.trustedTypes.createPolicy("codeact-html", { createHTML: (html) => html })
  : { createHTML: (html) => html };

/** An element: `el("a", {href: "#", class: "x"}, "text", child, ...)`. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

/** Server-rendered HTML (markdown, highlighted code) into `node`. */
export function setHtml(node, html) {
  node.innerHTML = policy.createHTML(html);
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** "1.2 KiB" */
export function formatSize(bytes) {
  if (bytes === null || bytes === undefined) return "";
  const units = ["B", "KiB", "MiB", "GiB"];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${unit ? size.toFixed(1) : size} ${units[unit]}`;
}

/** A short, local date for a Unix time in seconds: "14:05" today, "3 Mar" otherwise. */
export function formatTime(seconds) {
  const date = new Date(seconds * 1000);
  const today = new Date().toDateString() === date.toDateString();
  return today
    ? date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleDateString([], { day: "numeric", month: "short" });
}

let toastTimer = 0;

/** A short message in the toast area (errors are announced at once: role="alert"). */
export function toast(message, kind = "info") {
  const box = $("#toast");
  box.textContent = message;
  box.dataset.kind = kind;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, kind === "error" ? 8000 : 4000);
}

/** Say something to screen readers without showing it. */
export function announce(message) {
  $("#announcer").textContent = message;
}
