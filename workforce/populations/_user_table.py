"""A population table supplied by the user, read as a benchmark.

The table has one row per group (and optionally per age band) with a count,
with the columns declared in ``schemas/population.yaml`` (area, group, count,
optional age_band; headers are matched through the schema's aliases).  It is
checked strictly, because a benchmark with a group missing or a count
mistyped would bias every comparison made with it: each problem raises a
:class:`~workforce.errors.PopulationError` that names the row (as numbered in
the file, the header being row 1; or the DataFrame index) and the column
header as written.

Groups may be the 19 Census 2021 labels (exact, or the part after the colon
such as "Indian"), the five high-level groups White, Mixed, Asian, Black,
Other (read as Census 2021 groups, Chinese in Asian: NHS 2001 groups cannot be
derived from them), White / BME, Female / Male, or the age bands 16-24 ...
65+.  A table may hold one ethnic classification, sex and age bands together;
every group of each classification it uses must have a row (0 where there is
nobody).  With an ``age_band`` column, ``ages="16-64"`` keeps the bands 16-24
to 55-64 and ``ages="all"`` keeps every row; without one the table is taken
to describe the population asked for.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..codes import AGE_BANDS, census_categories, parse_age_band
from ..errors import PopulationError
from ..load import read_schema
from ._levels import LEVELS

__all__ = ["user_population"]

_MAX_LISTED = 5
_WORKING = [b for b in AGE_BANDS if b != "65+"]
_NAMES = {"census19": "Census 2021 ethnic (19)", "census5": "high-level ethnic (5)",
          "nhs5": "NHS high-level ethnic (5)", "wres": "White/BME", "sex": "sex", "age_band": "age band"}


def _key(text: object) -> str:
    return " ".join(re.findall(r"[a-z0-9+]+", str(text).lower().replace("&", " and ")))


def _vocabulary() -> dict[str, tuple[str, str]]:
    """Label key -> (level, group); level "broad" for the five high-level labels."""
    vocab = {}
    for label in LEVELS["census19"]:
        vocab[_key(label)] = ("census19", label)
        vocab.setdefault(_key(label.split(": ", 1)[1]), ("census19", label))
    vocab.update({_key(g): ("broad", g) for g in LEVELS["census5"]})
    vocab[_key("BME")] = ("wres", "BME")
    vocab.update({_key(g): ("sex", g) for g in LEVELS["sex"]})
    vocab.update({"women": ("sex", "Female"), "men": ("sex", "Male")})
    vocab.update({_key(b): ("age_band", b) for b in AGE_BANDS})
    return vocab


def _read(source) -> tuple[pd.DataFrame, str, bool]:
    """(raw table of text cells, description, whether rows are file rows)."""
    if isinstance(source, pd.DataFrame):
        return source.copy(), "DataFrame", False
    path = Path(str(source).strip())
    if not path.is_file():
        raise PopulationError(f"population table {str(path)!r} does not exist.")
    try:
        if path.suffix.lower() == ".csv":
            table = pd.read_csv(path, dtype=object, keep_default_na=False)
        else:
            table = pd.read_excel(path, dtype=object, engine="calamine")
    except Exception as exc:  # noqa: BLE001 - any reader failure is the user's file
        raise PopulationError(f"population table {str(path)!r} cannot be read: {exc}") from None
    return table, str(path), True


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


@dataclass
class _Table:
    """A user table being read: its cells, where it came from, and its columns by schema name."""

    frame: pd.DataFrame
    where: str
    file_rows: bool
    headers: dict[str, str]

    def row(self, i: int) -> str:
        return f"row {i + 2}" if self.file_rows else f"row with index {self.frame.index[i]!r}"

    def cell(self, i: int, name: str, value: object) -> str:
        shown = "blank" if _blank(value) else repr(value)
        return f"{self.row(i)}, column {self.headers[name]!r}: {shown}"

    def cells(self, name: str) -> list:
        return self.frame[self.headers[name]].tolist()

    def error(self, text: str) -> PopulationError:
        return PopulationError(f"{self.where}: {text}")

    def fail(self, problems: list[str], what: str) -> PopulationError:
        more = f" (and {len(problems) - _MAX_LISTED} more)" if len(problems) > _MAX_LISTED else ""
        return self.error(f"{'; '.join(problems[:_MAX_LISTED])}{more}. {what}")


def _open(source) -> _Table:
    frame, where, file_rows = _read(source)
    schema = read_schema("population")
    headers: dict[str, str] = {}
    for header in frame.columns:
        name = schema.column_for_header(header)
        if name is not None and headers.setdefault(name, str(header)) != str(header):
            raise PopulationError(f"{where}: columns {headers[name]!r} and {str(header)!r} both mean {name!r}; "
                                  f"keep one.")
    for name in schema.required:
        if name not in headers:
            spec = schema.columns[name]
            raise PopulationError(f"{where}: no {name!r} column (headers read as {name}: {[name, *spec.aliases]}); "
                                  f"the table's headers are {[str(c) for c in frame.columns]}.")
    return _Table(frame, where, file_rows, headers)


def _counts(table: _Table) -> list[float]:
    counts, problems = [], []
    for i, value in enumerate(table.cells("count")):
        number = math.nan if _blank(value) else pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
        if _blank(value):
            problems.append(f"{table.cell(i, 'count', value)}: a count is needed (0 where there is nobody)")
        elif not math.isfinite(number):
            problems.append(f"{table.cell(i, 'count', value)} is not a number")
        elif number < 0:
            problems.append(f"{table.cell(i, 'count', value)} is negative")
        counts.append(float(number))
    if problems:
        raise table.fail(problems, "Every count must be a number of people, zero or more.")
    return counts


def _groups(table: _Table) -> tuple[list[tuple[str, str]], list[str]]:
    """Each row's (level, group), and the ethnic classification used (at most one)."""
    vocab = _vocabulary()
    labels: list[tuple[str, str]] = []
    problems: list[str] = []
    for i, value in enumerate(table.cells("group")):
        hit = None if _blank(value) else vocab.get(_key(value))
        if hit is None:
            problems.append(f"{table.cell(i, 'group', value)} is not a group that could be recognised")
        else:
            labels.append(hit)
    if problems:
        raise table.fail(problems, "Use the 19 Census 2021 ethnic group labels, White/Mixed/Asian/Black/Other, "
                                   "White/BME, Female/Male or the age bands 16-24 ... 65+.")
    group = table.headers["group"]
    if any(level == "wres" for level, _ in labels):  # "White" is White/BME's White
        if {g for level, g in labels if level == "broad"} - {"White"}:
            raise table.error(f"column {group!r} mixes White/BME with the five high-level groups, so 'White' is "
                              f"ambiguous; give one ethnic classification.")
        labels = [("wres", g) if level == "broad" else (level, g) for level, g in labels]
    labels = [("census5", g) if level == "broad" else (level, g) for level, g in labels]
    ethnic = sorted({level for level, _ in labels} & {"census19", "census5", "wres"})
    if len(ethnic) > 1:
        raise table.error(f"column {group!r} mixes ethnic classifications ({ethnic}); give one (the 19 Census "
                          f"groups, the five high-level groups, or White/BME).")
    return labels, ethnic


def _bands(table: _Table, ages: str) -> tuple[list[str | None], list[bool]]:
    """Each row's standard age band (None: under 16 or no age_band column) and whether it is kept."""
    n = len(table.frame)
    if "age_band" not in table.headers:
        return [None] * n, [True] * n
    bands, keep, problems = [], [], []
    for i, value in enumerate(table.cells("age_band")):
        band = None if _blank(value) else parse_age_band(str(value))
        if band is None:
            problems.append(f"{table.cell(i, 'age_band', value)} is not an age band that fits one of "
                            f"{list(AGE_BANDS)} (or an age band under 16)")
            band = {}
        bands.append(band.get("age_band"))  # None: under 16
        keep.append(ages == "all" or bands[-1] in _WORKING)
    if problems:
        raise table.fail(problems, "Give each row an age band.")
    return bands, keep


def _wanted(level: str, ages: str) -> list[str]:
    return _WORKING if (level == "age_band" and ages == "16-64") else LEVELS[level]


def user_population(source, ages: str) -> tuple[pd.Series, dict]:
    """Counts indexed by (level, group) and the benchmark description of a user table."""
    table = _open(source)
    counts = _counts(table)
    labels, ethnic = _groups(table)
    bands, keep = _bands(table, ages)
    keep = [k and not (level == "age_band" and group not in _wanted("age_band", ages))
            for k, (level, group) in zip(keep, labels)]
    rows = [(label, n, band) for label, n, band, k in zip(labels, counts, bands, keep) if k]
    if not rows:
        raise table.error(f"no rows for ages {ages}.")
    sums: dict[tuple[str, str], float] = {}
    for label, n, _ in rows:
        sums[label] = sums.get(label, 0.0) + n
    given = sorted({level for level, _ in labels}, key=list(LEVELS).index)
    for level in given:
        missing = [g for g in _wanted(level, ages) if (level, g) not in sums]
        if missing:
            raise table.error(f"column {table.headers['group']!r} has {_NAMES[level]} groups but no row for "
                              f"{missing}; add a row for each group (with count 0 where there is nobody).")

    values = {level: pd.Series({g: sums[level, g] for g in _wanted(level, ages)}) for level in given}
    caveats = []
    if "census19" in values:
        cats = census_categories().set_index("label")
        for level in ("census5", "nhs5", "wres"):
            values[level] = values["census19"].groupby(cats[level]).sum()[LEVELS[level]]
    elif "census5" in values:
        values["wres"] = pd.Series({"White": values["census5"]["White"], "BME": values["census5"].drop("White").sum()})
        caveats.append("The five high-level groups are read as Census 2021 groups (Chinese in Asian); the NHS "
                       "2001 grouping (nhs5) cannot be derived from them. Give the 19 Census groups to get it.")
    if "age_band" in table.headers and "age_band" not in values:  # age structure from the age_band column
        first = next(iter(ethnic or [level for level in ("sex",) if level in given]), None)
        by_band: dict[str, float] = {}
        for (level, _), n, band in rows:
            if level == first and band is not None:
                by_band[band] = by_band.get(band, 0.0) + n
        if all(b in by_band for b in _wanted("age_band", ages)):
            values["age_band"] = pd.Series({b: by_band[b] for b in _wanted("age_band", ages)})
    elif "age_band" not in table.headers:
        caveats.append(f"The population table has no age bands: it is used as given and taken to describe the "
                       f"population aged {ages}.")
    empty = [_NAMES[level] for level, v in values.items() if v.sum() <= 0]
    if empty:
        raise table.error(f"the counts of the {', '.join(empty)} groups add up to 0; a benchmark needs people in it.")

    order = [level for level in LEVELS if level in values]
    out = pd.concat({level: values[level] for level in order}, names=["level", "group"]).astype(float)
    areas = sorted({str(v).strip() for v in table.cells("area") if not _blank(v)})
    if len(areas) > 1:
        raise table.error(f"column {table.headers['area']!r} holds {len(areas)} areas ({areas[:_MAX_LISTED]}); "
                          f"pass the rows of one area.")
    name = areas[0] if areas else "user table"
    return out, {
        "area": name,
        "areas": [{"code": "", "name": name, "type": "user table", "weight": 1.0}],
        "methods": ["user table" if level in given else "user table, summed"
                    for level in out.index.get_level_values("level")],
        "method": f"Counts from a population table supplied by the user ({table.where}); shares within each level.",
        "sources": [f"User population table: {table.where}."],
        "caveats": caveats,
    }
