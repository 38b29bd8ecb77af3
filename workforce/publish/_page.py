"""Writing the board pack's page (``index.html``) and workbook (``tables.xlsx``) from its sections.

:mod:`workforce.publish._pack` computes the sections (each a published result with
the tables behind it and its charts); this module only writes them: every
value escaped on the page, every text cell of the workbook stored as text.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._display import sentence
from .._result import Result
from .._xlsx import write_xlsx
from ._board import SUPPRESSED, board_table
from ._summary import findings

__all__ = ["Section", "Figure", "how_measured", "write_page", "write_workbook"]


@dataclass(frozen=True)
class Figure:
    """What a chart draws: the chart function, the sheet of its table and the chart's options."""

    function: str
    sheet: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Section:
    """One part of the pack: its published result, the tables behind it and its charts.

    ``left_out``: the charts that are not drawn, with why (name -> reason),
    said on the page where the chart would be.  A part that could not be
    made at all has no result, and its notes say why.
    """

    key: str
    title: str
    result: Result | None               # the published (suppressed or checked) result its narrative describes
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    charts: dict[str, dict] = field(default_factory=dict)   # name -> Vega-Lite spec
    notes: list[str] = field(default_factory=list)
    left_out: dict[str, str] = field(default_factory=dict)  # chart name -> why it is not drawn
    specs: dict[str, Any] = field(default_factory=dict)     # sheet name -> the ResultSpec of its table
    organisation: str | None = None                         # None: the pack's only organisation, or the comparison
    figures: dict[str, Figure] = field(default_factory=dict)  # chart name -> what it draws (its board table)
    method_notes: list[str] = field(default_factory=list)   # said once, under "How this was measured"


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame], notes: list[tuple[str, str]]) -> None:
    """One sheet per table and a Notes sheet; every text cell stored as text (never a formula)."""
    write_xlsx(path, {**{name[:31]: table for name, table in sheets.items()},
                      "Notes": pd.DataFrame(notes, columns=["item", "note"])})



# ---------------------------------------------------------------- the page

#: The page's style: one readable column that fits 800 px; charts scale down to it; wide tables scroll in place.
_STYLE = (
    "body{font-family:Arial,Helvetica,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;"
    "line-height:1.4}"
    "h1{font-size:1.7em;margin-bottom:.2em}.lede{color:#555;margin-top:0}"
    "#summary{background:#f5f7fa;border-left:4px solid #005eb8;padding:.6em 1.2em;margin:1em 0}"
    "#summary li{margin:.35em 0}.quality{color:#333}"
    "nav ol{columns:2;column-gap:2em;padding-left:1.4em}nav li{break-inside:avoid}@media (max-width:900px){nav ol{columns:1}}"
    "section{margin-top:2.5em}.against{color:#444}.note{color:#444;font-size:.95em}"
    ".chart{margin:1.5em 0 .5em;max-width:100%}.chart svg{max-width:100%;height:auto}"
    ".chart-left-out{margin:1.5em 0;padding:1em;border:1px dashed #bbb;color:#555}"
    ".table-wrap{overflow-x:auto;max-width:100%}"
    "table{border-collapse:collapse;font-size:13px;margin:.5em 0 1em}td,th{border:1px solid #ccc;"
    "padding:3px 8px;text-align:right;vertical-align:top}th{background:#f2f2f2}"
    "td:first-child,th:first-child{text-align:left}td{white-space:nowrap}td:first-child{white-space:normal}"
    "details{margin:.5em 0 1.5em}summary{cursor:pointer;color:#005eb8}"
    "#method summary h2{display:inline}#method dt{font-weight:bold;margin-top:.8em}#method dd{margin-left:1.2em}"
    "footer{margin-top:3em;color:#555;font-size:.9em}"
)


def _json_for_script(value: Any) -> str:
    return json.dumps(value, default=str).replace("</", "<\\/").replace("<!--", "<\\!--")


def _html_table(shown: pd.DataFrame) -> str:
    """A table of text (already formatted) as HTML, every value escaped, in a box that scrolls when wide."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in shown.itertuples(index=False))
    return f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'


def _base(sheet: str, organisation: str | None) -> str:
    """The table's name without the organisation's number (``ladder 2`` -> ``ladder``)."""
    return re.sub(r" \d+$", "", sheet) if organisation is not None else sheet


def _area(section: Section) -> str:
    result = section.result
    return str(result.benchmark.get("area", "")) if result is not None and result.benchmark else ""


def _against(section: Section) -> str | None:
    """What the part's staff were compared with, in one line (None when the part has no benchmark)."""
    benchmark = section.result.benchmark if section.result is not None else None
    if not benchmark:
        return None
    area = str(benchmark.get("area") or "")
    if not area and isinstance(benchmark.get("by organisation"), dict):
        areas = sorted({str(b.get("area", "")) for b in benchmark["by organisation"].values() if b.get("area")})
        area = "; ".join(areas)
    if not area:
        return None
    ages = f", ages {benchmark['ages']}" if benchmark.get("ages") else ""
    return f"<b>Against:</b> {html.escape(area)}{html.escape(ages)}."


def how_measured(sections: list[Section]) -> list[tuple[str, list[str]]]:
    """What "How this was measured" says (on the page and the Notes sheet): each statement once, in order met."""
    labels = {"staff": "Staff counted", "snapshots": "Snapshots", "interval": "Intervals",
              "test": "Significance tests", "correction": "Multiple comparisons", "label": "Labels",
              "disclosure limits": "Limits of disclosure control", "appointments needed": "Appointments needed"}
    found: dict[str, list[str]] = {}

    def add(label: str, text: Any) -> None:
        texts = list(text) if isinstance(text, (list, tuple)) else [text]
        for t in texts:
            t = sentence(str(t)) if str(t).strip() else ""
            if t and t not in found.setdefault(label, []):
                found[label].append(t)

    for section in sections:
        result = section.result
        if result is None:
            continue
        add(f"{section.title}: what it measures", result.spec.title)
        for key, label in labels.items():
            value = result.method.get(key)
            if value:
                add(label, ", ".join(map(str, value)) if key == "snapshots" else value)
        benchmark = result.benchmark or {}
        if benchmark.get("method"):
            add("The benchmark", f"{benchmark.get('area', '')}: {benchmark['method']}")
        for key in ("caveats", "caveat"):
            if benchmark.get(key):
                add("Caveats of the benchmark", benchmark[key])
        for note in section.method_notes:
            add("Counts left blank", note)
    return [(label, texts) for label, texts in found.items() if texts]


def _charts(section: Section, parts: list[str]) -> None:
    for name, spec in section.charts.items():
        parts.append(f'<div class="chart" id="chart-{name}"></div>')
        parts.append(f'<script type="application/json" class="vega-spec" data-target="chart-{name}">'
                     f"{_json_for_script(spec)}</script>")
        figure = section.figures.get(name)
        table = section.tables.get(figure.sheet) if figure is not None else None
        shown = board_table(figure.function, table, figure.options) if figure is not None and table is not None \
            else None
        if shown is not None:
            parts.append(f"<details><summary>The figures behind this chart ({SUPPRESSED} = suppressed; tables.xlsx "
                         f"has the full table, every column defined)</summary>{_html_table(shown)}</details>")
    for name, why in section.left_out.items():
        parts.append(f'<p class="chart-left-out" id="left-out-{html.escape(name)}">'
                     f"{html.escape(sentence(f'Chart left out: {why}'))}</p>")


def _summary(sections: list[Section]) -> list[str]:
    by_org: dict[str | None, dict[str, pd.DataFrame]] = {}
    area: dict[str | None, str] = {}
    funnel, across = None, None
    for section in sections:
        if section.key == "comparison":
            funnel = next(iter(section.charts.values()), None)
            continue
        if section.key == "across":
            across = {"tables": {_base(sheet, None): t for sheet, t in section.tables.items()},
                      "funnel": next(iter(section.charts.values()), None)}
            continue
        tables = by_org.setdefault(section.organisation, {})
        tables.update({_base(sheet, section.organisation): t for sheet, t in section.tables.items()})
        if _area(section):
            area[section.organisation] = _area(section)
    return findings(by_org, area=area, funnel=funnel, across=across) if by_org or funnel or across else []


def _part_title(section: Section) -> str:
    """The part's title without the organisation's name (it heads the organisation's parts)."""
    suffix = f" — {section.organisation}"
    return section.title[: -len(suffix)] if section.organisation and section.title.endswith(suffix) else section.title


def _org_id(organisation: str) -> str:
    return "org-" + "".join(ch if ch.isalnum() else "-" for ch in organisation.lower()).strip("-")


def _contents(sections: list[Section]) -> str:
    """The contents: each part, under its organisation's name when there are several."""
    items: list[str] = []
    organisation: str | None = None
    for section in sections:
        link = f'<a href="#{html.escape(section.key)}">{html.escape(_part_title(section))}</a>'
        if section.organisation is None:
            items.append(f"<li>{link}</li>")
            continue
        if section.organisation != organisation:
            if organisation is not None:
                items.append("</ul></li>")
            organisation = section.organisation
            items.append(f'<li><a href="#{_org_id(organisation)}">{html.escape(organisation)}</a><ul>')
        items.append(f"<li>{link}</li>")
    if organisation is not None:
        items.append("</ul></li>")
    items.append('<li><a href="#method">How this was measured</a></li>')
    return '<nav id="contents"><h2>Contents</h2><ol>' + "".join(items) + "</ol></nav>"


def write_page(path: Path, sections: list[Section], bundle: str, title: str, footer: str, *,
               quality: Any = None, rule: str = "", lede: str = "") -> None:
    """Write the pack's page: the summary, the data quality, the contents, each part, then how it was measured.

    ``quality``: the inputs' data quality (its ``sentence()`` is shown under
    the summary); ``rule``: the disclosure rule, said under "How this was
    measured"; ``lede``: one line under the title (snapshot, benchmark).
    """
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{html.escape(title)}</title>", f"<style>{_STYLE}</style>",
             '<script id="vega-libraries">' + bundle.replace("</script", "<\\/script") + "</script>",
             "</head><body>", f"<h1>{html.escape(title)}</h1>"]
    if lede:
        parts.append(f'<p class="lede">{html.escape(lede)}</p>')
    summary = _summary(sections)
    parts.append('<section id="summary"><h2>Summary</h2>')
    if summary:
        parts.append("<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in summary) + "</ul>")
    else:
        parts.append("<p>No finding could be stated from the published figures: see each part for why.</p>")
    if quality is not None:
        parts.append(f'<p class="quality"><b>Data quality:</b> {html.escape(quality.sentence())}</p>')
    parts.append("</section>")
    parts.append(_contents(sections))
    organisation: str | None = None
    for section in sections:
        heading = "h2"
        if section.organisation is not None:   # several organisations: a heading each, their parts under it
            heading = "h3"
            if section.organisation != organisation:
                organisation = section.organisation
                parts.append(f'<h2 class="organisation" id="{_org_id(organisation)}">{html.escape(organisation)}</h2>')
        parts.append(f'<section id="{html.escape(section.key)}"><{heading}>{html.escape(_part_title(section))}'
                     f"</{heading}>")
        if section.result is None:   # a part that could not be made: its notes say why
            parts += [f'<p class="note">{html.escape(sentence(str(n)))}</p>' for n in section.notes if str(n).strip()]
            parts.append("</section>")
            continue
        against = _against(section)
        if against:
            parts.append(f'<p class="against">{against}</p>')
        parts += [f'<p class="note">{html.escape(sentence(str(n)))}</p>' for n in section.notes if str(n).strip()]
        _charts(section, parts)
        parts.append("</section>")
    parts.append('<details id="method"><summary><h2>How this was measured</h2></summary><dl>')
    for label, texts in how_measured(sections):
        parts.append(f"<dt>{html.escape(label)}</dt>" + "".join(f"<dd>{html.escape(t)}</dd>" for t in texts))
    if rule:
        parts.append(f"<dt>Small numbers (disclosure control)</dt><dd>{html.escape(rule)}</dd>")
    parts.append("</dl></details>")
    parts.append(f"<footer><p>{html.escape(footer)}</p></footer>")
    parts.append("<script>document.querySelectorAll('script.vega-spec').forEach(function (el) {"
                 "vegaEmbed('#' + el.dataset.target, JSON.parse(el.textContent), "
                 "{actions: false, mode: 'vega-lite', renderer: 'svg'});});</script>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
