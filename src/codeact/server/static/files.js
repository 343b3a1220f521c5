// The workspace panel: the conversation's files with download links, uploads (a file picker or
// drag and drop anywhere on the conversation), and the notebook and trajectory exports.

import { call, conversationPath, download, json } from "./api.js";
import { $, el, formatSize, toast } from "./dom.js";

export class Files {
  constructor({ conversationId, ensureConversation }) {
    this.conversationId = conversationId; // () => the open conversation's id, or null
    this.ensureConversation = ensureConversation; // () => Promise of an id (made if none)
    this.list = $("#file-list");
    $("#attach").addEventListener("click", () => $("#upload-input").click());
    $("#upload-input").addEventListener("change", (event) => {
      this.upload([...event.target.files]);
      event.target.value = "";
    });
    $("#export-notebook").addEventListener("click", (event) => this.#export(event, "notebook", ".ipynb"));
    $("#export-trajectory").addEventListener("click", (event) => this.#export(event, "trajectory", ".json"));
    this.list.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-path]");
      if (!link) return;
      event.preventDefault();
      const path = link.dataset.path;
      download(conversationPath(this.conversationId(), "files", path), path.split("/").pop())
        .catch((error) => toast(`Could not download ${path}: ${error.message}`, "error"));
    });
    this.#acceptDrops($("#conversation"));
  }

  async refresh() {
    const id = this.conversationId();
    if (!id) {
      this.render([]);
      return;
    }
    try {
      const { files } = await json("GET", conversationPath(id, "files"));
      if (id === this.conversationId()) this.render(files);
    } catch (error) {
      toast(`Could not list the workspace: ${error.message}`, "error");
    }
  }

  render(files) {
    const id = this.conversationId();
    const shown = files.filter((f) => f.type !== "directory");
    const items = shown.map((f) =>
      f.type === "file"
        ? el("li", {},
          el("a", { href: conversationPath(id, "files", f.path), "data-path": f.path, download: f.path.split("/").pop() }, f.path),
          el("span", { class: "size" }, formatSize(f.size)))
        : el("li", { class: "unreadable" }, el("span", {}, f.path), el("span", { class: "size" }, `${f.type}, not downloadable`)));
    if (!items.length) items.push(el("li", { class: "empty" }, "No files yet."));
    this.list.replaceChildren(...items);
  }

  async upload(files) {
    if (!files.length) return;
    let id;
    try {
      id = await this.ensureConversation();
    } catch (error) {
      toast(`Could not start a conversation: ${error.message}`, "error");
      return;
    }
    for (const file of files) {
      try {
        await call("PUT", conversationPath(id, "files", file.name), file);
        toast(`Uploaded ${file.name} to the workspace.`);
      } catch (error) {
        toast(`Could not upload ${file.name}: ${error.message}`, "error");
      }
    }
    await this.refresh();
  }

  async #export(event, what, extension) {
    event.preventDefault();
    const id = this.conversationId();
    if (!id) return;
    const title = ($("#title").textContent || id).replace(/[^\w.-]+/g, "_").slice(0, 80);
    try {
      await download(conversationPath(id, what), `${title}${extension}`);
    } catch (error) {
      toast(`Could not export the ${what}: ${error.message}`, "error");
    }
  }

  #acceptDrops(zone) {
    const overlay = $("#drop-overlay");
    let depth = 0; // dragenter/dragleave fire for every child crossed
    const hasFiles = (event) => [...(event.dataTransfer?.types || [])].includes("Files");
    zone.addEventListener("dragenter", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth += 1;
      overlay.hidden = false;
    });
    zone.addEventListener("dragover", (event) => {
      if (hasFiles(event)) event.preventDefault();
    });
    zone.addEventListener("dragleave", () => {
      depth = Math.max(0, depth - 1);
      if (!depth) overlay.hidden = true;
    });
    zone.addEventListener("drop", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth = 0;
      overlay.hidden = true;
      this.upload([...event.dataTransfer.files]);
    });
  }
}
