"""Generates the household sample: ALFWorld task specs (`task_type`, `pddl_params`) with seeds."""

from __future__ import annotations

import random
from typing import Any

from codeact.data.envs.household import TASK_TYPES

FOOD = ["apple", "tomato", "potato", "egg", "lettuce", "bread"]
WARE = ["mug", "cup", "plate", "bowl", "pan", "pot"]
THINGS = ["book", "pen", "pencil", "cellphone", "keychain", "creditcard", "remotecontrol", "cd",
          "alarmclock", "watch", "vase", "statue"]  # fmt: skip
BATH = ["soapbar", "cloth", "towel", "spraybottle", "toiletpaper", "candle"]
PLACES = {
    "food": ["countertop", "fridge", "diningtable", "cabinet", "garbagecan"],
    "ware": ["cabinet", "countertop", "diningtable", "shelf", "sidetable"],
    "things": ["desk", "shelf", "dresser", "sidetable", "bed", "sofa", "safe", "armchair"],
    "bath": ["cabinet", "toilet", "shelf", "countertop", "drawer"],
}
GROUPS = {"food": FOOD, "ware": WARE, "things": THINGS, "bath": BATH}
SUITABLE = {
    "pick_and_place_simple": ["food", "ware", "things", "bath"],
    "pick_two_obj_and_place": ["food", "ware", "things", "bath"],
    "pick_clean_then_place_in_recep": ["food", "ware", "bath"],
    "pick_heat_then_place_in_recep": ["food", "ware"],
    "pick_cool_then_place_in_recep": ["food", "ware"],
    "look_at_obj_in_light": ["things"],
}
EXCLUDE = {"pick_clean_then_place_in_recep": {"sinkbasin"},
           "pick_heat_then_place_in_recep": {"microwave", "stoveburner"},
           "pick_cool_then_place_in_recep": {"fridge"}}  # fmt: skip


def generate(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    seen = set()
    types = list(TASK_TYPES)
    while len(rows) < n:
        task_type = types[len(rows) % len(types)]
        group = rng.choice(SUITABLE[task_type])
        obj = rng.choice(GROUPS[group])
        params = {"object_target": obj, "parent_target": "", "toggle_target": "", "mrecep_target": "",
                  "object_sliced": False}  # fmt: skip
        if task_type == "look_at_obj_in_light":
            params["toggle_target"] = rng.choice(["desklamp", "floorlamp"])
        else:
            params["parent_target"] = rng.choice(
                [p for p in PLACES[group] if p not in EXCLUDE.get(task_type, set())]
            )
        world_seed = rng.randrange(10**9)
        key = (task_type, obj, params["parent_target"], params["toggle_target"])
        if (
            key in seen and rng.random() < 0.7
        ):  # mostly distinct goals, a few repeats in new layouts
            continue
        seen.add(key)
        rows.append({"id": f"{task_type}-{obj}-{len(rows)}", "task_type": task_type,
                     "pddl_params": params, "seed": world_seed})  # fmt: skip
    return rows
