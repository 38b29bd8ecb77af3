"""Shared machinery for the value normalisers.

Every normaliser (ethnicity, band, staff group, sex, disability, age band ...)
turns one raw column of an HR export into one or more canonical columns.  They
all share one shape so the loader can treat them alike:

* the raw values are parsed once per *distinct* value (an export of 100,000
  rows has a few dozen distinct spellings of ethnic origin), which keeps the
  loader fast;
* a value that cannot be recognised is never guessed into a group: its output
  columns are left missing and the row is marked in ``unrecognised`` so the
  validation report can list it with a suggested fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Normalised", "map_distinct", "clean_text", "as_categorical"]


@dataclass(frozen=True)
class Normalised:
    """The result of normalising one raw column.

    Attributes
    ----------
    columns : pandas.DataFrame
        Canonical output columns, on the same index as the raw input.
    unrecognised : pandas.Series
        Boolean, ``True`` where a non-blank raw value could not be recognised.
    problem : str
        What is wrong with an unrecognised value, in plain words.
    fix : str
        The suggested fix shown to the user for an unrecognised value.
    """

    columns: pd.DataFrame
    unrecognised: pd.Series
    problem: str
    fix: str


_SPACE = re.compile(r"\s+")


def clean_text(value: object) -> str | None:
    """Strip and collapse whitespace; blank or missing gives ``None``.

    Examples
    --------
    >>> clean_text("  A   White - British ")
    'A White - British'
    >>> clean_text("   ") is None
    True
    """
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    text = _SPACE.sub(" ", str(value)).strip()
    return text or None


def distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each row's code and the distinct values it indexes (code -1: missing).

    The loaders work on distinct values, not rows: a column read as a categorical (the readers
    dictionary-encode text) gives its codes and categories at no cost; any other column is factorized
    once.  A categorical's categories may include values no row holds.

    Examples
    --------
    >>> codes, uniques = distinct(pd.Series(["b", None, "a", "b"]))
    >>> codes.tolist(), uniques.tolist()
    ([0, -1, 1, 0], ['b', 'a'])
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), pd.Series(values.cat.categories)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, pd.Series(uniques)


def map_distinct(
    raw: pd.Series,
    parse: Callable[[str | None], Mapping[str, object] | None],
    outputs: Mapping[str, pd.CategoricalDtype | str],
) -> tuple[pd.DataFrame, pd.Series]:
    """Apply ``parse`` once per distinct value of ``raw`` and broadcast back.

    Parameters
    ----------
    raw : pandas.Series
        The raw column, any dtype.  Values are passed through
        :func:`clean_text` before ``parse`` sees them.
    parse : callable
        Called with each distinct cleaned, non-blank value.  Returns a mapping
        from output column name to value, or ``None`` when the value is not
        recognised.
    outputs : mapping
        Output column name to dtype (usually a ``CategoricalDtype``).  Blank
        input gives the values that ``parse`` would give for ``None``: every
        normaliser decides for itself what a blank means, so ``parse`` is also
        called once with ``None``.

    Returns
    -------
    columns : pandas.DataFrame
        One column per entry of ``outputs``, aligned to ``raw.index``.
    unrecognised : pandas.Series
        Boolean mask of the rows whose value ``parse`` did not recognise.
    """
    codes, uniques = distinct(raw)
    parsed: list[Mapping[str, object] | None] = [parse(clean_text(v)) for v in uniques.tolist()]
    blank = parse(None)
    # position len(uniques) holds the value for blanks (factorize code -1)
    table = parsed + [blank]
    recognised = np.array([p is not None for p in table], dtype=bool)
    take = np.where(codes < 0, len(uniques), codes)
    columns = {}
    for name, dtype in outputs.items():
        lookup = pd.Series([None if p is None else p.get(name) for p in table], dtype="object")
        if isinstance(dtype, pd.CategoricalDtype):
            # categorise the small lookup table, then broadcast its codes
            codes_table = _category_codes(lookup, dtype)
            columns[name] = pd.Series(pd.Categorical.from_codes(codes_table[take], dtype=dtype), index=raw.index)
        else:
            # type the small lookup table, then broadcast it
            typed = lookup.astype(dtype).array  # type: ignore[call-overload]  # any dtype name
            columns[name] = pd.Series(typed.take(take), index=raw.index)
    unrecognised = pd.Series(~recognised[take], index=raw.index)
    return pd.DataFrame(columns, index=raw.index), unrecognised


def _category_codes(values: pd.Series, dtype: pd.CategoricalDtype) -> np.ndarray:
    """The codes of a few values in ``dtype``'s categories (-1: missing), refusing values outside them."""
    position = {c: i for i, c in enumerate(dtype.categories)}
    codes = [-1 if v is None or v is pd.NA or (isinstance(v, float) and v != v) else position.get(v, -2)
             for v in values.tolist()]
    if -2 in codes:
        as_categorical(values, dtype)   # raises, naming the values
    return np.array(codes, dtype=np.int64)


def as_categorical(values: pd.Series, dtype: pd.CategoricalDtype) -> pd.Series:
    """Cast to a categorical, refusing values outside the categories.

    Raises ``ValueError`` (a programming error, not a data error) if a parser
    produced a value that is not one of the declared categories.
    """
    outside = values.notna() & ~values.isin(dtype.categories)
    if outside.any():
        bad = sorted(set(values[outside].astype(str)))
        raise ValueError(f"values outside the categories {list(dtype.categories)}: {bad}")
    return values.astype(dtype)
