// A conversation's transcript: events (server/view.py) in, DOM out. History and live events
// take the same path, so a reloaded page shows exactly what was seen live.
//
// A user's `input` opens a turn. The agent's side of a turn is a list of steps: the model's
// words (streamed as plain text by `token`, replaced by the rendered markdown of `message`),
// the `code` it runs, the `output` as it is produced (replaced by the step's final output) and
// its images. The turn's `run` event ends it, with the final answer marked.

import { imageUrl } from "./api.js";
import { el, setHtml } from "./dom.js";

const MAX_LIVE_OUTPUT = 200_000; // characters of live output kept while a cell runs
const STATUS_TEXT = {
  finished: "",
  replied: "",
  interrupted: "Stopped.",
  max_turns: "Stopped: the turn limit was reached.",
  max_tokens: "Stopped: the token budget ran out.",
  wall_time: "Stopped: the time budget ran out.",
  error: "The turn failed.",
};

export class Transcript {
  constructor(root, conversationId) {
    this.root = root;
    this.id = conversationId;
    this.seen = new Set(); // stored events already shown (the POST answer and the stream both bring an input)
    this.agent = null; // the agent's side of the current turn
    this.step = null; // the step being written
    this.images = new IntersectionObserver((entries) => this.#loadVisible(entries), {
      root: root.parentElement,
      rootMargin: "600px 0px",
    });
  }

  close() {
    this.images.disconnect();
    for (const img of this.root.querySelectorAll("img[src^='blob:']")) URL.revokeObjectURL(img.src);
  }

  /** Show one event; returns false if it was shown before. */
  add(event) {
    if (event.id !== null && event.id !== undefined) {
      if (this.seen.has(event.id)) return false;
      this.seen.add(event.id);
    }
    const handler = this.handlers[event.type];
    if (handler) handler.call(this, event.data);
    return true;
  }

  handlers = {
    input(data) {
      this.#endTurn();
      this.root.append(
        el("article", { class: "msg user", "aria-label": "Your message" },
          el("div", { class: "who" }, "You"),
          el("div", { class: "text" }, data.text)),
      );
    },
    notice(data) {
      this.#container().append(banner("warn", "Kernel", data.text));
    },
    error(data) {
      this.#container().append(banner("error", "Error", data.message));
    },
    token(data) {
      const step = this.#openStep();
      if (!step.stream) {
        step.stream = document.createTextNode("");
        step.thought.replaceChildren(el("p", { class: "streaming" }, step.stream));
      }
      step.stream.appendData(data.text);
    },
    message(data) {
      const step = this.#openStep();
      step.stream = null;
      if (data.html) setHtml(step.thought, data.html);
      else step.thought.replaceChildren();
      this.#loadImagesIn(step.thought);
    },
    code(data) {
      const step = this.#openStep();
      const code = el("code");
      setHtml(code, data.html);
      step.node.classList.add("running");
      step.node.append(
        el("details", { class: "code", open: true },
          step.summary = el("summary", {}, "Python · running…"),
          el("pre", { class: "hl", tabindex: "0" }, code)),
      );
    },
    output(data) {
      const out = this.#output(this.#openStep());
      if (out.textContent.length < MAX_LIVE_OUTPUT) out.append(data.text);
    },
    step(data) {
      const step = this.#openStep();
      step.node.classList.remove("running");
      if (step.summary) step.summary.textContent = stepSummary(data);
      if (data.output || data.error) {
        const out = this.#output(step);
        out.textContent = data.output;
        if (data.error) {
          out.parentElement.classList.add("failed");
          out.previousElementSibling.textContent = `Error: ${data.error.name}`;
        }
      } else if (step.out) {
        step.out.parentElement.remove();
      }
      for (const [index, path] of data.images.entries()) {
        const img = el("img", { "data-workspace": path, alt: `Figure ${index + 1} of step ${data.turn}` });
        step.node.append(el("figure", { class: "figure" }, img));
        this.images.observe(img);
      }
      for (const text of data.notices) step.node.append(banner("warn", "Kernel", text));
      if (data.format_error) {
        step.node.append(banner("note", "The model's reply could not be read", data.format_error));
      }
      if (!step.node.textContent.trim()) step.node.remove(); // a reply: the answer shows it
      this.step = null;
    },
    run(data) {
      const step = this.step;
      if (step && step.stream) step.thought.firstChild.classList.add("cut");
      if (step) step.node.classList.remove("running");
      this.step = null;
      const agent = this.#container();
      agent.dataset.status = data.status;
      if (data.html) {
        const body = el("div", { class: "md" });
        setHtml(body, data.html);
        agent.append(
          el("section", { class: "answer", "aria-label": "Final answer" },
            el("div", { class: "badge" }, data.status === "replied" ? "Reply" : "Final answer"),
            body),
        );
        this.#loadImagesIn(body);
      }
      const text = STATUS_TEXT[data.status] ?? `Ended: ${data.status}.`;
      if (text) agent.append(el("p", { class: `run-end ${data.status}` }, text));
      this.#endTurn();
    },
  };

  #container() {
    if (!this.agent) {
      this.agent = el("article", { class: "msg agent", "aria-label": "The agent's turn" },
        el("div", { class: "who" }, "Agent"));
      this.root.append(this.agent);
    }
    return this.agent;
  }

  #openStep() {
    if (!this.step) {
      const thought = el("div", { class: "md thought" });
      const node = el("div", { class: "step" }, thought);
      this.#container().append(node);
      this.step = { node, thought, stream: null, summary: null, out: null };
    }
    return this.step;
  }

  #output(step) {
    if (!step.out) {
      step.out = el("pre", { class: "out", tabindex: "0" });
      step.node.append(el("details", { class: "output", open: true }, el("summary", {}, "Output"), step.out));
    }
    return step.out;
  }

  #endTurn() {
    this.agent = null;
    this.step = null;
  }

  #loadImagesIn(node) {
    for (const img of node.querySelectorAll("img[data-workspace]")) this.images.observe(img);
  }

  // images load when they come near the screen: a long history does not fetch them all
  #loadVisible(entries) {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const img = entry.target;
      this.images.unobserve(img);
      imageUrl(this.id, img.dataset.workspace)
        .then((url) => {
          if (url) img.src = url;
          else img.replaceWith(el("span", { class: "missing" }, `[${img.dataset.workspace} is not an image]`));
        })
        .catch(() => img.replaceWith(el("span", { class: "missing" }, `[${img.dataset.workspace} is gone]`)));
    }
  }
}

function banner(kind, title, text) {
  return el("div", { class: `banner ${kind}`, role: "note" }, el("strong", {}, `${title}: `), text);
}

function stepSummary(data) {
  const parts = [`Python · step ${data.turn}`];
  if (data.seconds !== null && data.seconds !== undefined) parts.push(`${data.seconds.toFixed(2)} s`);
  return parts.join(" · ");
}
