"""Generators of the samples shipped in `codeact/data/samples/` (run `python -m codeact.data.synth`).

Every sample is written for this project in its public format, from a fixed seed; train and test
use different seeds (the search sample even a different invented world), so a test task never
shares its content with a training task.
"""
