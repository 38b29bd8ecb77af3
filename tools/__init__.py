"""Development tooling for the workforce repository: not part of the installed package.

Run from the repository root (``python -m tools.synthetic.sample_data``); the
tests and the benchmarks import it from there.
"""
