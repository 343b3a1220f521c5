.PHONY: setup demo test lint bench

TASK ?= What is the 20th Fibonacci number? Compute it with Python.

setup:
	@bash scripts/setup.sh

# The main job on the embedded offline model.
demo: setup
	.venv/bin/codeact run "$(TASK)"

lint: setup
	.venv/bin/ruff check src tests bench examples
	.venv/bin/ruff format --check src tests bench examples
	.venv/bin/mypy

test: lint
	.venv/bin/pytest

bench: setup
	.venv/bin/python bench/core.py
