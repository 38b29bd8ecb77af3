"""What every chart shares: the palette, the theme, the words of titles and subtitles, table helpers, common layers."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar, overload

import altair as alt
import numpy as np
import pandas as pd
from altair.theme import ConfigKwds, ThemeConfig

from .._result import Method, Result
from .._spec import Kind
from .._version import __version__
from ..errors import WorkforceError

#: Okabe-Ito colour-blind-safe palette (orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple,
#: black).
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
#: Name of the registered Altair theme.
THEME = "workforce"
_BLUE, _VERMILLION, _BLACK, _ORANGE = "#0072B2", "#D55E00", "#000000", "#E69F00"
_GREY = "#BBBBBB"      # small groups, and insufficient data
_PALE = "#E3E3E3"      # suppressed groups (nothing drawn but their label and legend key)
_NEUTRAL = "#7F7F7F"   # "no evidence of a difference"
_SHADE = "#DDDDDD"     # the non-adverse range
_NON_ADVERSE = (0.80, 1.25)
#: The page column every chart fits, in px: the board pack's page in a window 800 px wide (less its margins and a
#: scrollbar).  Charts are laid out to fit it (titles wrapped, legends in columns, row labels wrapped), and the
#: page scales any wider SVG down to it.
COLUMN = 740
#: Where Arial is missing (Linux without Liberation Sans), browsers draw the charts in a wider face (DejaVu Sans,
#: about 10 to 15% wider): text widths are estimated that much wider (:func:`_text_width`), so that titles and
#: labels fit even then.
_FONT_SLACK = 1.15
# Character widths of Arial (metric-compatible with Helvetica and Liberation Sans), in thousandths of an em, for
# the printable ASCII characters from the space (32) to the tilde (126): regular, then bold.
_ARIAL = [int(w) for w in (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 278 278 "
    "584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 722 667 611 722 667 944 "
    "667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 "
    "278 556 500 722 500 500 500 334 260 334 584").split()]
_ARIAL_BOLD = [int(w) for w in (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 333 333 "
    "584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 722 667 611 722 667 944 "
    "667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 611 278 278 556 278 889 611 611 611 611 389 556 "
    "333 611 556 778 556 556 500 389 280 389 584").split()]
_OTHER_WIDTHS = {"·": 278, "×": 584, "÷": 584, "−": 584, "–": 556, "—": 1000, "…": 1000, "’": 222, "‘": 222,
                 "“": 333, "”": 333, "≥": 549, "≤": 549, "±": 584, "√": 549, "é": 556}
# Columns that identify a person: never embedded in a chart.
_IDENTIFIERS = {"person_id", "assignment_id", "employee_number", "assignment_number", "source_row", "nhs_number"}


# ---------------------------------------------------------------- theme


def _theme() -> ThemeConfig:
    """The package's theme (an ``alt.theme.ThemeConfig`` dict)."""
    font = "Arial, Helvetica, sans-serif"
    return {
        "config": {
            "font": font,
            "view": {"stroke": None, "continuousWidth": 480, "continuousHeight": 300},
            "title": {"anchor": "start", "fontSize": 16, "fontWeight": "bold", "subtitleFontSize": 12,
                      "subtitleColor": "#444444", "subtitlePadding": 6, "offset": 12},
            # labels are never cut with "…": long ones are wrapped onto lines (see _wrap_label and _legend)
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": "normal", "grid": True,
                     "gridColor": "#EEEEEE", "domainColor": "#888888", "tickColor": "#888888",
                     "labelLimit": 0, "titleLimit": 0, "labelLineHeight": _LINE_HEIGHT},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "direction": "horizontal",
                       "labelLimit": 0, "titleLimit": 0},
            "header": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 0},
            "range": {"category": PALETTE},
            "point": {"size": 70, "filled": True, "opacity": 1},
            "text": {"fontSize": 11},
        }
    }


def _config() -> ConfigKwds:
    """Register the theme once (never enabling it) and return its configuration."""
    global _REGISTERED
    if not _REGISTERED:   # Altair's list of themes is slow to read (a hundredth of a second): once is enough
        if THEME not in alt.theme.names():
            alt.theme.register(THEME, enable=False)(_theme)
        _REGISTERED = True
    return _theme()["config"]


_REGISTERED = False


@overload
def _finish(chart: alt.LayerChart, title: str, subtitle: list[str], description: str, result: Result,
            name: str) -> alt.LayerChart: ...
@overload
def _finish(chart: alt.LayerChart | alt.FacetChart, title: str, subtitle: list[str], description: str,
            result: Result, name: str) -> alt.LayerChart | alt.FacetChart: ...
def _finish(chart: alt.LayerChart | alt.FacetChart, title: str, subtitle: list[str], description: str, result: Result,
            name: str) -> alt.LayerChart | alt.FacetChart:
    """Title, subtitle, alt text, provenance and the theme's configuration.

    The title and each subtitle line are wrapped to the page column (:data:`COLUMN`): the title's
    ``text`` is a list of lines, which joined with spaces give ``title`` again.

    A result published without suppression (``suppress(..., threshold=None)``)
    says "NOT FOR PUBLICATION" at the head of the chart's title, whatever file
    the chart is saved to.
    """
    control = str(result.method.get("disclosure control") or "")
    if control.startswith("NOT FOR PUBLICATION"):
        subtitle = [control, *subtitle]
        title = f"NOT FOR PUBLICATION. {title}"
        description = f"{control}. {description}"
    return _set(
        chart,
        title=alt.Title(_lines(title, COLUMN, _TITLE_SIZE, bold=True),
                        subtitle=[line for s in subtitle if s for line in _lines(s, COLUMN, _SUBTITLE_SIZE)]),
        description=description,
        usermeta={"workforce": {"chart": name, "analysis": str(result.spec.kind),
                                "version": f"workforce {__version__}"}},
        config=alt.Config(**_config()),   # what chart.configure(**_config()) sets
    )


_Top = TypeVar("_Top", bound=alt.TopLevelMixin)


def _set(chart: _Top, **properties: Any) -> _Top:
    """``chart.properties(**properties)``, but changing ``chart`` itself: the specification is the same.

    Altair's ``properties`` and ``configure`` copy a layer chart, and the copy
    runs the layer chart's constructor again, which deep-copies every layer
    twice (about a quarter of the charts' CPU).  Every chart given here has
    just been made, and nothing else holds it.  (``properties`` also
    validates each property; the charts' tests validate whole
    specifications.)
    """
    for key, value in properties.items():
        setattr(chart, key, value)
    return chart


def _layered(chart: alt.LayerChart | alt.FacetChart) -> alt.LayerChart:
    """``chart``, typed as the layer chart it is: ``alt.layer`` is typed as giving a layer or a facet chart."""
    assert isinstance(chart, alt.LayerChart), type(chart)
    return chart


def _rows(frame: pd.DataFrame) -> Iterator[Any]:
    """``frame.itertuples()``, for the words of alt text: each field is typed loosely, as any pandas scalar."""
    return frame.itertuples()


# ---------------------------------------------------------------- helpers


_TITLE_SIZE, _SUBTITLE_SIZE, _LABEL_SIZE = 16, 12, 12
_LINE_HEIGHT = 15   # px between the lines of a wrapped 12 px label


def _text_width(text: str, size: float = _LABEL_SIZE, bold: bool = False) -> float:
    """The width ``text`` may take on screen, in px: Arial's width at ``size``, widened by :data:`_FONT_SLACK`.

    Characters outside the table count as a wide letter (a CJK character as a whole em).
    """
    table = _ARIAL_BOLD if bold else _ARIAL
    units = 0
    for ch in str(text):
        code = ord(ch)
        if 32 <= code <= 126:
            units += table[code - 32]
        elif ch in _OTHER_WIDTHS:
            units += _OTHER_WIDTHS[ch]
        else:
            units += 1000 if unicodedata.east_asian_width(ch) in ("W", "F") else 722
    return units * size / 1000 * _FONT_SLACK


def _lines(text: str, width: float, size: float = _LABEL_SIZE, bold: bool = False) -> list[str]:
    """``text`` wrapped into lines that fit ``width`` px (by :func:`_text_width`), broken at spaces.

    Parts joined by " · " are kept whole on a line where they fit (the break replaces the " · ");
    a single word wider than ``width`` is a line of its own.  Without " · ", the lines joined with
    spaces give ``text`` again.
    """
    lines: list[str] = []
    for part in str(text).split(" · "):
        if lines and _text_width(f"{lines[-1]} · {part}", size, bold) <= width:
            lines[-1] = f"{lines[-1]} · {part}"
            continue
        line = ""
        for word in part.split(" "):
            trial = f"{line} {word}" if line else word
            if line and _text_width(trial, size, bold) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return [line for line in lines if line.strip()]


#: The widest a row label may be before it wraps onto another line, in px.
LABEL_WIDTH = 240


def _wrap_label(text: str, width: float = LABEL_WIDTH, size: float = _LABEL_SIZE) -> str:
    """A row label with a newline where it wraps (drawn as lines by :func:`_label_axis`)."""
    return "\n".join(_lines(text, width, size)) or str(text)


def _label_axis(*, across: bool = False, **options) -> alt.Axis:
    """An axis whose labels are drawn on several lines, split where :func:`_wrap_label` put a newline.

    Vega draws a label's first line at its tick and the others below it: on a vertical axis each
    label is moved up by half its extra lines, so that it is centred on its row.  ``across``: a
    horizontal axis (its labels are not moved; put it at the bottom when they wrap).
    """
    if not across:
        options.setdefault("labelOffset", alt.ExprRef(
            f"-(length(split(datum.label, '\\n')) - 1) * {_LINE_HEIGHT / 2:g}"))
    return alt.Axis(labelExpr="split(datum.label, '\\n')", **options)


def _row_step(labels: Iterable[str], least: int = 24) -> int:
    """The height of a row, in px, that holds its label's lines (as :func:`_wrap_label` wraps them)."""
    most = max([str(label).count("\n") + 1 for label in labels], default=1)
    return max(least, _LINE_HEIGHT * most + 9)


def _legend(labels: Iterable[str], *, width: float = COLUMN, size: float = _LABEL_SIZE, **options) -> alt.Legend:
    """A legend at the bottom whose entries are laid out in as many columns as fit ``width`` px.

    An entry takes its label's width and about 30 px (the symbol, its offset and the space between
    columns); the columns are filled row by row, each as wide as its widest entry.
    """
    entries = [_text_width(str(label), size) + 30 for label in labels]
    columns = 1
    for k in range(len(entries), 1, -1):
        if sum(max(entries[i::k]) for i in range(k)) <= width:
            columns = k
            break
    return alt.Legend(columns=columns, **options)


def _nice_ticks(low: float, high: float, width: float, label: str = "100%", least: int = 2,
                room: float | None = None) -> list[float]:
    """Tick values from ``low`` to ``high`` on a linear axis ``width`` px long, as many as fit without crowding.

    The step is 1, 2, 2.5 or 5 times a power of ten, the smallest that leaves each tick ``room`` px:
    by default room for one and a half labels as wide as ``label`` and 14 px (the end labels are
    drawn flush with the axis's ends, half a label inwards); on a vertical axis, give ``room``: a
    label's height and a gap.
    """
    if not (np.isfinite(low) and np.isfinite(high)) or high <= low:
        return [float(low)] if np.isfinite(low) else []
    room = room if room is not None else 1.5 * _text_width(label) + 14
    most = max(least, int(width // room) + 1)
    power = 10.0 ** math.floor(math.log10((high - low) / most))
    for step in (power * m for m in (1, 2, 2.5, 5, 10, 20, 25, 50, 100)):
        first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
        if last - first + 1 <= most:
            return [round(i * step, 10) for i in range(first, last + 1)]
    return [float(low), float(high)]


def _log_ticks(low: float, high: float, width: float) -> list[float]:
    """Tick values for a log axis from ``low`` to ``high``, ``width`` px long: 1, 2 and 5 times powers of ten.

    Fewer (1 and 2, then 1 alone) when they would crowd: about 40 px apart at least.
    """
    if not (low > 0 and high > low):
        return [1.0]
    decades = math.log10(high) - math.log10(low)
    for mantissas in ((1, 2, 5), (1, 2), (1,), (1,)):
        values = [m * 10.0 ** e for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
                  for m in mantissas if low - 1e-12 <= m * 10.0 ** e <= high + 1e-12]
        gaps = [math.log10(b / a) / decades * width for a, b in zip(values, values[1:])]
        if not gaps or min(gaps) >= 40:
            return [round(v, 10) for v in values]
    return [round(v, 10) for v in values]


def _log_domain(low: float, high: float) -> list[float]:
    """The domain of a log axis: ``low`` and ``high`` widened to 1, 2 or 5 times a power of ten."""
    def down(v: float) -> float:
        e = math.floor(math.log10(v))
        return max(m * 10.0 ** e for m in (1, 2, 5) if m * 10.0 ** e <= v * (1 + 1e-9))

    def up(v: float) -> float:
        e = math.floor(math.log10(v))
        return min(m * 10.0 ** e for m in (1, 2, 5, 10) if m * 10.0 ** e >= v * (1 - 1e-9))

    return [round(down(low), 10), round(up(high), 10)]


def _pct(x: Any) -> str:
    """A share as words use it: whole percent from 10%, one decimal below.

    ``x`` is a float, or a pandas scalar read from a row (typed loosely for that reason).
    """
    if x is None or not np.isfinite(x):
        return "n/a"
    return f"{x:.0%}" if round(x, 3) >= 0.095 else f"{x:.1%}"


def _level(method: Method) -> str:
    """The confidence level of a result's intervals, as words write it ("95%")."""
    confidence = method.confidence if method.confidence is not None else 0.95
    return f"{confidence * 100:g}%"


def _snapshot(method: Method) -> str:
    snaps = method.get("snapshots") or []
    if isinstance(snaps, str):
        snaps = [snaps]
    dates = []
    for s in snaps:
        try:
            stamp = pd.Timestamp(s)
            dates.append(f"{stamp.day} {stamp:%B %Y}")
        except (ValueError, TypeError):
            dates.append(str(s))
    return ("snapshot " + ", ".join(dates)) if dates else ""


def _area(benchmark: dict) -> str:
    """'Leicester' for one area, else the benchmark's label."""
    areas = benchmark.get("areas") or []
    if len(areas) == 1 and isinstance(areas[0], dict) and areas[0].get("name"):
        return str(areas[0]["name"])
    return str(benchmark.get("area", "the benchmark"))


def _population_words(benchmark: dict, row=None) -> str:
    """"Leicester's working-age population"; with ``row``, that row's own benchmark (icb_view)."""
    if row is not None and "by organisation" in benchmark and str(row.get("benchmark", "")):
        area = re.sub(r"\s*\([A-Z]\d{8}\)$", "", str(row["benchmark"]))
        kind = "working-age population" if str(row.get("benchmark_ages", "")) == "16-64" else "population"
        return f"{area}'s {kind}"
    ages = str(benchmark.get("ages", ""))
    kind = "working-age population" if ages == "16-64" else "population"
    return f"{_area(benchmark)}'s {kind}"


def _shared_benchmark(benchmark: dict) -> dict:
    """The one benchmark every organisation of an ``icb_view`` was given, or ``benchmark`` itself.

    ``{}`` when the organisations have different benchmarks (each its own area).
    """
    if "by organisation" not in benchmark:
        return benchmark
    each = [b for b in (benchmark.get("by organisation") or {}).values() if isinstance(b, dict)]
    kinds = {(str(b.get("area", "")), str(b.get("ages", ""))) for b in each}
    return each[0] if len(kinds) == 1 else {}


def _benchmark_words(benchmark: dict) -> str:
    if not benchmark:
        return ""
    benchmark = _shared_benchmark(benchmark)
    if not benchmark:
        return "benchmark: each organisation's own area"
    ages = benchmark.get("ages")
    return f"benchmark: {benchmark.get('area', '')}" + (f", ages {ages}" if ages else "") + ", Census 2021"


def _suppressed(table: pd.DataFrame, counts: Iterable[str] | None = None) -> pd.Series:
    """Rows a disclosure step hid.

    Any ``*_suppressed`` column true, or only those of ``counts`` (the counts the chart's figure is made
    from; a suppressed unknown or total elsewhere in the row does not hide it).
    """
    flags = [c for c in table.columns if c.endswith("_suppressed")
             and (counts is None or c[: -len("_suppressed")] in counts)]
    if not flags:
        return pd.Series(False, index=table.index)
    return table[flags].fillna(False).astype(bool).any(axis=1)


def _hide(table: pd.DataFrame) -> pd.DataFrame:
    """A copy with every value marked ``<column>_suppressed`` set missing."""
    table = table.copy()
    for flag in [c for c in table.columns if c.endswith("_suppressed")]:
        column = flag[: -len("_suppressed")]
        if column in table:
            hidden = table[flag].fillna(False).astype(bool)
            if pd.api.types.is_numeric_dtype(table[column]) and not pd.api.types.is_bool_dtype(table[column]):
                table[column] = pd.to_numeric(table[column], errors="coerce").astype(float).where(~hidden)
            else:
                table[column] = table[column].astype(object).where(~hidden, None)
    return table


def _frame(data: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Only the columns a chart uses, as plain JSON-friendly types (never an identifier)."""
    columns = [c for c in dict.fromkeys(columns) if c not in _IDENTIFIERS]
    out = pd.DataFrame(index=range(len(data)))
    for c in columns:
        values = data[c].reset_index(drop=True)
        if isinstance(values.dtype, pd.CategoricalDtype) or values.dtype == object or pd.api.types.is_string_dtype(values):
            cells: list[Any] = [None if (v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA) else
                                (v if isinstance(v, (bool, np.bool_)) else str(v)) for v in values]
            out[c] = cells
        elif pd.api.types.is_bool_dtype(values):
            out[c] = values.astype(object).where(values.notna(), None)
        else:
            out[c] = pd.to_numeric(values, errors="coerce").astype(float).round(6)
    return out


def _small_label(min_size: int) -> str:
    """The label of a group greyed by the chart's own rule (``min_size``)."""
    return f"fewer than {min_size} staff"


def _insufficient_label(method: Method, what: str = "in a group") -> str:
    """The label of a row the analysis marked "insufficient data", naming its rule (``method.min_size``)."""
    return f"insufficient data: fewer than {method.min_size} {what}" if method.min_size else "insufficient data"


def _suppressed_label(method: Method) -> str:
    """The label of a suppressed group, naming the disclosure rule that hid it."""
    threshold = method.get("disclosure threshold")
    return f"suppressed: under {threshold}, or protecting one" if threshold else "suppressed"


def _is_suppressed(status: Any) -> bool:
    return str(status).startswith("suppressed")


def _status(small: pd.Series, hidden: pd.Series, min_size: int, method: Method | None = None) -> pd.Series:
    """Each row's grey label: suppressed (the disclosure rule), small (the chart's rule) or none."""
    status = pd.Series("", index=small.index, dtype=object)
    status[small.to_numpy()] = _small_label(min_size)
    status[hidden.to_numpy()] = _suppressed_label(method) if method is not None else "suppressed"
    return status


def _keys(data: pd.DataFrame, normal: Any) -> np.ndarray:
    """Legend keys: a row's grey label where it has one (``status``), else ``normal``."""
    status = data["status"].astype(str).to_numpy()
    return np.where(status != "", status, normal)


def _greys(min_size: int, method: Method) -> tuple[list[str], list[str]]:
    """The grey legend entries and their colours: small (the chart's rule) and suppressed (disclosure)."""
    return [_small_label(min_size), _suppressed_label(method)], [_GREY, _PALE]


#: The short note beside a greyed row: "suppressed" and "insufficient data" without their rule (the legend says it).
_SHORT_STATUS = ("indexof(datum.status, 'suppressed') == 0 ? 'suppressed' : "
                 "indexof(datum.status, 'insufficient data') == 0 ? 'insufficient data' : datum.status")


def _short_status(status: str) -> str:
    """The note beside a greyed row, as :data:`_SHORT_STATUS` writes it in the chart."""
    for short in ("suppressed", "insufficient data"):
        if str(status).startswith(short):
            return short
    return str(status)


def _label_layer(base, x: str, y, offset: dict | None = None):
    """Text 'fewer than 8 staff' / 'suppressed' beside the rows that carry a status (``y``: the layer's Y).

    The note is short ("suppressed", "insufficient data"); the legend's entry gives the rule in full.
    """
    enc = {"x": alt.X(f"{x}:Q"), "y": y, "text": alt.Text("note:N"), **(offset or {})}
    return base.transform_filter("datum.status != ''").transform_calculate(note=_SHORT_STATUS).mark_text(
        align="left", dx=8, color="#555555").encode(**enc)


def _estimate_layers(base, point, low, high: str, y, colour, tooltip, offset: dict | None = None):
    """A filled point for each estimate and a rule for its interval (``low`` to ``high``).

    The two share y, colour and tooltip.
    """
    extra = offset or {}
    interval = base.mark_rule(strokeWidth=2).encode(x=low, x2=alt.X2(high), y=y, color=colour, tooltip=tooltip, **extra)
    points = base.mark_point(filled=True, size=80).encode(x=point, y=y, color=colour, tooltip=tooltip, **extra)
    return interval, points


def _facet_rows(layers: list, frame: pd.DataFrame, field: str, sort: list):
    """The layers (made on ``alt.Chart()``) drawn once per value of ``field``, one row each, labelled at the left."""
    return _set(alt.layer(*layers, data=frame), width=480).facet(
        row=alt.Row(f"{field}:N", sort=sort, title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold")))


def _present(domain: list, colours: list, keys, always=()) -> tuple[list, list]:
    """The legend's entries that the chart draws (and ``always`` ones), with their colours."""
    keys = set(keys) | set(always)
    kept = [(d, c) for d, c in zip(domain, colours) if d in keys]
    return [d for d, _ in kept], [c for _, c in kept]


def _check(result, kinds: Iterable[Kind], function: str) -> pd.DataFrame:
    """The result's table, if the result is of one of ``kinds`` (read from its spec)."""
    if not isinstance(result, Result):
        raise WorkforceError(f"{function} takes the Result of an analysis, not {type(result).__name__}.")
    kinds = tuple(kinds)
    if result.spec.kind not in kinds:
        raise WorkforceError(f"{function} draws the result of {' or '.join(str(k) for k in kinds)}, "
                             f"not of {result.spec.kind}.")
    return result.table


# ---------------------------------------------------------------- helpers shared by several charts


def _where(row) -> str:
    by, subgroup = str(row.get("by", "all")), str(row.get("subgroup", ""))
    if by in ("all", ""):
        return ""
    if by == "band_group" and subgroup[:1].isdigit():
        return f" in bands {subgroup}"
    return f" among {subgroup} staff"


def _category_words(category: str) -> str:
    return {"All AfC": "Agenda for Change staff", "Medical": "medical staff"}.get(category, f"{category.lower()} staff")


def _wrap(text: str) -> list[str]:
    """Subtitle lines that fit the page column (:data:`COLUMN`); none for no text."""
    return _lines(text, COLUMN, _SUBTITLE_SIZE) if text else []


def _count(value) -> str:
    """A count for a tooltip; a suppressed (missing) count shows as "suppressed"."""
    return "suppressed" if pd.isna(value) else str(int(value))


def _senior_share(rows: pd.DataFrame, senior: list[str]) -> float:
    """The compared group's share of the senior rungs, or nan if a count it needs is suppressed (missing)."""
    chosen = rows[rows["rung"].astype(str).isin(senior).to_numpy()]
    counts = pd.to_numeric(chosen["headcount"], errors="coerce")
    known = pd.to_numeric(chosen["rung_known"], errors="coerce")
    if chosen.empty or counts.isna().any() or known.isna().any() or known.sum() == 0:
        return float("nan")
    return float(counts.sum() / known.sum())


def _one_organisation(table: pd.DataFrame, organisation: str | None, what: str) -> str:
    """The organisation to draw: the one given, or the only one in the table."""
    if organisation is not None:
        return organisation
    orgs = list(dict.fromkeys(table["organisation"].astype(str)))
    if len(orgs) > 1:
        raise WorkforceError(f"{what} holds several organisations; pass organisation= one of {orgs}.")
    return orgs[0] if orgs else ""


def _count_rows(result: Result, min_size: int, function: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Representation rows with ``status`` and ``small``.

    A row is hidden when a count its share is made from (``staff_count``, ``staff_total``) is
    suppressed, not when only its unknown count is.
    """
    table = _check(result, (Kind.REPRESENTATION, Kind.ICB_VIEW), function)
    flags = [f"{c}_suppressed" for c in ("staff_count", "staff_total") if f"{c}_suppressed" in table]
    hidden = (table[flags].fillna(False).astype(bool).any(axis=1) if flags
              else pd.Series(False, index=table.index))
    data = _hide(table)
    for column in ("staff_count", "staff_total", "unknown_count", "staff_share", "staff_share_ci_low", "staff_share_ci_high",
                   "population_share", "ratio", "ratio_ci_low", "ratio_ci_high", "difference_pp"):
        data[column] = pd.to_numeric(data[column], errors="coerce").astype(float)
    small = data["staff_count"].fillna(0) < min_size
    data["status"] = _status(small, hidden, min_size, result.method).to_numpy()
    data["small"] = (small | hidden).to_numpy()
    data.loc[hidden, ["staff_share", "staff_share_ci_low", "staff_share_ci_high", "ratio", "ratio_ci_low", "ratio_ci_high",
                      "difference_pp"]] = np.nan
    return table, data


def _display(frame: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    """Figures rounded to what a chart can show (shares to 0.01 points, ratios to 4 decimals).

    Less to embed, and no long runs of digits in the page that could read as something else (an Excel
    date serial, say).
    """
    for column in frame.columns:
        if pd.api.types.is_float_dtype(frame[column]):
            frame[column] = frame[column].round(digits)
    return frame
