"""CodeActInstruct-style training data: environments, generation, filtering, export, statistics.

    codeact data generate --env math,table --teacher expert --n 100 --out runs/data
    codeact data filter runs/data --out runs/data/kept.jsonl
    codeact data export runs/data/kept.jsonl --out runs/data/export
    codeact data stats runs/data/kept.jsonl --out runs/data/stats

See README.md in this folder for the files and formats.
"""
