"""Generates the MATH-format sample: problems from templates, answers computed by sympy.

Each problem carries `program`, two cells that compute the answer (the first sets the problem up
and shows it, the second solves and prints `ANSWER: <latex>`), which the expert runs.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import sympy as sp

Family = Callable[[random.Random], tuple[str, str, Any, list[str]]]  # type, problem, answer, cells
x = sp.Symbol("x")


def linear(rng: random.Random) -> tuple[str, str, Any, list[str]]:
    a, c = rng.sample([k for k in range(-9, 10) if k], 2)
    b, d = rng.randint(-30, 30), rng.randint(-30, 30)
    answer = sp.solve(sp.Eq(a * x + b, c * x + d), x)[0]
    problem = f"Solve for $x$: ${sp.latex(a * x + b)} = {sp.latex(c * x + d)}$."
    cells = [
        f"from sympy import symbols, Eq, solve, latex\nx = symbols('x')\n"
        f"equation = Eq({a}*x + ({b}), {c}*x + ({d}))\nprint(equation)",
        "solutions = solve(equation, x)\nprint('ANSWER:', latex(solutions[0]))",
    ]
    return "Algebra", problem, answer, cells


def root_sum(rng: random.Random) -> tuple[str, str, Any, list[str]]:
    r, s = rng.sample(range(-12, 13), 2)
    k = rng.choice([1, 1, 2, 3])
    poly = sp.expand(k * (x - r) * (x - s))
    what = rng.choice(["sum", "product"])
    answer = sp.Integer(r + s) if what == "sum" else sp.Integer(r * s)
    problem = f"What is the {what} of all values of $x$ such that ${sp.latex(poly)} = 0$?"
    op = "sum(roots)" if what == "sum" else "roots[0] * roots[1]"
    cells = [
        f"from sympy import symbols, solve, latex, expand\nx = symbols('x')\n"
        f"poly = expand({poly})\nroots = solve(poly, x)\nprint(poly, roots)",
        f"print('ANSWER:', latex({op}))",
    ]
    return "Algebra", problem, answer, cells


def choose(rng: random.Random) -> tuple[str, str, Any, list[str]]:
    n = rng.randint(6, 20)
    k = rng.randint(2, min(6, n - 1))
    group = rng.choice(["students", "books", "players", "flowers", "songs", "volunteers"])
    answer = sp.binomial(n, k)
    problem = (
        f"In how many ways can {k} {group} be chosen from {n} {group} if order does not matter?"
    )
    cells = [f"from math import comb\nn, k = {n}, {k}\nprint(n, k)", "print('ANSWER:', comb(n, k))"]
    return "Counting & Probability", problem, answer, cells


def draw_probability(rng: random.Random) -> tuple[str, str, Any, list[str]]:
    red, blue = rng.randint(2, 9), rng.randint(2, 9)
    colour = rng.choice(["red", "blue"])
    want = red if colour == "red" else blue
    answer = sp.Rational(want * (want - 1), (red + blue) * (red + blue - 1))
    problem = (
        f"A bag holds {red} red marbles and {blue} blue marbles. Two marbles are drawn without "
        f"replacement. What is the probability that both are {colour}? Express your answer as a "
        "common fraction."
    )
    cells = [
        f"from fractions import Fraction\nred, blue = {red}, {blue}\nwant = {colour}\n"
        "total = red + blue\nprint(total)",
        "p = Fraction(want, total) * Fraction(want - 1, total - 1)\n"
        "print('ANSWER:', f'\\\\frac{{{p.numerator}}}{{{p.denominator}}}' if p.denominator != 1 else p)",
    ]
    return "Counting & Probability", problem, answer, cells


def divisors(rng: random.Random) -> tuple[str, str, Any, list[str]]:
    n = (
        rng.choice([2, 3, 5, 7]) ** rng.randint(1, 4)
        * rng.choice([1, 3, 5, 11, 13])
        * rng.randint(1, 6)
    )
    answer = sp.Integer(sp.divisor_count(n))
    problem = f"How many positive divisors does ${n}$ have?"
    cells = [
        f"from sympy import factorint, divisor_count\nn = {n}\nprint(factorint(n))",
        "print('ANSWER:', divisor_count(n))",
    ]
    return "Number Theory", problem, answer, cells


def power_mod(rng: random.Random) -> tuple[str, str, Any, list[str]]:
    a, b, m = rng.randint(2, 40), rng.randint(20, 2024), rng.randint(5, 17)
    answer = sp.Integer(pow(a, b, m))
    problem = f"What is the remainder when ${a}^{{{b}}}$ is divided by ${m}$?"
    cells = [f"a, b, m = {a}, {b}, {m}\nprint(a % m)", "print('ANSWER:', pow(a, b, m))"]
    return "Number Theory", problem, answer, cells


def gcd_lcm(rng: random.Random) -> tuple[str, str, Any, list[str]]:
    g = rng.randint(2, 15)
    a, b = g * rng.randint(2, 30), g * rng.randint(2, 30)
    what = rng.choice(["greatest common divisor", "least common multiple"])
    func = "gcd" if what.startswith("greatest") else "lcm"
    answer = sp.gcd(a, b) if func == "gcd" else sp.lcm(a, b)
    problem = f"What is the {what} of ${a}$ and ${b}$?"
    cells = [f"import math\na, b = {a}, {b}\nprint(a, b)", f"print('ANSWER:', math.{func}(a, b))"]
    return "Number Theory", problem, answer, cells


def remainder(rng: random.Random) -> tuple[str, str, Any, list[str]]:
    coeffs = [rng.randint(-6, 6) for _ in range(rng.randint(3, 5))]
    coeffs[0] = coeffs[0] or 1
    p = sum(c * x ** (len(coeffs) - 1 - i) for i, c in enumerate(coeffs))
    a = rng.choice([k for k in range(-4, 5) if k])
    answer = p.subs(x, a)
    problem = f"Find the remainder when ${sp.latex(p)}$ is divided by ${sp.latex(x - a)}$."
    cells = [
        f"from sympy import symbols, div, latex\nx = symbols('x')\np = {p}\nq, r = div(p, x - ({a}), x)\nprint(q)",
        "print('ANSWER:', latex(r))",
    ]
    return "Intermediate Algebra", problem, answer, cells


def determinant(rng: random.Random) -> tuple[str, str, Any, list[str]]:
    rows = [[rng.randint(-5, 9) for _ in range(3)] for _ in range(3)]
    answer = sp.Matrix(rows).det()
    body = r" \\ ".join(" & ".join(str(v) for v in row) for row in rows)
    problem = f"Compute $\\begin{{vmatrix}} {body} \\end{{vmatrix}}$."
    cells = [f"from sympy import Matrix\nM = Matrix({rows})\nprint(M)", "print('ANSWER:', M.det())"]
    return "Precalculus", problem, answer, cells


def triangle_area(rng: random.Random) -> tuple[str, str, Any, list[str]]:
    pts = [(rng.randint(-8, 8), rng.randint(-8, 8)) for _ in range(3)]
    while sp.Polygon(*pts).area == 0 if len(set(pts)) == 3 else True:
        pts = [(rng.randint(-8, 8), rng.randint(-8, 8)) for _ in range(3)]
    answer = abs(sp.Polygon(*pts).area)
    names = ", ".join(f"$({a}, {b})$" for a, b in pts)
    problem = f"What is the area of the triangle with vertices {names}?"
    cells = [
        f"from sympy import Polygon, latex\ntriangle = Polygon(*{pts})\nprint(triangle)",
        "print('ANSWER:', latex(abs(triangle.area)))",
    ]
    return "Geometry", problem, answer, cells


def distance(rng: random.Random) -> tuple[str, str, Any, list[str]]:
    (a, b), (c, d) = [(rng.randint(-9, 9), rng.randint(-9, 9)) for _ in range(2)]
    if (a, b) == (c, d):
        c += 3
    answer = sp.sqrt((a - c) ** 2 + (b - d) ** 2)
    problem = (
        f"What is the distance between the points $({a}, {b})$ and $({c}, {d})$? "
        "Express your answer in simplest radical form."
    )
    cells = [
        f"from sympy import sqrt, latex\ndx, dy = {c} - ({a}), {d} - ({b})\nprint(dx, dy)",
        "print('ANSWER:', latex(sqrt(dx**2 + dy**2)))",
    ]
    return "Geometry", problem, answer, cells


def fractions_sum(rng: random.Random) -> tuple[str, str, Any, list[str]]:
    a, c = rng.randint(1, 12), rng.randint(1, 12)
    b, d = rng.randint(2, 15), rng.randint(2, 15)
    op = rng.choice(["+", "-"])
    answer = sp.Rational(a, b) + sp.Rational(c, d) * (1 if op == "+" else -1)
    problem = f"Compute $\\frac{{{a}}}{{{b}}} {op} \\frac{{{c}}}{{{d}}}$. Express your answer as a fraction in lowest terms."
    cells = [
        f"from sympy import Rational, latex\nleft, right = Rational({a}, {b}), Rational({c}, {d})\nprint(left, right)",
        f"print('ANSWER:', latex(left {op} right))",
    ]
    return "Prealgebra", problem, answer, cells


def divisible_count(rng: random.Random) -> tuple[str, str, Any, list[str]]:
    n = rng.randint(50, 999)
    a, b = rng.sample([2, 3, 4, 5, 6, 7, 9, 11], 2)
    answer = sp.Integer(sum(1 for k in range(1, n + 1) if k % a == 0 or k % b == 0))
    problem = f"How many integers from $1$ to ${n}$, inclusive, are divisible by ${a}$ or by ${b}$?"
    cells = [
        f"n, a, b = {n}, {a}, {b}\nnumbers = range(1, n + 1)\nprint(len(numbers))",
        "print('ANSWER:', sum(1 for k in numbers if k % a == 0 or k % b == 0))",
    ]
    return "Counting & Probability", problem, answer, cells


FAMILIES: list[Family] = [
    linear, root_sum, choose, draw_probability, divisors, power_mod, gcd_lcm, remainder,
    determinant, triangle_area, distance, fractions_sum, divisible_count,
]  # fmt: skip


def generate(n: int, seed: int, exclude: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """`n` problems, none of them in `exclude` (the test split leaves out the training problems)."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    seen = set()
    while len(rows) < n:
        family = FAMILIES[len(rows) % len(FAMILIES)]
        kind, problem, answer, cells = family(rng)
        if problem in seen or problem in exclude:
            continue
        seen.add(problem)
        latex = sp.latex(sp.nsimplify(answer))
        rows.append({
            "problem": problem,
            "level": f"Level {rng.randint(1, 5)}",
            "type": kind,
            "solution": f"Working it through gives the result $\\boxed{{{latex}}}$.",
            "program": cells,
            "unique_id": f"{'train' if seed < 1000 else 'test'}/{family.__name__}/{len(rows)}",
        })  # fmt: skip
    return rows
