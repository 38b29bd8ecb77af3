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
  :mod:`workforce.load._export`); a file's assignment numbers are searched for repeats only when one is
  written twice, and one snapshot date needs no numbering (:mod:`workforce.load._pipeline`,
  :mod:`workforce.load._staff`);
* a CSV file's columns that no schema column reads, and its columns of identifiers (nearly every value
  different), are left as text, not dictionary-encoded; the delimiters of a sample without quotes are
  counted, not parsed (:mod:`workforce.load._csv`);
* a workbook's columns that name a coded or typed schema column are dictionary-encoded once, so that
  each step finds their distinct values at no cost; a few rows of a categorical grid are taken from
  its codes (:mod:`workforce.load._read`);
* dates written in one fixed form (``2025-03-31``, ``2025-03-31 00:00:00``, ``31/03/2025``) are read
  from their characters' positions, and words with no digit are no date, without trying each format
  (:mod:`workforce.load._values`); employee numbers stored as numbers are hashed row by row, and a key
  column of numbers needs no distinct values found (:mod:`workforce.load._privacy`,
  :mod:`workforce.load._pipeline`);
* pandera is not run when a quick look at whole columns finds nothing it would find
  (:mod:`workforce.load._pipeline`);
* several files are loaded at once, on threads (``WORKFORCE_LOAD_FILES``, :mod:`workforce.load._staff`).

``ENABLED = False`` makes every step take the general way, so that a test can load the same files both
ways and compare the tables cell by cell (``tests/test_fast_path.py``).  It is not a setting for users.
"""

from __future__ import annotations

__all__ = ["ENABLED"]

#: Whether the loader takes its fast paths (tests turn them off to compare).
ENABLED = True
