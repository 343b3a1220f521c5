"""The paper's experiments: task suites, answer checking, the run grid and its reports."""
