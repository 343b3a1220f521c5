// The conversation list: newest first, searched by title on the server (GET ?q=).

import { json } from "./api.js";
import { $, el, formatTime, toast } from "./dom.js";

export class Sidebar {
  constructor() {
    this.list = $("#conversation-list");
    this.search = $("#search");
    this.current = null;
    this.conversations = [];
    let timer = 0;
    this.search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.refresh(), 150);
    });
  }

  async refresh() {
    const query = this.search.value.trim();
    const path = `/api/conversations${query ? `?q=${encodeURIComponent(query)}` : ""}`;
    try {
      const { conversations } = await json("GET", path);
      if (query !== this.search.value.trim()) return; // a newer search is on its way
      this.conversations = conversations;
      this.render();
    } catch (error) {
      toast(`Could not list conversations: ${error.message}`, "error");
    }
  }

  render() {
    const items = this.conversations.map((c) =>
      el("li", {},
        el("a", {
          href: `#/c/${encodeURIComponent(c.id)}`,
          class: "conversation-link",
          "aria-current": c.id === this.current ? "page" : false,
          "data-id": c.id,
        },
          el("span", { class: "conversation-title" }, c.title),
          el("span", { class: "conversation-meta" },
            c.status === "running" ? "running · " : "", formatTime(c.updated)))));
    if (!items.length) {
      const text = this.search.value.trim() ? "No conversation has that in its title." : "No conversations yet.";
      items.push(el("li", { class: "empty" }, text));
    }
    this.list.replaceChildren(...items);
  }

  select(id) {
    this.current = id;
    for (const link of this.list.querySelectorAll(".conversation-link")) {
      if (link.dataset.id === id) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }

  /** Put a changed conversation's new info in the list (and first, as the newest). */
  upsert(info) {
    this.conversations = [info, ...this.conversations.filter((c) => c.id !== info.id)];
    this.render();
  }

  remove(id) {
    this.conversations = this.conversations.filter((c) => c.id !== id);
    this.render();
  }
}
