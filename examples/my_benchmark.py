"""A user-defined benchmark: tasks plus tools, in one module, with no change to the harness.

    PYTHONPATH=examples codeact bench run --suite my_benchmark --llm oracle

A suite module exposes SUITE. Each task computes its ground truth from the tools and gives a
reference solution per action format, built here from one plan by `planned_task`: the calls a
JSON or text agent makes one per turn, and the Python a CodeAct agent runs in one block.
"""

from __future__ import annotations

from codeact import tool
from codeact.bench.suite import Call, Suite, Task, planned_task
from codeact.contracts import Tool

PRICES = {"apple": 0.5, "bread": 2.25, "cheese": 6.8, "coffee": 9.5}
STOCK = {"apple": 40, "bread": 3, "cheese": 0, "coffee": 12}


def make_tools() -> list[Tool]:
    @tool
    def price(item: str) -> float:
        """Unit price of an item in dollars."""
        return PRICES[item]

    @tool
    def in_stock(item: str) -> int:
        """How many units of the item the shop has."""
        return STOCK[item]

    return [price, in_stock]


def _basket_task() -> Task:
    basket = {"apple": 6, "bread": 2, "cheese": 1}
    available = {i: n for i, n in basket.items() if STOCK[i] >= n}
    answer = round(sum(PRICES[i] * n for i, n in available.items()), 2)
    calls = [Call("in_stock", {"item": i}) for i in basket]
    calls += [Call("price", {"item": i}) for i in available]
    code = (
        f"basket = {basket!r}\n"
        "total = sum(price(i) * n for i, n in basket.items() if in_stock(i) >= n)\n"
        "print(round(total, 2))"
    )
    prompt = (
        f"I want to buy {basket}. Skip items the shop lacks enough of. "
        "What do I pay, in dollars? Answer with the number only."
    )
    return planned_task("shop", "basket", prompt, calls, code, answer, make_tools)


def _cheapest_task() -> Task:
    answer = min(PRICES, key=PRICES.__getitem__)
    calls = [Call("price", {"item": i}) for i in PRICES]
    code = f"print(min({list(PRICES)!r}, key=price))"
    prompt = f"Which of {list(PRICES)} is the cheapest? Answer with the item name."
    return planned_task("shop", "cheapest", prompt, calls, code, answer, make_tools)


SUITE = Suite("my_benchmark", "a two-task shop example", [_basket_task(), _cheapest_task()])
