"""The loader's fast paths, and the switch that turns them off.

Large exports are loaded through shortcuts that give the same result as the general way, when a cheap
check says they apply:

* a parquet file's columns that no schema column reads are not loaded, and its text columns are read
  as dictionaries (categoricals), not as one string per row (:mod:`workforce.load._read`);
* a key column holding only plain numbers needs no distinct values found to sort out its rows
  (:mod:`workforce.load._pipeline`), and plain-number employee numbers are hashed row by row without
  finding their distinct values first (:mod:`workforce.load._privacy`);
* only files that share an organisation and snapshot are searched for repeated assignments, and only
  people with more than one assignment need their rows ordered (:mod:`workforce.load._staff`,
  :mod:`workforce.load._export`).

``ENABLED = False`` makes every step take the general way, so that a test can load the same files both
ways and compare the tables cell by cell (``tests/test_fast_path.py``).  It is not a setting for users.
"""

from __future__ import annotations

__all__ = ["ENABLED"]

#: Whether the loader takes its fast paths (tests turn them off to compare).
ENABLED = True
