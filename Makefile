.PHONY: setup demo test lint bench

TASK ?= What is the 20th Fibonacci number? Compute it with Python.

setup:
	@bash scripts/setup.sh

# The main job on the embedded offline model. Exit 1 means the tiny model ran out of turns (the
# plumbing worked); only 2 (an error) fails the demo.
demo: setup
	.venv/bin/codeact run "$(TASK)" --max-turns 4 || [ $$? -eq 1 ]

lint: setup
	.venv/bin/ruff check src tests bench examples
	.venv/bin/ruff format --check src tests bench examples
	.venv/bin/mypy

test: lint
	.venv/bin/pytest

bench: setup
	.venv/bin/python bench/core.py
