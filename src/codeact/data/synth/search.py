"""Generates the HotpotQA-format sample over an invented encyclopedia of people, towns and works.

Bridge questions need two pages (a person and their birthplace, a work and its creator);
comparison questions compare two pages. Each question's context holds its gold pages among
distractors, as in HotpotQA's distractor setting.
"""

from __future__ import annotations

import random
from typing import Any

from codeact.data.synth.names import NameMaker

OCCUPATIONS = ["sculptor", "composer", "botanist", "novelist", "cartographer", "architect",
               "violinist", "astronomer", "poet", "engineer", "painter", "historian"]  # fmt: skip
WORK_KINDS = {"composer": "symphony", "novelist": "novel", "poet": "collection of poems",
              "painter": "painting", "architect": "building", "sculptor": "statue",
              "violinist": "album", "historian": "book", "botanist": "field guide",
              "cartographer": "atlas", "astronomer": "star catalogue", "engineer": "bridge"}  # fmt: skip
RIVERS = 14
DISTRACTORS = 8


def _world(rng: random.Random) -> dict[str, Any]:
    names = NameMaker(rng)
    countries = [names.word((2, 3)) + "ia" for _ in range(8)]
    rivers = [f"{names.word((2, 2))} River" for _ in range(RIVERS)]
    towns = {}
    for founded in rng.sample(
        range(900, 1890), 70
    ):  # distinct years: every comparison has an answer
        town = names.word((2, 3))
        towns[town] = {"country": rng.choice(countries), "founded": founded,
                       "river": rng.choice(rivers), "population": rng.randint(2, 900) * 1000}  # fmt: skip
    people = {}
    for born in rng.sample(range(1700, 1990), 140):
        person = names.person()
        job = rng.choice(OCCUPATIONS)
        people[person] = {"born": born, "town": rng.choice(list(towns)),
                          "job": job, "work": f"The {names.word((2, 3))} {rng.choice(['Suite', 'Chronicle', 'Garden', 'Tower', 'Variations', 'Letters'])}"}  # fmt: skip
    return {"towns": towns, "people": people}


def _pages(world: dict[str, Any]) -> dict[str, list[str]]:
    pages: dict[str, list[str]] = {}
    for town, t in world["towns"].items():
        pages[town] = [
            f"{town} is a town in {t['country']} on the banks of the {t['river']}.",
            f"It was founded in {t['founded']}.",
            f"Its population is about {t['population']:,}.",
        ]
    for person, p in world["people"].items():
        country = world["towns"][p["town"]]["country"]
        nationality = country[:-2] + "ian"
        kind = WORK_KINDS[p["job"]]
        pages[person] = [
            f"{person} (born {p['born']}) is a {nationality} {p['job']} from {p['town']}.",
            f"{person} is best known for the {kind} {p['work']}.",
        ]
        pages[p["work"]] = [
            f"{p['work']} is a {kind} by the {p['job']} {person}.",
            f"It was completed in {p['born'] + 30}.",
        ]
    return pages


def _question(rng: random.Random, world: dict[str, Any]) -> tuple[str, str, str, list[str]]:
    people, towns = world["people"], world["towns"]
    kind = rng.choice(
        ["born_town", "river", "creator_job", "creator_born", "older", "older_town", "same"]
    )
    a, b = rng.sample(list(people), 2)
    pa, pb = people[a], people[b]
    if kind == "born_town":
        return (
            "bridge",
            f"In what year was the hometown of {a} founded?",
            str(towns[pa["town"]]["founded"]),
            [a, pa["town"]],
        )
    if kind == "river":
        return (
            "bridge",
            f"Which river flows through the town that the {pa['job']} {a} comes from?",
            towns[pa["town"]]["river"],
            [a, pa["town"]],
        )
    if kind == "creator_job":
        return (
            "bridge",
            f"What is the profession of the person who created {pa['work']}?",
            pa["job"],
            [pa["work"], a],
        )
    if kind == "creator_born":
        return (
            "bridge",
            f"In which year was the creator of {pa['work']} born?",
            str(pa["born"]),
            [pa["work"], a],
        )
    if kind == "older":
        answer = a if pa["born"] < pb["born"] else b
        return "comparison", f"Who was born first, {a} or {b}?", answer, [a, b]
    if kind == "older_town":
        x, y = rng.sample(list(towns), 2)
        answer = x if towns[x]["founded"] < towns[y]["founded"] else y
        return "comparison", f"Which town was founded earlier, {x} or {y}?", answer, [x, y]
    same = towns[pa["town"]]["country"] == towns[pb["town"]]["country"]
    return (
        "comparison",
        f"Are {a} and {b} of the same nationality?",
        "yes" if same else "no",
        [a, b],
    )


def generate(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    world = _world(rng)
    pages = _pages(world)
    rows: list[dict[str, Any]] = []
    seen = set()
    while len(rows) < n:
        kind, question, answer, gold = _question(rng, world)
        if question in seen:
            continue
        seen.add(question)
        others = rng.sample([t for t in pages if t not in gold], DISTRACTORS)
        context = [[t, pages[t]] for t in rng.sample(gold + others, len(gold) + len(others))]
        facts = [[t, 0] for t in gold]
        rows.append({"_id": f"{seed:04d}{len(rows):05d}", "question": question, "answer": answer,
                     "type": kind, "level": rng.choice(["easy", "medium", "hard"]),
                     "supporting_facts": facts, "context": context})  # fmt: skip
    return rows
