"""Invented names from syllables: nothing here can be remembered from pre-training."""

from __future__ import annotations

import random

ONSETS = ["b", "br", "c", "d", "dr", "f", "g", "gl", "h", "k", "l", "m", "n", "p", "qu", "r",
          "s", "st", "t", "th", "v", "w", "z", "tr", "sk"]  # fmt: skip
VOWELS = ["a", "e", "i", "o", "u", "ai", "ei", "ou", "y"]
CODAS = ["", "", "n", "r", "l", "s", "th", "m", "rk", "nd", "x"]


class NameMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def word(self, syllables: tuple[int, int] = (2, 3)) -> str:
        while True:
            parts = [
                self.rng.choice(ONSETS) + self.rng.choice(VOWELS) + self.rng.choice(CODAS)
                for _ in range(self.rng.randint(*syllables))
            ]
            name = "".join(parts).capitalize()
            if name not in self.used and 4 <= len(name) <= 12:
                self.used.add(name)
                return name

    def person(self) -> str:
        return f"{self.word((2, 2))} {self.word((2, 3))}"
