"""Benchmark suites, one module each. See `codeact.bench.suite` for how to add your own."""
