"""Writing the board pack's page (``index.html``) and workbook (``tables.xlsx``) from its sections.

:mod:`workforce.publish._pack` computes the sections (each a published result with
the tables behind it and its charts); this module only writes them: every
value escaped on the page, every text cell of the workbook stored as text.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._result import Result
from .._xlsx import cell_value, write_xlsx

__all__ = ["Section", "write_page", "write_workbook"]


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


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame], notes: list[tuple[str, str]]) -> None:
    """One sheet per table and a Notes sheet; every text cell stored as text (never a formula)."""
    write_xlsx(path, {**{name[:31]: table for name, table in sheets.items()},
                      "Notes": pd.DataFrame(notes, columns=["item", "note"])})


def _html_table(table: pd.DataFrame) -> str:
    """The displayed table as an HTML table (every value escaped)."""
    shown = _display(table)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown)
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>"
                   for row in zip(*shown.values()))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _display(table: pd.DataFrame) -> dict[str, list[str]]:
    """The table as shown on the page: suppressed counts as '*', flags dropped, figures rounded."""
    out: dict[str, list[str]] = {}
    flags = {c[: -len("_suppressed")]: c for c in table.columns if c.endswith("_suppressed")}
    for column in table.columns:
        if column in flags.values():
            continue
        values = table[column]
        shown = []
        for v in values:
            v = cell_value(v)
            if v is None:
                shown.append("")
            elif isinstance(v, bool):
                shown.append("yes" if v else "no")
            elif isinstance(v, float):
                shown.append(f"{v:.4g}")
            elif isinstance(v, dt.datetime):
                shown.append(f"{v:%Y-%m-%d}")
            else:
                shown.append(str(v))
        if column in flags:
            hidden = table[flags[column]].fillna(False).astype(bool).to_numpy()
            shown = ["*" if h else s for s, h in zip(shown, hidden)]
        out[column] = shown
    return out


def _narrative(section: Section) -> list[str]:
    result = section.result
    if result is None:   # a part that could not be made: its notes say why
        return [html.escape(_sentence(str(n))) for n in section.notes if str(n).strip()]
    method, benchmark = result.method, result.benchmark
    lines = [f"<b>Measured:</b> {html.escape(result.spec.title)}"
             + (f"; {html.escape(str(method['staff']))}" if method.get("staff") else "")
             + (f"; snapshots {html.escape(', '.join(map(str, method['snapshots'])))}"
                if isinstance(method.get("snapshots"), list) else "") + "."]
    if benchmark:
        lines.append(f"<b>Against:</b> {html.escape(str(benchmark.get('area', '')))}"
                     + (f", ages {html.escape(str(benchmark['ages']))}" if benchmark.get("ages") else "")
                     + (f". {html.escape(str(benchmark['method']))}" if benchmark.get("method") else ""))
    titles = []
    for spec in section.charts.values():
        title = spec.get("title")
        text = title.get("text") if isinstance(title, dict) else title
        if text:
            titles.append(html.escape(" ".join(text) if isinstance(text, list) else str(text)))
    if titles:
        lines.append("<b>What it shows:</b> " + " ".join(t if t.endswith(".") else t + "." for t in titles))
    caveats = []
    for key in ("caveats", "caveat"):
        value = benchmark.get(key) if benchmark else None
        if value:
            caveats += list(value) if isinstance(value, (list, tuple)) else [value]
    for key in ("interval", "test", "correction", "disclosure limits", "label"):
        if method.get(key):
            caveats.append(f"{key}: {method[key]}")
    caveats += section.notes
    if caveats:
        sentences = [_sentence(str(c)) for c in caveats if str(c).strip()]
        lines.append("<b>Caveats:</b> " + " ".join(html.escape(c) for c in sentences))
    return lines


def _sentence(text: str) -> str:
    """``text`` as a sentence: a capital first, a full stop last."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _json_for_script(value: Any) -> str:
    return json.dumps(value, default=str).replace("</", "<\\/").replace("<!--", "<\\!--")


def write_page(path: Path, sections: list[Section], bundle: str, title: str, footer: str) -> None:
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{html.escape(title)}</title>",
             "<style>body{font-family:Arial,Helvetica,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
             "color:#222}table{border-collapse:collapse;font-size:12px;margin:1em 0}td,th{border:1px solid #ccc;"
             "padding:2px 6px;text-align:right}th{background:#f2f2f2}details{margin:1em 0}.chart{margin:1.5em 0}"
             ".chart-left-out{margin:1.5em 0;padding:1em;border:1px dashed #bbb;color:#555}"
             "</style>",
             '<script id="vega-libraries">' + bundle.replace("</script", "<\\/script") + "</script>",
             "</head><body>", f"<h1>{html.escape(title)}</h1>"]
    for section in sections:
        parts.append(f'<section id="{section.key}"><h2>{html.escape(section.title)}</h2>')
        parts += [f"<p>{line}</p>" for line in _narrative(section)]
        for name, spec in section.charts.items():
            parts.append(f'<div class="chart" id="chart-{name}"></div>')
            parts.append(f'<script type="application/json" class="vega-spec" data-target="chart-{name}">'
                         f"{_json_for_script(spec)}</script>")
        for name, why in section.left_out.items():
            parts.append(f'<p class="chart-left-out" id="left-out-{html.escape(name)}">'
                         f"{html.escape(_sentence(f'Chart left out: {why}'))}</p>")
        for name, table in section.tables.items():
            parts.append(f"<details><summary>Table: {html.escape(name)} ({len(table)} rows; * = suppressed)"
                         f"</summary>{_html_table(table)}</details>")
        parts.append("</section>")
    parts.append(f"<footer><p>{html.escape(footer)}</p></footer>")
    parts.append("<script>document.querySelectorAll('script.vega-spec').forEach(function (el) {"
                 "vegaEmbed('#' + el.dataset.target, JSON.parse(el.textContent), "
                 "{actions: false, mode: 'vega-lite', renderer: 'svg'});});</script>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
