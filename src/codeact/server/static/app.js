// The page: sign-in, the conversation list, the open conversation (#/c/ID), its header actions
// (rename, settings, files, delete), the composer and the keyboard (Enter sends, Shift+Enter is
// a new line, Escape stops the running turn).

import { ApiError, conversationPath, follow, json, onUnauthorized, token } from "./api.js";
import { $, announce, toast } from "./dom.js";
import { Files } from "./files.js";
import { Sidebar } from "./sidebar.js";
import { Transcript } from "./transcript.js";

const DEFAULT_TITLE = "New conversation";
const state = { id: null, info: null, transcript: null, abort: null, running: false, options: null };
const sidebar = new Sidebar();
const files = new Files({ conversationId: () => state.id, ensureConversation: () => ensureConversation("") });
const transcriptRoot = $("#transcript");
const scroller = $("#scroller");

// --- signing in -----------------------------------------------------------------------------

async function boot() {
  wire();
  onUnauthorized(() => {
    if (!$("#app").hidden) showSignIn("Your token is no longer accepted: sign in again.");
  });
  try {
    // without a token, ask whether one is needed before asking who we are (no 401 to log)
    if (!token.get() && (await json("GET", "/api/health")).auth) return showSignIn("");
    showApp(await json("GET", "/api/me"));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) showSignIn(token.get() ? "That token is not accepted." : "");
    else showSignIn(`The server did not answer: ${error.message}`);
  }
}

function showSignIn(message) {
  closeConversation();
  token.clear();
  $("#app").hidden = true;
  $("#signin").hidden = false;
  const error = $("#signin-error");
  error.textContent = message;
  error.hidden = !message;
  $("#token").focus();
  ready("signin");
}

async function signIn(event) {
  event.preventDefault();
  token.set($("#token").value.trim());
  try {
    const me = await json("GET", "/api/me");
    $("#token").value = "";
    showApp(me);
  } catch (error) {
    showSignIn(error.status === 401 ? "That token is not accepted." : error.message);
  }
}

async function showApp(me) {
  $("#signin").hidden = true;
  $("#app").hidden = false;
  $("#user-name").textContent = me.name;
  $("#sign-out").hidden = !token.get(); // with auth off there is nobody to sign out
  const [options] = await Promise.all([json("GET", "/api/settings"), sidebar.refresh()]);
  state.options = options;
  await openConversation(routedId());
  ready("app");
}

function ready(screen) {
  document.documentElement.dataset.ready = screen;
  performance.mark(`codeact-ready-${screen}`);
}

// --- opening a conversation -----------------------------------------------------------------

function routedId() {
  const match = location.hash.match(/^#\/c\/([^/]+)$/);
  return match ? decodeURIComponent(match[1]) : null;
}

async function route() {
  togglePanel($("#toggle-sidebar"), false);
  if (routedId() !== state.id) await openConversation(routedId());
}

function closeConversation() {
  state.abort?.abort();
  state.transcript?.close();
  Object.assign(state, { id: null, info: null, transcript: null, abort: null });
}

async function openConversation(id) {
  closeConversation();
  state.id = id;
  delete document.documentElement.dataset.conversation;
  sidebar.select(id);
  transcriptRoot.replaceChildren();
  setRunning(false);
  if (!id) {
    showHeader(null);
    files.render([]);
    return;
  }
  const abort = (state.abort = new AbortController());
  try {
    const [info, { events }] = await Promise.all([
      json("GET", conversationPath(id)),
      json("GET", `${conversationPath(id, "events")}?view=ui`),
    ]);
    if (abort.signal.aborted) return;
    state.info = info;
    state.transcript = new Transcript(transcriptRoot, id);
    for (const event of events) state.transcript.add(event);
    showHeader(info);
    setRunning(info.status === "running");
    scrollToEnd();
    files.refresh();
    const last = events.length ? events[events.length - 1].id : 0;
    // wait (briefly) for the stream to be live, so that a message sent now is seen as it streams
    await new Promise((resolve) => {
      setTimeout(resolve, 2000);
      follow(id, last, (event) => onEvent(state.transcript, event), abort.signal, (connection) => {
        showConnection(connection);
        if (connection === "live") resolve();
      }).catch((error) => toast(`The live stream stopped: ${error.message}`, "error"));
    });
    performance.mark("codeact-conversation");
    document.documentElement.dataset.conversation = id;
  } catch (error) {
    if (abort.signal.aborted) return;
    state.id = null;
    showHeader(null);
    toast(error.status === 404 ? "That conversation does not exist (or is not yours)." : error.message, "error");
  }
}

function onEvent(transcript, event) {
  if (transcript !== state.transcript || !transcript.add(event)) return;
  if (event.type === "input") setRunning(true);
  if (event.type === "notice") announce(event.data.text);
  if (event.type === "run") {
    setRunning(false);
    announce(event.data.status === "finished" ? "The agent answered." : `The turn ended: ${event.data.status}.`);
    files.refresh();
    json("GET", conversationPath(state.id)).then((info) => {
      if (info.id === state.id) state.info = info;
      sidebar.upsert(info);
    }).catch(() => {});
  }
}

function showConnection(connection) {
  $("#connection").hidden = connection === "live";
}

function showHeader(info) {
  $("#title").textContent = info ? info.title : "codeact";
  document.title = info ? `${info.title} · codeact` : "codeact";
  for (const button of document.querySelectorAll("[data-needs-conversation]")) button.disabled = !info;
  const settings = info?.meta?.settings || {};
  $("#model").textContent = info ? settings.llm || state.options?.llm || "" : "";
}

function setRunning(running) {
  state.running = running;
  $("#stop").hidden = !running;
  $("#send").hidden = running;
  $("#status").textContent = running ? "Running…" : "";
  document.documentElement.classList.toggle("running", running);
}

// --- sending, stopping ----------------------------------------------------------------------

async function ensureConversation(text) {
  if (state.id) return state.id;
  const title = text.trim().split("\n")[0].slice(0, 60) || DEFAULT_TITLE;
  const info = await json("POST", "/api/conversations", { title });
  sidebar.upsert(info);
  location.hash = `#/c/${encodeURIComponent(info.id)}`;
  await openConversation(info.id);
  return info.id;
}

async function send(event) {
  event?.preventDefault();
  const input = $("#composer-input");
  const text = input.value;
  if (!text.trim()) return;
  if (state.running) {
    toast("A turn is running: wait for it, or stop it (Escape).");
    return;
  }
  input.value = "";
  try {
    const id = await ensureConversation(text);
    if (state.info && state.info.title === DEFAULT_TITLE && !transcriptRoot.childElementCount) {
      renameTo(text.trim().split("\n")[0].slice(0, 60));
    }
    const { event: stored } = await json("POST", conversationPath(id, "messages"), { text });
    if (id !== state.id) return;
    state.transcript?.add(stored); // else the history being loaded brings it
    setRunning(true);
    scrollToEnd();
  } catch (error) {
    input.value = text;
    toast(error.message, "error");
  }
}

async function stop() {
  if (!state.running || !state.id) return;
  $("#status").textContent = "Stopping…";
  try {
    await json("POST", conversationPath(state.id, "stop"));
  } catch (error) {
    toast(`Could not stop: ${error.message}`, "error");
  }
}

// --- header actions -------------------------------------------------------------------------

function startRename() {
  const form = $("#rename-form");
  $("#title").hidden = true;
  form.hidden = false;
  const input = $("#rename-input");
  input.value = state.info.title;
  input.select();
  input.focus();
}

function endRename(save) {
  const form = $("#rename-form");
  if (form.hidden) return;
  form.hidden = true;
  $("#title").hidden = false;
  const title = $("#rename-input").value.trim();
  if (save && title && title !== state.info.title) renameTo(title);
  $("#rename").focus();
}

async function renameTo(title) {
  try {
    state.info = await json("PATCH", conversationPath(state.id), { title });
    showHeader(state.info);
    sidebar.upsert(state.info);
  } catch (error) {
    toast(`Could not rename: ${error.message}`, "error");
  }
}

function openSettings() {
  const { llms, llm, max_turns: maxTurns } = state.options;
  const current = state.info.meta.settings || {};
  $("#settings-error").textContent = "";
  const select = $("#setting-llm");
  select.replaceChildren(...llms.map((name) => new Option(name, name, false, name === (current.llm || llm))));
  select.disabled = llms.length < 2;
  const turns = $("#setting-max-turns");
  turns.max = String(maxTurns);
  turns.value = String(current.max_turns || maxTurns);
  $("#settings-limit").textContent = `This server allows up to ${maxTurns} turns per message.`;
  $("#settings-dialog").showModal();
}

async function saveSettings(event) {
  event.preventDefault();
  const settings = { llm: $("#setting-llm").value, max_turns: Number($("#setting-max-turns").value) };
  try {
    state.info = await json("PATCH", conversationPath(state.id), { settings });
    showHeader(state.info);
    $("#settings-dialog").close();
    toast("Settings saved: they apply from the next message.");
  } catch (error) {
    $("#settings-error").textContent = error.message;
  }
}

async function deleteConversation(event) {
  event.preventDefault();
  $("#delete-dialog").close();
  const id = state.id;
  try {
    await json("DELETE", conversationPath(id));
    sidebar.remove(id);
    location.hash = "#/";
    toast("Conversation deleted.");
  } catch (error) {
    toast(`Could not delete: ${error.message}`, "error");
  }
}

function togglePanel(button, show) {
  const panel = $(`#${button.getAttribute("aria-controls")}`);
  const open = show ?? button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(open));
  panel.classList.toggle("open", open);
  if (panel.id === "sidebar") document.documentElement.classList.toggle("show-sidebar", open);
  if (panel.id === "files") {
    panel.hidden = !open;
    if (open) files.refresh();
  }
}

// --- scrolling, keys ------------------------------------------------------------------------

// The transcript stays scrolled to its end while the reader is there (new text, images that
// load), and stays put once they scroll up to read.
let atEnd = true;
const nearEnd = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
function scrollToEnd() {
  scroller.scrollTop = scroller.scrollHeight;
  atEnd = true;
}
scroller.addEventListener("scroll", () => { atEnd = nearEnd(); }, { passive: true });
new ResizeObserver(() => { if (atEnd) scroller.scrollTop = scroller.scrollHeight; }).observe(transcriptRoot);

function onKey(event) {
  if (event.key !== "Escape" || event.defaultPrevented || document.querySelector("dialog[open]")) return;
  if (state.running) {
    event.preventDefault();
    stop();
  } else if (document.documentElement.classList.contains("show-sidebar")) {
    togglePanel($("#toggle-sidebar"), false);
  }
}

function wire() {
  $(".skip-link").addEventListener("click", (event) => {
    event.preventDefault(); // the hash is the route: focus the box without changing it
    $("#composer-input").focus();
  });
  $("#signin-form").addEventListener("submit", signIn);
  $("#sign-out").addEventListener("click", () => showSignIn(""));
  $("#composer").addEventListener("submit", send);
  $("#composer-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) send(event);
  });
  $("#stop").addEventListener("click", stop);
  $("#new-conversation").addEventListener("click", async () => {
    closeConversation();
    try {
      await ensureConversation(DEFAULT_TITLE);
      $("#composer-input").focus();
    } catch (error) {
      toast(error.message, "error");
    }
  });
  $("#rename").addEventListener("click", startRename);
  $("#rename-form").addEventListener("submit", (event) => { event.preventDefault(); endRename(true); });
  $("#rename-input").addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); endRename(false); }
  });
  $("#rename-input").addEventListener("blur", () => endRename(true));
  $("#open-settings").addEventListener("click", openSettings);
  $("#settings-form").addEventListener("submit", saveSettings);
  $("#settings-cancel").addEventListener("click", () => $("#settings-dialog").close());
  $("#delete").addEventListener("click", () => $("#delete-dialog").showModal());
  $("#delete-form").addEventListener("submit", deleteConversation);
  $("#delete-cancel").addEventListener("click", () => $("#delete-dialog").close());
  for (const id of ["toggle-sidebar", "toggle-files"]) {
    $(`#${id}`).addEventListener("click", (event) => togglePanel(event.currentTarget));
  }
  $("#close-files").addEventListener("click", () => togglePanel($("#toggle-files"), false));
  document.addEventListener("keydown", onKey);
  window.addEventListener("hashchange", route);
}

boot();
