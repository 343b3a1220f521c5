"""The household world: rooms, receptacles and objects, generated from a seed; the state the
household environment keeps on the host. Actions answer in ALFWorld's words ("Nothing happens."
for an action that is well formed but impossible); a name that does not exist is an error that
lists the names that do, so a wrong argument can be seen and fixed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# receptacle type -> (room, openable, how many at most)
RECEPTACLES: dict[str, tuple[str, bool, int]] = {
    "cabinet": ("kitchen", True, 4), "countertop": ("kitchen", False, 2), "drawer": ("kitchen", True, 3),
    "fridge": ("kitchen", True, 1), "microwave": ("kitchen", True, 1), "sinkbasin": ("kitchen", False, 1),
    "stoveburner": ("kitchen", False, 2), "diningtable": ("kitchen", False, 1), "garbagecan": ("kitchen", False, 1),
    "sofa": ("living room", False, 1), "armchair": ("living room", False, 1), "coffeetable": ("living room", False, 1),
    "sidetable": ("living room", False, 2), "shelf": ("living room", False, 3), "tvstand": ("living room", False, 1),
    "bed": ("bedroom", False, 1), "desk": ("bedroom", False, 1), "dresser": ("bedroom", True, 1),
    "safe": ("bedroom", True, 1), "bathtubbasin": ("bathroom", False, 1), "toilet": ("bathroom", False, 1),
    "towelholder": ("bathroom", False, 1), "handtowelholder": ("bathroom", False, 1),
}  # fmt: skip
# object type -> receptacle types it may start in
OBJECTS: dict[str, tuple[str, ...]] = {
    **{food: ("countertop", "fridge", "diningtable", "cabinet", "microwave") for food in
       ("apple", "tomato", "potato", "egg", "lettuce", "bread")},
    **{ware: ("countertop", "cabinet", "diningtable", "drawer", "sinkbasin") for ware in
       ("mug", "cup", "plate", "bowl", "pan", "pot")},
    **{tool: ("drawer", "countertop", "diningtable") for tool in ("knife", "fork", "spoon", "spatula", "ladle")},
    **{thing: ("desk", "shelf", "sidetable", "coffeetable", "dresser", "bed", "sofa", "armchair") for thing in
       ("book", "pen", "pencil", "cellphone", "keychain", "creditcard", "remotecontrol", "cd", "alarmclock",
        "watch", "vase", "statue")},
    **{bath: ("toilet", "bathtubbasin", "towelholder", "handtowelholder", "shelf") for bath in
       ("soapbar", "cloth", "towel", "spraybottle", "toiletpaper", "candle")},
}  # fmt: skip
LAMPS = {"desklamp": "desk", "floorlamp": "sidetable"}
CLEANERS, HEATERS, COOLERS = (
    ("sinkbasin", "bathtubbasin"),
    ("microwave", "stoveburner"),
    ("fridge",),
)


@dataclass
class Thing:
    name: str  # "apple 1"
    kind: str  # "apple"
    clean: bool = False
    hot: bool = False
    cool: bool = False


@dataclass
class Receptacle:
    name: str
    kind: str
    room: str
    openable: bool
    is_open: bool = False
    contents: list[Thing] = field(default_factory=list)
    lamp: Thing | None = None
    lamp_on: bool = False


class World:
    def __init__(
        self, seed: int, need: dict[str, int], fixtures: set[str], avoid: set[str]
    ) -> None:
        """A layout from `seed` holding at least `need[kind]` objects of each kind and a receptacle
        of each kind in `fixtures`; needed objects never start in a receptacle of a kind in `avoid`."""
        rng = random.Random(seed)
        self.receptacles: dict[str, Receptacle] = {}
        kinds = [k for k in RECEPTACLES if k in fixtures or rng.random() < 0.6]
        for kind in sorted(set(kinds) | fixtures, key=list(RECEPTACLES).index):
            room, openable, most = RECEPTACLES.get(kind, ("kitchen", False, 1))
            for i in range(1, rng.randint(1, most) + 1):
                name = f"{kind} {i}"
                self.receptacles[name] = Receptacle(name, kind, room, openable)
        self._numbers: dict[str, int] = {}
        for kind, count in need.items():
            homes = [
                r
                for r in self.receptacles.values()
                if r.kind in OBJECTS.get(kind, ()) and r.kind not in avoid
            ]
            homes = homes or [r for r in self.receptacles.values() if r.kind not in avoid]
            for _ in range(count):
                rng.choice(homes).contents.append(self._new(kind))
        for _ in range(rng.randint(4, 10)):  # clutter
            kind = rng.choice(
                [k for k in OBJECTS if k not in need]
            )  # the task's kinds stay where placed
            homes = [r for r in self.receptacles.values() if r.kind in OBJECTS[kind]]
            if homes:
                rng.choice(homes).contents.append(self._new(kind))
        for lamp, home in LAMPS.items():
            spots = [r for r in self.receptacles.values() if r.kind == home]
            if spots:
                rng.choice(spots).lamp = Thing(f"{lamp} 1", lamp)
        self.location: Receptacle | None = None
        self.holding: Thing | None = None

    def _new(self, kind: str) -> Thing:
        self._numbers[kind] = self._numbers.get(kind, 0) + 1
        return Thing(f"{kind} {self._numbers[kind]}", kind)

    # --- what the agent sees ------------------------------------------------------------------

    def overview(self) -> str:
        rooms: dict[str, list[str]] = {}
        for r in self.receptacles.values():
            rooms.setdefault(r.room, []).append(f"a {r.name}")
        parts = [f"in the {room}, {', '.join(names)}" for room, names in rooms.items()]
        return (
            "You are in the middle of a house. Looking quickly around you, you see: "
            + "; ".join(parts)
            + "."
        )

    def describe(self, r: Receptacle) -> str:
        if r.openable and not r.is_open:
            return f"The {r.name} is closed."
        things = [f"a {t.name}" for t in r.contents] + ([f"a {r.lamp.name}"] if r.lamp else [])
        where = "In it" if r.openable else f"On the {r.name}"
        seen = ", ".join(things) if things else "nothing"
        prefix = f"The {r.name} is open. " if r.openable else ""
        return f"{prefix}{where}, you see {seen}."

    # --- names --------------------------------------------------------------------------------

    def receptacle(self, name: str) -> Receptacle:
        key = " ".join(str(name).lower().split())
        if key not in self.receptacles:
            known = ", ".join(self.receptacles)
            raise ValueError(
                f"there is no receptacle called {name!r}; the receptacles are: {known}"
            )
        return self.receptacles[key]

    def thing_here(self, name: str, r: Receptacle) -> Thing | None:
        key = " ".join(str(name).lower().split())
        self.check_object_name(key)
        return next((t for t in r.contents if t.name == key), None)

    def check_object_name(self, key: str) -> None:
        kind, _, number = key.rpartition(" ")
        if not number.isdigit() or not kind:
            raise ValueError(
                f"{key!r} is not an object name: write the type and its number, like 'apple 1'"
            )
