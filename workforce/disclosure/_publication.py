"""Disclosure control over everything one call publishes: tables linked by the counts they share.

A publication is a set of named results.  Every count of every table is a
cell; the margins each analysis declares (``spec.cells``) relate the cells of
one table, and :class:`Link` relates cells of different tables (a ladder's
rungs and the progression gaps' tiers, band groups and "All staff").
Suppression and the audit both work on all the cells at once, so a count
hidden in one table cannot come back by subtraction from another.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._result import Result
from .._spec import CountCells, Where
from ..analysis import RESULT_SPECS
from ..errors import WorkforceError
from ._ranges import Relation, feasible_ranges, protected
from ._suppress import (
    DEFAULT_THRESHOLD,
    _cells,
    _cells_by_group,
    _group_ids,
    _margin_instances,
    _select,
    apply,
    places,
    protect,
)

__all__ = ["Ref", "Link", "Audit", "suppress", "audit", "check_threshold", "check_rounding", "round_counts"]

Key = tuple[str, ...] | Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Ref:
    """The cells of one count column of a named table, grouped by a key.

    Attributes
    ----------
    table : str
        The table's name in the publication.
    column : str
        A count column (or a hidden count) of its spec.
    key : tuple of str, or callable
        Columns whose values (or a function of the table giving one value per
        row) say which relation a cell belongs to; values are matched across
        the tables of a :class:`Link`.
    where : callable, optional
        The rows to take (all when None).
    """

    table: str
    column: str
    key: Key
    where: Where | None = None


@dataclass(frozen=True)
class Link:
    """Counts of several tables that add up: for each key, the total's cell = the sum of the parts' cells.

    ``exact`` False: the parts add up to at most the total.  A link that
    does not hold on the counts being published (tables of different
    staff) is not used.
    """

    total: Ref
    parts: tuple[Ref, ...]
    exact: bool = True


def check_threshold(threshold: int | None) -> None:
    """Refuse a disclosure threshold below 2 (1 would suppress nothing); None means no suppression."""
    if threshold is None:
        return
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or threshold < 2:
        raise WorkforceError(f"the disclosure threshold must be a whole number of at least 2 (counts from 1 to "
                             f"threshold - 1 are suppressed), not {threshold!r}; the NHS rule is 8. To publish "
                             "without suppression, say so explicitly (threshold=None, or --no-suppression).")


def check_rounding(rounding: int | None, threshold: int | None = DEFAULT_THRESHOLD) -> None:
    """Refuse a rounding base below 2, or rounding without suppression (``threshold`` None); None rounds nothing."""
    if rounding is None:
        return
    if isinstance(rounding, bool) or not isinstance(rounding, (int, np.integer)) or rounding < 2:
        raise WorkforceError(f"rounding must be a whole number of at least 2 (5 rounds every count to the nearest 5, "
                             f"as NHS Digital publishes), not {rounding!r}.")
    if threshold is None:
        raise WorkforceError("rounding is a disclosure rule: it is not used in a pack without suppression "
                             "(threshold=None, --no-suppression); give one or the other.")


def _could_be_small(low: np.ndarray, high: np.ndarray, threshold: float) -> np.ndarray:
    """Ranges that hold a count from 1 to ``threshold - 1`` (those whose width the audit reports)."""
    return (low < threshold) & (high >= 1)


def _named(results: Result | Mapping[str, Result]) -> dict[str, Result]:
    return {"table": results} if isinstance(results, Result) else dict(results)


def _spec_cells(name: str, result: Result) -> CountCells:
    if not isinstance(result, Result):
        raise WorkforceError(f"{name!r}: suppress takes the Results of analyses, not {type(result).__name__}.")
    if result.spec.cells is None:
        supported = ", ".join(sorted(str(s.kind) for s in RESULT_SPECS if s.cells is not None))
        raise WorkforceError(f"a {result.spec.kind} result cannot be suppressed on its own: {result.spec.source}. "
                             f"Disclosure control supports the results: {supported}.")
    return result.spec.cells


#: Marks the key values kept in a table's codes (:meth:`_Cells._keys`).
_KEYS = object()


@dataclass
class _Cells:
    """Every cell of a publication, with the relations between them."""

    works: dict[str, pd.DataFrame]
    specs: dict[str, CountCells]
    cell_of: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    relations: list[Relation] = field(default_factory=list)
    codes: dict[str, dict] = field(default_factory=dict)
    links_dropped: int = 0

    @classmethod
    def of(cls, results: Mapping[str, Result], links: Sequence[Link]) -> _Cells:
        works, specs = {}, {}
        for name, result in results.items():
            cells = specs[name] = _spec_cells(name, result)
            work = result.table.reset_index(drop=True).copy()
            for column, make in {**cells.extra, **cells.hidden}.items():
                work[column] = make(work)
            works[name] = work
        self = cls(works, specs)
        values, offset = [], 0
        for name, work in works.items():
            self.codes[name] = {}
            cell_of, vals = _cells(work, self.specs[name].counts, self.specs[name].spaces, self.codes[name])
            self.cell_of[name] = {c: ids + offset for c, ids in cell_of.items()}
            self.relations += _margin_instances(work, self.specs[name].margins, cell_of, self.codes[name], offset)
            values.append(vals)
            offset += len(vals)
        self.values = np.concatenate(values) if values else np.zeros(0)
        self.values[self.values < 0] = np.nan   # a suppressed count (published tables): unknown
        for link in links:
            self._link(link)
        return self

    def _ref_cells(self, ref: Ref) -> dict:
        """Key value -> the cells of ``ref`` with that key (keys in order of their first row)."""
        work = self.works[ref.table]
        if ref.column not in self.cell_of[ref.table]:
            raise WorkforceError(f"link: {ref.column!r} is not a count of table {ref.table!r}.")
        rows = self._rows(ref.table, ref.where)
        cells = self.cell_of[ref.table][ref.column]
        if isinstance(ref.key, tuple) and ref.key:
            ids, values = self._keys(ref.table, ref.key)
            group = ids[rows]
            if not (group < 0).any():   # no key value missing: keys numbered by the key columns' codes
                codes, uniques = pd.factorize(group)   # in order of first row, as the keys themselves would be
                by_code = _cells_by_group(codes, cells[rows])
                return {values[uniques[g]]: found for g, found in by_code.items()}
        keys = (pd.Series(list(zip(*[work[c] for c in ref.key])), index=work.index) if isinstance(ref.key, tuple)
                else pd.Series(ref.key(work), index=work.index))
        rows = rows & keys.notna().to_numpy()
        codes, uniques = pd.factorize(keys[rows])
        by_code = _cells_by_group(codes, cells[rows])
        return {uniques[g]: cells for g, cells in by_code.items()}

    def _rows(self, table: str, where: Where | None) -> np.ndarray:
        """The rows of ``table`` that ``where`` selects, worked out once for each ``where`` (links share them)."""
        return _select(self.works[table], where, self.codes[table])

    def _keys(self, table: str, key: tuple) -> tuple[np.ndarray, list[tuple]]:
        """Each row's key group (-1: a key value missing), and each group's key values (a tuple, from its first row)."""
        memo = self.codes[table]
        found = memo.get((_KEYS, key))
        if found is None:
            work = self.works[table]
            ids = _group_ids(work, list(key), memo)
            firsts = np.unique(ids[ids >= 0], return_index=True)[1]
            rows = np.flatnonzero(ids >= 0)[firsts]
            found = memo[(_KEYS, key)] = (ids, list(zip(*[work[c].iloc[rows] for c in key])))
        return found

    def _link(self, link: Link) -> None:
        if link.total.table not in self.works or any(p.table not in self.works for p in link.parts):
            return   # a table it links is not published
        totals = self._ref_cells(link.total)
        parts: dict = {}
        for ref in link.parts:
            for key, cells in self._ref_cells(ref).items():
                parts.setdefault(key, []).append(cells)
        for key, total in totals.items():
            if key not in parts or len(total) != 1:
                continue
            cells = np.unique(np.concatenate(parts[key]))
            cells = cells[cells != total[0]]
            known = ~np.isnan(self.values[cells]).any() and not np.isnan(self.values[total[0]])
            if known:   # a link must hold on the counts themselves, or it relates tables of different staff
                gap = self.values[total[0]] - self.values[cells].sum()
                if gap < 0 or (link.exact and gap != 0):
                    self.links_dropped += 1
                    continue
            self.relations.append(Relation(cells, int(total[0]), link.exact))

    def selected(self, refs: Sequence[Ref]) -> np.ndarray:
        """The cells ``refs`` select (their key is not used), as a mask."""
        mask = np.zeros(len(self.values), dtype=bool)
        for ref in refs:
            if ref.table not in self.cell_of or ref.column not in self.cell_of[ref.table]:
                known = {t: sorted(c) for t, c in self.cell_of.items()}
                raise WorkforceError(f"{ref.column!r} is not a count of a table {ref.table!r}; the counts are "
                                     f"{known}.")
            rows = _select(self.works[ref.table], ref.where)
            mask[self.cell_of[ref.table][ref.column][rows]] = True
        return mask

    def describe(self, wanted: np.ndarray) -> dict[int, tuple[str, str, str]]:
        """The table, count column and key (column=value, ...) of each ``wanted`` cell, from its first row."""
        out: dict[int, tuple[str, str, str]] = {}
        asked = np.zeros(len(self.values), dtype=bool)
        asked[wanted] = True
        for name, columns in self.cell_of.items():
            work = self.works[name]
            for column, ids in columns.items():
                cells, rows = np.unique(ids, return_index=True)   # each cell's first row
                keep = asked[cells]
                if not keep.any():
                    continue
                key = list(self.specs[name].counts[column])
                shown = work[key].iloc[rows[keep]].astype(str).to_numpy()
                for cell, values in zip(cells[keep].tolist(), shown):
                    out.setdefault(cell, (name, column, ", ".join(f"{k.lstrip('_')}={v}" for k, v in zip(key, values))))
        return out


def suppress(results: Result | Mapping[str, Result], *, threshold: int | None = DEFAULT_THRESHOLD,
             links: Sequence[Link] = (), withhold: Sequence[Ref] = (), exempt: Sequence[Ref] = (),
             keep: Sequence[Ref] = ()) -> Result | dict[str, Result]:
    """A copy of one result, or of several published together, that is safe to publish.

    Counts from 1 to ``threshold - 1`` are suppressed (primary).  Then, over
    every count of every table at once, wherever a margin (counts adding up to
    a published total, in one table or across tables) has exactly one
    suppressed count, another is suppressed (the one leaving the fewest other
    margins with a lone suppressed count, then the smallest); and an audit by
    integer programming suppresses more wherever a suppressed count could
    still be narrowed to fewer than ``threshold`` values that include small
    counts (by zeros, or by several margins together).  Figures made from a suppressed count are
    blanked.

    Parameters
    ----------
    results : Result or dict of str to Result
        One result of :func:`workforce.representation`, :func:`workforce.icb_view`,
        :func:`workforce.ladder`, :func:`workforce.progression_gaps`,
        :func:`workforce.promotion`, :func:`workforce.model_employer`,
        :func:`workforce.wres` or :func:`workforce.wdes`; or several, by
        name, that are published together (one disclosure control over them
        all).
    threshold : int or None
        Smallest count shown apart from 0 (8: counts 1-7 suppressed, the NHS
        Digital and OpenSAFELY rule); at least 2.  ``None``: nothing is
        suppressed, and the result says "NOT FOR PUBLICATION".
    links : sequence of Link
        Counts shared between the tables (see :class:`Link`).
    withhold : sequence of Ref
        Counts published blank whatever their size (their ``key`` is not
        used; ``"table"`` names the table of one result): counts the
        publication shows in another form.  They are protected like
        suppressed ones.
    exempt : sequence of Ref
        Counts published whatever their size, because they are public
        already and the publisher has chosen to show them (the board pack's
        ``board_counts``).  Every other count stays protected with them
        shown.
    keep : sequence of Ref
        The publication's headline counts: suppressed as complements only
        where nothing else protects a small count (each weighs as much as a
        thousand other places).

    Returns
    -------
    Result or dict of str to Result
        As given: each table's count columns are nullable ``Int64`` with
        ``<NA>`` where suppressed, figures made from them are blank, and a
        boolean ``<count>_suppressed`` column is added for every count column.
        ``.method`` records the rule and the audit.

    Raises
    ------
    WorkforceError
        For a kind of result it does not know (the message lists those it
        does), and for a threshold below 2.

    Examples
    --------
    >>> import workforce
    >>> from workforce import suppress
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> result = workforce.representation(staff, workforce.population("Leicester"), by="band_group")
    >>> safe = suppress(result)
    >>> t = safe.table[safe.table["subgroup"] == "8c+"]
    >>> print(t[["group", "staff_count", "staff_total", "unknown_count", "staff_share"]].to_string(index=False))
    group  staff_count  staff_total  unknown_count  staff_share
    White         <NA>           72           <NA>          NaN
    Mixed            0           72           <NA>          0.0
    Asian         <NA>           72           <NA>          NaN
    Black         <NA>           72           <NA>          NaN
    Other            0           72           <NA>          0.0
    >>> safe.method["disclosure threshold"]
    8
    """
    check_threshold(threshold)
    single = isinstance(results, Result)
    given = _named(results)
    for name, result in given.items():
        if isinstance(result, Result) and "disclosure threshold" in result.method:
            raise WorkforceError(f"{name!r} has already been through disclosure control; suppress the original.")
    space = _Cells.of(given, links)
    withheld, exempted = space.selected(withhold), space.selected(exempt)
    if threshold is None:
        hidden = np.zeros(len(space.values), dtype=bool)
        low = high = space.values
        exact = np.ones(len(space.values), dtype=bool)
    else:
        hidden = (((space.values >= 1) & (space.values < threshold)) & ~exempted) | withheld
        shown = places({f"{t} {c}": ids for t, cols in space.cell_of.items() for c, ids in cols.items()},
                       len(space.values))
        shown[space.selected(keep)] *= 1000
        low, high, exact = protect(space.values, hidden, space.relations, threshold, shown=shown, withheld=withheld)
    small = hidden & _could_be_small(low, high, threshold or 0)
    narrowest = float((high - low)[small].min()) if small.any() else None
    out = {}
    for name, result in given.items():
        cells, work = space.specs[name], space.works[name]
        local = {c: ids for c, ids in space.cell_of[name].items()}
        table = apply(work, cells.counts, local, hidden, cells.derived, space.codes[name])
        private = list(cells.extra) + list(cells.hidden)
        table = table.drop(columns=private + [f"{h}_suppressed" for h in cells.hidden])
        remade: dict = {}
        if cells.recompute is not None and threshold is not None:
            table = cells.recompute(table, result.method)
            if isinstance(table, tuple):   # (table, notes): figures of the method made again too
                table, remade = table
        notes = {**_notes(result, threshold, table, cells, int(hidden.sum()), narrowest, len(given)), **remade}
        columns = sorted({ref.column for ref in withhold if ref.table == name})
        if columns and threshold is not None:
            notes["withheld"] = (f"{' and '.join(columns)} left blank whatever their size (published elsewhere in "
                                 "this publication)")
        out[name] = result.with_table(table, **notes)
    return out["table"] if single else out


def _notes(result: Result, threshold: int | None, table: pd.DataFrame, cells: CountCells, n_hidden: int,
           narrowest: float | None, n_tables: int) -> dict:
    flags = [f"{c}_suppressed" for c in cells.published]
    if threshold is None:
        return {"disclosure control": "NOT FOR PUBLICATION: small numbers not suppressed",
                "disclosure threshold": None, "suppression flags": flags}
    blanked = sorted({c for d in cells.derived for c in d.columns if c in table.columns})
    scope = "this table" if n_tables == 1 else f"the {n_tables} tables published together"
    return {
        "disclosure control": f"statistical disclosure control ({result.spec.kind} table, over {scope})",
        "disclosure threshold": threshold,
        "primary suppression": f"counts 1 to {threshold - 1} suppressed (shown as <NA>); 0 shown",
        "secondary suppression": "in every margin (counts adding to a published total, in a table or across the "
                                 "tables published together) with exactly one suppressed count, another suppressed "
                                 "too; then more wherever a suppressed count could still be narrowed to fewer than "
                                 f"{threshold} values (audit by integer programming)",
        "rows with a suppressed count": {c: int(table[f"{c}_suppressed"].sum()) for c in cells.published},
        "blanked": f"{blanked} where a count they are made from is suppressed",
        "suppression flags": flags,
        "disclosure audit": (f"{n_hidden} suppressed counts over {scope}; narrowest range a reader can work out: "
                             + (f"{narrowest:g}" if narrowest is not None else "none suppressed")),
    }


@dataclass(frozen=True)
class Audit:
    """What a reader can work out about every suppressed count of a publication.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per suppressed count: ``table``, ``column``, ``cell`` (its
        key), ``low`` and ``high`` (values it can take given everything
        published), ``width`` (high - low), ``exact`` (the whole range, or
        only values it can take at least) and ``protected`` (width at least
        the threshold).
    threshold : int
    """

    table: pd.DataFrame
    threshold: int

    @property
    def passed(self) -> bool:
        """Whether every suppressed count is protected."""
        return bool(self.table["protected"].all())

    @property
    def narrowest(self) -> float | None:
        """The narrowest range of a suppressed count that could be small (None: none)."""
        could_be_small = self.table[_could_be_small(self.table["low"].to_numpy(), self.table["high"].to_numpy(),
                                                    self.threshold)]
        return float(could_be_small["width"].min()) if len(could_be_small) else None

    def summary(self) -> str:
        """One sentence: cells protected and the narrowest range."""
        if not len(self.table):
            return "No count is suppressed."
        n, bad = len(self.table), int((~self.table["protected"]).sum())
        verdict = ("every one is protected" if not bad
                   else f"{bad} can be narrowed to fewer than {self.threshold} values that include small counts")
        narrowest = self.narrowest
        return (f"{n} suppressed counts: {verdict}; " + (
            f"the narrowest range a reader can work out from everything published, for a count that could be "
            f"small, is {narrowest:g} wide (threshold {self.threshold})." if narrowest is not None
            else "none of them could be small."))


def audit(results: Result | Mapping[str, Result], *, links: Sequence[Link] = (),
          threshold: int | None = None) -> Audit:
    """The range every suppressed count can take, given everything published together.

    From the published (suppressed) tables only, with the margins each
    analysis declares and the ``links`` between tables, integer programming
    (HiGHS) finds the smallest and largest non-negative integer value
    of each suppressed count.  A count whose range is narrower than the
    threshold and reaches below it is not protected: a reader could tell a
    small count from 0 or from the threshold.  (A large count suppressed as a
    complement may have a narrow range that holds no small count.)

    Parameters
    ----------
    results : Result or dict of str to Result
        The tables as they will be published (from :func:`suppress`).
    links : sequence of Link
        Counts shared between the tables.
    threshold : int, optional
        Defaults to the tables' own ("disclosure threshold" in ``.method``).

    Returns
    -------
    Audit
        ``.passed``, ``.narrowest``, ``.summary()`` and ``.table``.

    Examples
    --------
    >>> import workforce
    >>> from workforce.disclosure import audit
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> safe = workforce.suppress(workforce.ladder(staff))
    >>> report = audit(safe)
    >>> report.passed, report.narrowest >= 8
    (True, True)
    """
    given = _named(results)
    if threshold is None:
        found = {r.method["disclosure threshold"] for r in given.values() if "disclosure threshold" in r.method}
        found.discard(None)
        if len(found) != 1:
            raise WorkforceError("give the threshold: the tables do not state one disclosure threshold "
                                 f"({sorted(found) or 'none'}).")
        threshold = int(found.pop())
    check_threshold(threshold)
    space = _Cells.of(given, links)
    unknown = np.isnan(space.values)
    low, high, exact = feasible_ranges(space.values, unknown, space.relations, float(threshold))
    rows = []
    described = space.describe(np.flatnonzero(unknown))
    for cell in np.flatnonzero(unknown):
        name, column, key = described[int(cell)]
        rows.append((name, column, key, low[cell] + 0.0, high[cell] + 0.0, high[cell] - low[cell], bool(exact[cell])))
    table = pd.DataFrame(rows, columns=["table", "column", "cell", "low", "high", "width", "exact"])
    table["protected"] = protected(table["low"].to_numpy(), table["high"].to_numpy(), threshold)
    return Audit(table, threshold)


def round_counts(results: Result | Mapping[str, Result], base: int = 5, *,
                 exempt: Sequence[Ref] = ()) -> Result | dict[str, Result]:
    """Published counts rounded to the nearest ``base``, as NHS Digital publishes (after suppression).

    Every count column of each suppressed table is rounded (halves up: with
    base 5, 8 shows as 10 and 12 as 10); suppressed counts stay blank and 0
    stays 0.  Rates, shares and intervals are left as they were computed,
    from the unrounded counts.  Rounding only widens what a reader can work
    out, so the audit of the unrounded tables (:func:`audit`) still holds.

    Parameters
    ----------
    results : Result or dict of str to Result
        Tables from :func:`suppress`.
    base : int
        Round to the nearest multiple of this (at least 2).
    exempt : sequence of Ref
        Counts shown as they are (those :func:`suppress` was told to publish
        whatever their size: rounded, a board's 2 would read 0).

    Returns
    -------
    Result or dict of str to Result
        As given, with ``.method["rounding"]`` saying the rule.

    Examples
    --------
    >>> import workforce
    >>> from workforce.disclosure import round_counts
    >>> staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    >>> safe = round_counts(workforce.suppress(workforce.representation(staff, workforce.population("Leicester"))))
    >>> safe.table[["group", "staff_count", "staff_total"]].head(3).to_string(index=False).splitlines()[1:]
    ['White         3600         5805', 'Mixed          145         5805', 'Asian         1285         5805']
    """
    check_rounding(base)
    given = _named(results)
    out = {}
    for name, result in given.items():
        if "disclosure threshold" not in result.method:
            raise WorkforceError(f"{name!r}: round the counts after disclosure control (workforce.suppress), "
                                 "not before: suppression works on the true counts.")
        table = result.table.copy()
        for column in _spec_cells(name, result).published:
            counts = pd.to_numeric(table[column], errors="coerce")
            rounded = np.floor(counts.to_numpy(dtype=float) / base + 0.5) * base
            for ref in exempt:
                if ref.table == name and ref.column == column:
                    keep = _select(table, ref.where)
                    rounded[keep] = counts.to_numpy(dtype=float)[keep]
            table[column] = pd.array(np.where(counts.isna(), np.nan, rounded), dtype="Float64").astype("Int64")
        out[name] = result.with_table(table, rounding=f"counts rounded to the nearest {base} after suppression; "
                                                      "rates and intervals computed from the unrounded counts")
    return out["table"] if isinstance(results, Result) else out
