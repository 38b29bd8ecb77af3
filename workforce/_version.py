"""The package version: the one place it is written (``pyproject.toml`` reads it from here).

A literal rather than a lookup in the installed metadata: ``importlib.metadata``
takes about 25 ms to import, paid by every process the board pack starts.
"""

__version__ = "0.3.0"
