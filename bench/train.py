"""The paper's CodeActAgent result in miniature, on this machine's CPU. Prints JSON and writes
report.md, report.json and report.png (like the paper's Table 4) to --out.

    .venv/bin/python bench/train.py [--quick] [--out runs/miniature] [--report docs/results/miniature]

1. generate expert trajectories on the train split of the five data environments, filter them;
2. export them mixed with general conversations (the shipped ShareGPT sample less a held-out
   part);
3. fine-tune the bundled SmolLM2-135M-Instruct on CPU (`codeact.train`, the cpu preset with the
   options below), export it to GGUF;
4. evaluate the base model (the bundled GGUF) and the fine-tuned one with the code format on
   (a) the test split of the data environments (in-domain, like MINT ID; the protocol the data
   was made under: 5 turns, 2 solutions, the budget countdown) and (b) the `multiturn` benchmark
   (out of domain, like M3ToolEval), reporting success %, average turns and the valid-action
   rate (the share of turns whose reply parsed as a code action or a solution); and
   (c) the loss on the held-out general conversations, base against fine-tuned.

Every phase resumes: rerunning the command skips what is done. The whole run is meant to fit in
90 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from codeact.bench.runner import GridConfig, read_rows, run_grid
from codeact.data.conversations import load_conversations
from codeact.data.dataset import read_trajectories, write_trajectories
from codeact.data.envs import ENVIRONMENTS
from codeact.data.export import ExportConfig, export, general_sample
from codeact.data.filter import filter_trajectories
from codeact.data.generate import GenerateConfig, generate
from codeact.data.io import write_jsonl
from codeact.train.config import load_config
from codeact.train.recipe import train

ENVS = list(ENVIRONMENTS)
FULL = {"train_per_env": 8, "test_per_env": 4, "ood_per_domain": 2, "heldout_general": 7,
        "mix_ratio": 0.15, "epochs": 1.0, "max_steps": -1, "learning_rate": 1e-4,
        "global_batch_size": 4, "warmup_steps": 2, "max_length": 1024, "bf16": True,
        "logging_steps": 2, "eval_turns": 5, "reply_tokens": 256, "workers": 2,
        "threads": None}  # fmt: skip
QUICK = {**FULL, "train_per_env": 2, "test_per_env": 1, "ood_per_domain": 1, "max_steps": 2,
         "global_batch_size": 2}  # fmt: skip


class Phases:
    """Times the phases. A rerun resumes (a finished phase is skipped), so each phase's seconds
    add up over the runs in ROOT/phases.json: the report gives what the whole run cost, with the
    5-minute load average at the end of each phase's longest run (the cores are shared)."""

    def __init__(self, root: Path) -> None:
        self.path = root / "phases.json"
        saved = json.loads(self.path.read_text()) if self.path.exists() else {}
        self.seconds: dict[str, float] = saved.get("seconds", {})
        self.load: dict[str, float] = saved.get("load_average", {})
        self.longest: dict[str, float] = saved.get("longest", {})

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        print(f"[miniature] {name}…", flush=True)
        started = time.perf_counter()
        yield
        spent = time.perf_counter() - started
        self.seconds[name] = round(self.seconds.get(name, 0.0) + spent, 1)
        if spent >= self.longest.get(name, 0.0):  # the run that did the work
            self.longest[name] = round(spent, 1)
            self.load[name] = round(os.getloadavg()[1], 2)
        self.seconds["total"] = round(sum(v for k, v in self.seconds.items() if k != "total"), 1)
        saved = {"seconds": self.seconds, "load_average": self.load, "longest": self.longest}
        self.path.write_text(json.dumps(saved))
        print(f"[miniature] {name}: {spent:.1f} s", flush=True)


def make_data(root: Path, p: dict[str, Any]) -> dict[str, Any]:
    generate(
        GenerateConfig(envs=ENVS, n=p["train_per_env"], out=root / "gen", workers=p["workers"])
    )
    kept, report = filter_trajectories(read_trajectories(root / "gen"))
    write_trajectories(root / "kept.jsonl", kept)
    general = load_conversations(general_sample())
    heldout, mixable = general[: p["heldout_general"]], general[p["heldout_general"] :]
    write_jsonl(root / "general-heldout.jsonl", heldout)
    write_jsonl(root / "general-mix.jsonl", mixable)
    if not (root / "export").exists():
        export(
            kept,
            ExportConfig(
                root / "export", ["messages"], [root / "general-mix.jsonl"], p["mix_ratio"]
            ),
        )
    manifest = json.loads((root / "export" / "manifest.json").read_text())
    return {"generated": report.total, "kept": report.kept, "removed": report.removed,
            "rows": manifest["rows"], "general_rows": manifest["general"]}  # fmt: skip


def fine_tune(root: Path, p: dict[str, Any]) -> dict[str, Any]:
    done = root / "model" / "train.json"
    if done.exists():
        return dict(json.loads(done.read_text()))
    options = {k: p[k] for k in ("epochs", "max_steps", "learning_rate", "global_batch_size",
                                 "warmup_steps", "max_length", "bf16", "logging_steps",
                                 "threads")}  # fmt: skip
    resume = (root / "model" / "checkpoints").is_dir()
    config = load_config("cpu", None, {"data": root / "export", "out": root / "model",
                                       "resume": resume, "save_steps": 10, **options})  # fmt: skip
    return train(config)


def evaluate(root: Path, models: dict[str, str], p: dict[str, Any]) -> dict[str, Any]:
    options = {"max_tokens": p["reply_tokens"], "n_ctx": 4096}  # to every model (both local:)
    grids = [GridConfig(f"data:{env}:test", list(models.values()), ["code"], out=root / "eval-id",
                        max_turns=p["eval_turns"], max_solutions=2, countdown=True,
                        limit=p["test_per_env"], workers=p["workers"], llm_options=options)
             for env in ENVS]  # fmt: skip
    grids.append(GridConfig("multiturn", list(models.values()), ["code"], out=root / "eval-ood",
                            max_turns=p["eval_turns"], per_domain=p["ood_per_domain"],
                            workers=p["workers"], llm_options=options))  # fmt: skip
    for grid in grids:
        run_grid(grid)
    names = {spec: name for name, spec in models.items()}
    return {"in_domain": _scores(read_rows(root / "eval-id" / "results.jsonl"), names),
            "out_of_domain": _scores(read_rows(root / "eval-ood" / "results.jsonl"), names)}  # fmt: skip


def _scores(rows: list[dict[str, Any]], names: dict[str, str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for spec, name in names.items():
        mine = [r for r in rows if r["model"] == spec]
        errors = [r["error"] for r in mine if r.get("error")]
        turns = valid = 0
        for row in mine:
            if row.get("trajectory"):
                steps = json.loads(Path(row["trajectory"]).read_text())["steps"]
                turns += len(steps)
                valid += sum(_valid(s) for s in steps)
        out[name] = {
            "episodes": len(mine),
            "success_pct": round(100 * sum(bool(r.get("success")) for r in mine) / max(1, len(mine)), 1),
            "avg_turns": round(sum(r.get("turns") or 0 for r in mine) / max(1, len(mine)), 2),
            "valid_action_pct": round(100 * valid / max(1, turns), 1),
            "turns": turns, "errors": len(errors),
        }  # fmt: skip
    return out


def _valid(step: dict[str, Any]) -> bool:
    """The reply parsed as an action (code or a solution): no format error, not plain text."""
    action = step.get("action") or {}
    return step.get("format_error") is None and action.get("type") in ("CodeAction", "Finish")


def general_loss(root: Path) -> dict[str, float]:
    done = root / "general_loss.json"
    if done.exists():
        return dict(json.loads(done.read_text()))
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from codeact.train.base import load_base
    from codeact.train.evaluate import conversation_loss

    rows = load_conversations(root / "general-heldout.jsonl")
    base = load_base("embedded")
    tuned = root / "model" / "model"
    model = AutoModelForCausalLM.from_pretrained(str(tuned), dtype="float32")
    tokenizer = AutoTokenizer.from_pretrained(str(tuned))
    loss = {"base": round(conversation_loss(base.model, base.tokenizer, rows), 4),
            "fine-tuned": round(conversation_loss(model, tokenizer, rows), 4),
            "conversations": len(rows)}  # fmt: skip
    done.write_text(json.dumps(loss))
    return loss


def markdown(result: dict[str, Any]) -> str:
    ev, loss, tr = result["eval"], result["general_loss"], result["training"]
    lines = ["# The CodeActAgent result in miniature (SmolLM2-135M-Instruct, CPU)", "",
             "| model | in-domain success % | in-domain avg turns | in-domain valid actions % "
             "| out-of-domain success % | out-of-domain avg turns | out-of-domain valid actions % "
             "| held-out general loss |", "|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for name in ("base", "fine-tuned"):
        i, o = ev["in_domain"][name], ev["out_of_domain"][name]
        lines.append(f"| {name} | {i['success_pct']} | {i['avg_turns']} | {i['valid_action_pct']} "
                     f"| {o['success_pct']} | {o['avg_turns']} | {o['valid_action_pct']} | {loss[name]} |")  # fmt: skip
    data = tr["data"]
    lines += ["", f"In-domain: {ev['in_domain']['base']['episodes']} test episodes per model "
              f"(the five data environments); out-of-domain: {ev['out_of_domain']['base']['episodes']} "
              f"`multiturn` episodes per model; held-out general loss over {loss['conversations']} "
              "conversations (nats per assistant token).", "",
              f"Training: {data['examples']} conversations ({data['tokens']:,} tokens, "
              f"{data['supervised_tokens']:,} supervised; {data['truncated']} truncated), "
              f"{tr['steps']} steps, {tr['epochs']} epochs, loss {tr['first_loss']:.3f} -> {tr['last_loss']:.3f}, "
              f"{tr['tokens_per_second']} tokens/s, peak memory {tr['peak_memory_mib']:,.0f} MiB, "
              f"{tr['seconds']} s.", "",
              "Phases (s): " + ", ".join(f"{k} {v}" for k, v in result["seconds"].items()) + ".",
              "", "5-minute load average at the end of each phase (2 cores, shared with other "
              "work): " + ", ".join(f"{k} {v}" for k, v in result["load_average"].items())
              + ".", ""]  # fmt: skip
    return "\n".join(lines)


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ev = result["eval"]
    metrics = [("in_domain", "success_pct", "in-domain\nsuccess %"),
               ("in_domain", "valid_action_pct", "in-domain\nvalid actions %"),
               ("out_of_domain", "success_pct", "out-of-domain\nsuccess %"),
               ("out_of_domain", "valid_action_pct", "out-of-domain\nvalid actions %")]  # fmt: skip
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), gridspec_kw={"width_ratios": [4, 1]})
    for k, name in enumerate(("base", "fine-tuned")):
        values = [ev[split][name][metric] for split, metric, _ in metrics]
        left.bar([i + 0.4 * k for i in range(len(metrics))], values, 0.4, label=name)
        right.bar([0.4 * k], [result["general_loss"][name]], 0.4, label=name)
    left.set_xticks([i + 0.2 for i in range(len(metrics))], [m[2] for m in metrics])
    left.set_ylim(0, 100)
    left.legend()
    left.set_title("agent tasks, code actions")
    right.set_xticks([0.2], ["held-out general\nloss (lower is better)"])
    right.set_title("general ability")
    fig.suptitle("SmolLM2-135M-Instruct: base vs fine-tuned on CodeActInstruct-style data (CPU)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few minutes: checks the script")
    parser.add_argument("--out", type=Path, default=Path("runs/miniature"))
    parser.add_argument("--report", type=Path, default=None, help="also write the report here")
    parser.add_argument("--threads", type=int, default=None, help="torch threads for training")
    args = parser.parse_args()
    p = {**(QUICK if args.quick else FULL), "threads": args.threads}
    root = args.out
    root.mkdir(parents=True, exist_ok=True)
    phase = Phases(root)
    with phase("data"):
        data = make_data(root, p)
    with phase("train"):
        training = fine_tune(root, p)
    models = {"base": "local", "fine-tuned": f"local:{(root / 'model' / 'model.gguf').resolve()}"}
    with phase("evaluate"):
        scores = evaluate(root, models, p)
    with phase("general_loss"):
        loss = general_loss(root)
    result = {"parameters": p, "data": data, "training": training, "eval": scores,
              "general_loss": loss, "seconds": phase.seconds, "load_average": phase.load}  # fmt: skip
    for folder in filter(None, (root, args.report)):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "report.json").write_text(json.dumps(result, indent=1))
        (folder / "report.md").write_text(markdown(result))
        plot(result, folder / "report.png")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
