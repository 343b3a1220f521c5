"""Household: ALFWorld-style tasks in a text world of our own, acted on through host tools.

The world (`world.py`) is generated from a seed: rooms, numbered receptacles (some closed) and
objects. The actions are ALFWorld's vocabulary as Python functions that run on the host, so the
state never enters the sandbox: `goto`, `take_from`, `put`, `open_receptacle`,
`close_receptacle`, `toggle`, `clean`, `heat`, `cool`, `use`, `look` and `inventory`. The six task
types are ALFWorld's. A task is read from ALFWorld's own files (`traj_data.json`: `task_type` and
`pddl_params`) or from our JSONL of the same fields plus a `seed`; the check reads the world's
final state. The expert searches the receptacles with a loop, reads where the object is, and acts.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeact.contracts import Tool
from codeact.data.envs.base import (
    Environment,
    Policy,
    Record,
    Submission,
    execute,
    failed,
    require,
    samples_dir,
    solution,
    split_folder,
)
from codeact.data.envs.world import CLEANERS, COOLERS, HEATERS, Receptacle, Thing, World
from codeact.data.io import DataFileError, field, iter_jsonl, read_json
from codeact.tools.function import FunctionTool

TASK_TYPES = {
    "pick_and_place_simple": "put a {obj} in {recep}.",
    "look_at_obj_in_light": "look at {obj} under the {lamp}.",
    "pick_clean_then_place_in_recep": "put a clean {obj} in {recep}.",
    "pick_heat_then_place_in_recep": "put a hot {obj} in {recep}.",
    "pick_cool_then_place_in_recep": "put a cool {obj} in {recep}.",
    "pick_two_obj_and_place": "put two {obj} in {recep}.",
}
STATE = {"pick_clean_then_place_in_recep": "clean", "pick_heat_then_place_in_recep": "hot",
         "pick_cool_then_place_in_recep": "cool"}  # fmt: skip
APPLIANCE = {"clean": CLEANERS[0], "hot": HEATERS[0], "cool": COOLERS[0]}
NOTHING = "Nothing happens."
PROMPT = (
    "{overview}\nYour task is to: {goal}\n\nAct by calling the action functions in the kernel; each "
    "returns what you observe (print it). When the task is done, reply <solution>done</solution>."
)


@dataclass
class HouseholdTask(Record):
    task_type: str
    obj: str
    recep: str
    lamp: str
    seed: int

    @property
    def count(self) -> int:
        return 2 if self.task_type == "pick_two_obj_and_place" else 1

    def world(self) -> World:
        fixtures = {self.recep} if self.recep else set()
        if self.task_type in STATE:
            fixtures.add(APPLIANCE[STATE[self.task_type]])
        if self.lamp:
            fixtures.add("desk" if self.lamp == "desklamp" else "sidetable")
        return World(self.seed, {self.obj: self.count}, fixtures, {self.recep})


class Household:
    """The actions, bound to one world; the check reads `world` afterwards."""

    def __init__(self, world: World) -> None:
        self.world = world

    def goto(self, receptacle: str) -> str:
        """Go to a receptacle, e.g. goto("countertop 1"); returns what you see there."""
        r = self.world.receptacle(receptacle)
        self.world.location = r
        return f"You arrive at {r.name}. {self.world.describe(r)}"

    def take_from(self, object: str, receptacle: str) -> str:
        """Pick up an object from the receptacle you are at, e.g. take_from("apple 1", "fridge 1")."""
        r = self._here(receptacle)
        thing = self.world.thing_here(object, r)
        if thing is None or self.world.holding is not None or (r.openable and not r.is_open):
            return NOTHING
        r.contents.remove(thing)
        self.world.holding = thing
        return f"You pick up the {thing.name} from the {r.name}."

    def put(self, object: str, receptacle: str) -> str:
        """Put the object you hold in or on the receptacle you are at, e.g. put("apple 1", "fridge 1")."""
        r = self._here(receptacle)
        thing = self._held(object)
        if thing is None or (r.openable and not r.is_open):
            return NOTHING
        r.contents.append(thing)
        self.world.holding = None
        return f"You put the {thing.name} {'in' if r.openable else 'on'} the {r.name}."

    def open_receptacle(self, receptacle: str) -> str:
        """Open a receptacle you are at, e.g. open_receptacle("cabinet 2")."""
        r = self._here(receptacle)
        if not r.openable or r.is_open:
            return NOTHING
        r.is_open = True
        return f"You open the {r.name}. {self.world.describe(r)}"

    def close_receptacle(self, receptacle: str) -> str:
        """Close a receptacle you are at, e.g. close_receptacle("cabinet 2")."""
        r = self._here(receptacle)
        if not r.openable or not r.is_open:
            return NOTHING
        r.is_open = False
        return f"You close the {r.name}."

    def toggle(self, object_or_receptacle: str) -> str:
        """Turn a lamp (or an appliance) at your location on or off, e.g. toggle("desklamp 1")."""
        r = self.world.location
        name = " ".join(str(object_or_receptacle).lower().split())
        if r is None or r.lamp is None or r.lamp.name != name:
            return NOTHING
        r.lamp_on = not r.lamp_on
        return f"You turn {'on' if r.lamp_on else 'off'} the {r.lamp.name}."

    def use(self, object: str) -> str:
        """Use an object at your location, e.g. use("desklamp 1") switches the lamp on."""
        r = self.world.location
        if r is None or r.lamp is None or r.lamp.name != " ".join(str(object).lower().split()):
            return NOTHING
        r.lamp_on = True
        return f"You turn on the {r.lamp.name}."

    def clean(self, object: str, receptacle: str) -> str:
        """Clean the object you hold with a sink or basin you are at, e.g. clean("mug 1", "sinkbasin 1")."""
        return self._treat(object, receptacle, CLEANERS, "clean", "clean")

    def heat(self, object: str, receptacle: str) -> str:
        """Heat the object you hold with a microwave or stove you are at, e.g. heat("egg 1", "microwave 1")."""
        return self._treat(object, receptacle, HEATERS, "hot", "heat")

    def cool(self, object: str, receptacle: str) -> str:
        """Cool the object you hold with a fridge you are at, e.g. cool("apple 1", "fridge 1")."""
        return self._treat(object, receptacle, COOLERS, "cool", "cool")

    def look(self) -> str:
        """Look around where you are."""
        r = self.world.location
        if r is None:
            return self.world.overview()
        return f"You are facing the {r.name}. {self.world.describe(r)}"

    def inventory(self) -> str:
        """What you are carrying."""
        held = self.world.holding
        return f"You are carrying: a {held.name}." if held else "You are not carrying anything."

    def tools(self) -> list[Tool]:
        actions: list[Callable[..., Any]] = [self.goto, self.take_from, self.put, self.open_receptacle, self.close_receptacle,
                   self.toggle, self.clean, self.heat, self.cool, self.use, self.look, self.inventory]  # fmt: skip
        return [FunctionTool(action) for action in actions]

    def _here(self, receptacle: str) -> Receptacle:
        r = self.world.receptacle(receptacle)
        if self.world.location is not r:
            raise ValueError(f"you are not at {r.name}; goto({r.name!r}) first")
        return r

    def _held(self, name: str) -> Thing | None:
        key = " ".join(str(name).lower().split())
        self.world.check_object_name(key)
        held = self.world.holding
        return held if held is not None and held.name == key else None

    def _treat(
        self, obj: str, receptacle: str, kinds: tuple[str, ...], state: str, verb: str
    ) -> str:
        r = self._here(receptacle)
        thing = self._held(obj)
        if thing is None or r.kind not in kinds:
            return NOTHING
        setattr(thing, "hot" if state == "hot" else state, True)
        return f"You {verb} the {thing.name} using the {r.name}."


def goal_reached(task: HouseholdTask, world: World) -> bool:
    if task.task_type == "look_at_obj_in_light":
        here, held = world.location, world.holding
        return bool(here and here.lamp and here.lamp.kind == task.lamp and here.lamp_on
                    and held and held.kind == task.obj)  # fmt: skip
    state = STATE.get(task.task_type)
    placed = [t for r in world.receptacles.values() if r.kind == task.recep for t in r.contents
              if t.kind == task.obj and (state is None or getattr(t, state))]  # fmt: skip
    return len(placed) >= task.count


class HouseholdEnv(Environment[HouseholdTask]):
    name = "household"
    description = "ALFWorld-style household tasks in a generated text world, with host-side actions"

    def load(self, split: str, path: Path | None = None) -> list[HouseholdTask]:
        path = path or samples_dir("household") / f"{split}.jsonl"
        if path.is_dir():
            root = split_folder(path, split)
            return [_task(read_json(f), str(f.parent.relative_to(root)), str(f))
                    for f in sorted(root.rglob("traj_data.json"))]  # fmt: skip
        return [_task(row, str(row.get("id", n)), f"{path}:{n}") for n, row in iter_jsonl(path)]

    def prompt(self, record: HouseholdTask) -> str:
        goal = TASK_TYPES[record.task_type].format(
            obj=record.obj, recep=record.recep, lamp=record.lamp
        )
        return PROMPT.format(overview=record.world().overview(), goal=goal)

    def tools(self, record: HouseholdTask) -> list[Tool]:
        return Household(record.world()).tools()

    def check(self, record: HouseholdTask, submission: Submission) -> bool:
        worlds = [getattr(getattr(t, "func", None), "__self__", None) for t in submission.tools]
        house = next((w for w in worlds if isinstance(w, Household)), None)
        return house is not None and goal_reached(record, house.world)

    def expert(self, record: HouseholdTask, mistake: bool, rng: random.Random) -> Policy:
        world = record.world()  # the same layout the episode's tools hold: only names are read
        order = [r.name for r in world.receptacles.values() if r.kind != record.recep]
        if mistake:
            observation = yield execute(f"print(goto({order[0].rpartition(' ')[0]!r}))")
            require(failed(observation), "the wrong receptacle name to raise")
        observation = yield execute(_search(order, record.obj, record.count))
        found = _found(observation, record.obj)[: record.count]
        require(
            len(found) == record.count and not failed(observation), f"{record.count} {record.obj}"
        )
        observation = yield execute(_act(record, world, found))
        require(not failed(observation) and NOTHING not in observation, "every action to work")
        yield solution("done")


def _search(order: list[str], obj: str, count: int) -> str:
    return (
        f"found = 0\nfor receptacle in {order!r}:\n    seen = goto(receptacle)\n"
        "    if 'closed' in seen:\n        seen = open_receptacle(receptacle)\n"
        f"    if re.search(r'\\ba {obj} \\d+', seen):\n        print('FOUND', receptacle, '->', seen)\n"
        f"        found += len(re.findall(r'\\ba {obj} \\d+', seen))\n        if found >= {count}:\n            break"
    ).replace("found = 0\n", "import re\nfound = 0\n", 1)


def _found(observation: str, obj: str) -> list[tuple[str, str]]:
    """(receptacle, object) for each object of the kind the search printed."""
    found = []
    for line in observation.splitlines():
        printed = re.match(r"FOUND (.+?) -> (.*)", line)
        if printed:
            found += [
                (printed.group(1), thing)
                for thing in re.findall(rf"\ba ({obj} \d+)", printed.group(2))
            ]
    return found


def _act(record: HouseholdTask, world: World, found: list[tuple[str, str]]) -> str:
    lines = []
    if record.task_type == "look_at_obj_in_light":
        ((where, thing),) = found
        lamp_at = next(
            r.name for r in world.receptacles.values() if r.lamp and r.lamp.kind == record.lamp
        )
        lamp = next(
            r.lamp.name for r in world.receptacles.values() if r.lamp and r.lamp.kind == record.lamp
        )
        return "\n".join([f"print(goto({where!r}))", f"print(take_from({thing!r}, {where!r}))",
                          f"print(goto({lamp_at!r}))", f"print(use({lamp!r}))"])  # fmt: skip
    target = next(r for r in world.receptacles.values() if r.kind == record.recep)
    state = STATE.get(record.task_type)
    for where, thing in found:
        lines += [f"print(goto({where!r}))", f"print(take_from({thing!r}, {where!r}))"]
        if state:
            appliance = next(
                r.name for r in world.receptacles.values() if r.kind == APPLIANCE[state]
            )
            verb = {"clean": "clean", "hot": "heat", "cool": "cool"}[state]
            lines += [f"print(goto({appliance!r}))", f"print({verb}({thing!r}, {appliance!r}))"]
        lines.append(f"print(goto({target.name!r}))")
        if target.openable:
            lines.append(
                f"if 'closed' in goto({target.name!r}):\n    print(open_receptacle({target.name!r}))"
            )
        lines.append(f"print(put({thing!r}, {target.name!r}))")
    return "\n".join(lines)


def _task(row: Any, task_id: str, where: str) -> HouseholdTask:
    if not isinstance(row, dict):
        raise DataFileError(f"{where}: expected a JSON object")
    task_type = field(row, "task_type", str, where)
    if task_type not in TASK_TYPES:
        raise DataFileError(
            f"{where}: unknown task_type {task_type!r}; ALFWorld's are {', '.join(TASK_TYPES)}"
        )
    params = field(row, "pddl_params", dict, where)
    obj = str(params.get("object_target", "")).lower()
    if not obj:
        raise DataFileError(f"{where}: pddl_params has no object_target")
    recep = str(params.get("parent_target", "")).lower()
    if task_type != "look_at_obj_in_light" and not recep:
        raise DataFileError(f"{where}: pddl_params has no parent_target")
    lamp = str(params.get("toggle_target", "")).lower() or (
        "desklamp" if task_type == "look_at_obj_in_light" else ""
    )
    scene = row.get("scene")
    scene = scene if isinstance(scene, dict) else {}
    seed: Any = row.get("seed", scene.get("random_seed", zlib.crc32(task_id.encode())))
    if not isinstance(seed, int):
        raise DataFileError(f"{where}: the seed should be an integer")
    return HouseholdTask(id=task_id.replace("/", "_"), task_type=task_type, obj=obj, recep=recep,
                         lamp=lamp, seed=int(seed))  # fmt: skip
