"""The notebook views: one-line reprs and HTML views of StaffTable, ValidationReport, RelativeLikelihood, Result.

The figures a view shows are worked out here independently (by hand, from the table), and every view shows a
missing value one way: blank, never ``NaN`` beside ``<NA>``.
"""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

import workforce
from workforce import _display as d
from workforce._result import Method, Result
from workforce.analysis import REPRESENTATION
from workforce.load import ValidationReport


class _Cells(HTMLParser):
    """The text of every header and cell of the HTML tables, and all the text."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        if tag in ("th", "td"):
            self._in = tag
            (self.headers if tag == "th" else self.rows[-1]).append("")

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self._in = None

    def handle_data(self, data):
        self.text.append(data)
        if self._in == "th":
            self.headers[-1] += data
        elif self._in == "td":
            self.rows[-1][-1] += data


def cells(html: str) -> _Cells:
    parser = _Cells()
    parser.feed(html)
    parser.rows = [r for r in parser.rows if r]
    return parser


# ---------------------------------------------------------------- the formatting functions


def test_missing_values_of_every_kind_are_blank():
    for value in (None, float("nan"), np.float32("nan"), pd.NA, pd.NaT, np.nan):
        assert d.missing(value), value
        assert d.percent(value) == d.ratio(value) == d.count(value) == d.p_value(value) == d.text(value) == ""
    for value in (0, 0.0, "", "NaN text", False):
        assert not d.missing(value), value


def test_formats_by_hand():
    assert d.percent(0.02498) == "2.5%" and d.percent(0.0005) == "0.1%" and d.percent(0.00049) == "0.0%"
    assert d.p_value(6.475e-279) == "<0.001" and d.p_value(0.001) == "0.0010" and d.p_value(0.049) == "0.049"
    assert d.interval(1.2277804748738497, 2.863364, d.ratio) == "1.23 to 2.86"
    assert d.count(np.int64(4661)) == "4,661" and d.count(pd.array([7], dtype="Int64")[0]) == "7"


@pytest.mark.parametrize("name, dtype, unit", [
    ("staff_share", "float64", "percent"), ("promotion_rate_ci_high", "float64", "percent"),
    ("bme", "float64", "percent"), ("leaver_rl", "float64", "ratio"), ("leaver_rl_p_value", "float64", "p-value"),
    ("p_adjusted", "float64", "p-value"), ("shortfall", "Int64", "count"), ("staff_count", "int64", "count"),
    ("difference_pp", "float64", "points"), ("difference_ci_high", "float64", "points"),
    ("ratio_ci_low", "float64", "ratio"), ("group", "str", "text"), ("significant", "boolean", "text"),
    ("snapshot_date", "datetime64[ns]", "text"),
])
def test_units_from_the_column_names(name, dtype, unit):
    assert d.unit_of(name, dtype) == unit


def test_a_share_column_holding_a_score_is_not_shown_as_a_percentage():
    assert d.format_column("disabled", [0.72, 6.5, None], "percent") == ["0.72", "6.50", ""]
    with pytest.raises(ValueError, match="unit"):
        d.format_column("x", [1], "furlongs")


def test_html_table_escapes_every_cell():
    html = d.html_table({"<b>": ["<script>alert(1)</script>"]}, caption="a & b", more=3)
    assert "<script>" not in html and "&lt;script&gt;" in html and "a &amp; b" in html and "3 more rows" in html


# ---------------------------------------------------------------- RelativeLikelihood


def test_relative_likelihood_shows_as_the_readme_does():
    rl = workforce.relative_likelihood(60, 200, 24, 150)
    assert str(rl) == "1.88 (95% CI 1.23 to 2.86)"
    assert repr(rl) == ("<RelativeLikelihood 1.88 (95% CI 1.23 to 2.86): 60 of 200 (30.0%) against 24 of 150 (16.0%); "
                        "p = 0.0036>")
    assert "\n" not in repr(rl)
    assert [f.name for f in dataclasses.fields(rl)][:14] == [
        "ratio", "ci_low", "ci_high", "p_value", "rate_a", "rate_b", "events_a", "total_a", "events_b", "total_b",
        "outside_non_adverse", "significant", "state", "reason"]


def test_relative_likelihood_names_its_own_confidence_level():
    rl = workforce.relative_likelihood(60, 200, 24, 150, confidence=0.9)
    assert str(rl).startswith("1.88 (90% CI ") and "90% CI" in repr(rl) and "90% interval" in rl._repr_html_()


def test_relative_likelihood_html_view():
    rl = workforce.relative_likelihood(60, 200, 24, 150)
    view = cells(rl._repr_html_())
    shown = dict(zip(view.headers, view.rows[0]))
    assert shown["relative likelihood"] == "1.88" and shown["95% interval"] == "1.23 to 2.86"
    assert shown["p-value"] == "0.0036" and shown["group a"] == "60 of 200 (30.0%)"
    assert shown["group b"] == "24 of 150 (16.0%)" and shown["state"] == "estimated"
    not_estimable = workforce.relative_likelihood(0, 50, 5, 60)
    assert "not estimable" in repr(not_estimable) and "nan" not in repr(not_estimable).lower()
    assert "nan" not in not_estimable._repr_html_().lower()


# ---------------------------------------------------------------- StaffTable and ValidationReport


def test_staff_table_repr_is_one_line_with_its_counts(soar):
    text = repr(soar)
    report = soar.report
    assert "\n" not in text
    assert f"{len(soar.people):,} people" in text and f"{len(soar.assignments):,} assignments" in text
    assert "Soar Valley Hospitals NHS Trust" in text and "2025-03-31" in text
    assert f"{report.rows_excluded:,} rows excluded" in text


def test_staff_table_html_view(icb_trusts):
    view = cells(icb_trusts._repr_html_())
    assert view.headers[:4] == ["organisation", "snapshot", "people", "assignments"]
    people = icb_trusts.people.groupby("organisation", observed=True).size()
    shown = {row[0]: row[2] for row in view.rows}
    assert shown == {org: f"{n:,}" for org, n in people.items()}
    assert f"rows read {icb_trusts.report.rows_read:,}" in "".join(view.text)


def test_many_organisations_are_counted_not_listed(icb_trusts):
    assert repr(icb_trusts).count("NHS Trust") == 2 and "1 more" in repr(icb_trusts)


def _report(n_problems: int) -> ValidationReport:
    problems = pd.DataFrame({
        "file": "/home/someone/exports/trust.xlsx", "sheet": "Staff", "row": pd.array(range(5, 5 + n_problems),
                                                                                      dtype="Int64"),
        "column": "Pay Band", "value": "Band 55", "code": "unrecognised_value", "problem": "not a band.",
        "fix": "use a band such as 'Band 5'.", "severity": ["warning"] * (n_problems - 1) + ["error"],
        "action": "value treated as missing"})
    counts = pd.DataFrame({"file": ["/home/someone/exports/trust.xlsx"], "sheet": ["Staff"], "rows_read": [100],
                           "rows_used": [99], "rows_excluded": [1]})
    return ValidationReport(problems=problems, counts=counts)


def test_validation_report_repr_is_one_line_summary():
    text = repr(_report(30))
    assert text == ("<ValidationReport: 1 file (trust.xlsx); rows read 100, used 99, excluded 1; "
                    "1 error, 29 warnings, 0 notes>")


def test_validation_report_html_shows_the_first_problems_errors_first():
    view = cells(_report(30)._repr_html_())
    assert view.headers == ["severity", "file", "sheet", "row", "column", "value", "problem", "fix"]
    assert len(view.rows) == 10 + 1   # ten problems, then the line saying how many more
    assert view.rows[0][:4] == ["error", "trust.xlsx", "Staff", "34"]
    assert "20 more" in view.rows[-1][0]
    assert "/home/someone" not in _report(30)._repr_html_()   # file names, not the user's folders
    assert "nan" not in _report(30)._repr_html_().lower()


def test_validation_report_html_of_a_clean_file(soar):
    html = soar.report._repr_html_()
    assert "rows read 6,599" in html.replace("\n", " ") and "<NA>" not in html and "NaN" not in html


# ---------------------------------------------------------------- Result


@pytest.fixture(scope="module")
def representation(soar):
    return workforce.representation(soar, workforce.population("Leicester"))


def test_result_repr_is_one_line(representation):
    text = repr(representation)
    assert "\n" not in text and text.startswith("<Representation against a population: 5 rows")
    assert "against Leicester (E06000016), ages 16-64" in text


def test_result_html_view_title_benchmark_and_formats(representation):
    html = representation._repr_html_()
    view = cells(html)
    text = " ".join(view.text)
    assert "Representation against a population" in text and "Leicester (E06000016), ages 16-64" in text
    assert "snapshot 2025-03-31" in text and representation.method.version in text
    table = representation.table
    first = dict(zip(view.headers, view.rows[0]))
    assert first["group"] == str(table["group"].iloc[0])
    assert first["staff_share"] == f"{table['staff_share'].iloc[0] * 100:.1f}%"
    assert first["staff_count"] == f"{int(table['staff_count'].iloc[0]):,}"
    assert first["ratio"] == f"{table['ratio'].iloc[0]:.2f}"
    assert first["p_value"] == "<0.001"   # every group of the sample differs from Leicester
    assert "NaN" not in html and "&lt;NA&gt;" not in html and "nan" not in view.rows[0]


def test_result_html_view_leaves_out_empty_columns_and_says_so(representation):
    empty = [c for c in representation.table.columns if representation.table[c].isna().all()]
    assert empty, "the representation without bounds has empty columns"
    view = cells(representation._repr_html_())
    assert not set(empty) & set(view.headers)
    assert all(c in " ".join(view.text) for c in empty)


def test_result_html_view_blanks_nan_and_na_alike(representation):
    table = representation.table.head(2).copy()
    table["staff_share"] = [0.5, np.nan]
    table["shortfall"] = pd.array([3, None], dtype="Int64")
    result = Result(table=table, spec=REPRESENTATION, method=Method())
    view = cells(result._repr_html_())
    rows = [dict(zip(view.headers, r)) for r in view.rows]
    assert [r["staff_share"] for r in rows] == ["50.0%", ""] and [r["shortfall"] for r in rows] == ["3", ""]


def test_result_html_view_of_many_rows_says_how_many_more(representation):
    big = representation.with_table(pd.concat([representation.table] * 20, ignore_index=True))
    view = cells(big._repr_html_())
    assert len(view.rows) == 60 + 1 and "40 more rows" in view.rows[-1][0]


def test_wres_and_wdes_figures_are_shown_in_each_rows_unit(soar):
    """A share as a percentage, an engagement score (0-10) as a number, never 650%; the value in the row's unit."""
    result = workforce.wdes(soar, staff_survey={"9": {"Disabled": 6.5, "Non-disabled": 7.0}})
    html = result._repr_html_()
    view = cells(html)
    rows = [dict(zip(view.headers, r)) for r in view.rows]
    nine = [r for r in rows if r["metric"] == "9"][0]
    assert nine["disabled"] == "6.50" and nine["value"] == "-0.50" and "650" not in html
    table = result.table
    assert rows[0]["disabled"] == f"{table['disabled'].iloc[0] * 100:.1f}%"
    assert rows[0]["value"] == f"{table['value'].iloc[0]:.1f}"   # percentage points


def test_validation_report_rows_are_whole_numbers_whatever_their_dtype():
    report = _report(3)
    report.problems["row"] = report.problems["row"].astype("float64")   # as a concatenation with blanks leaves it
    view = cells(report._repr_html_())
    assert [r[3] for r in view.rows] == ["7", "5", "6"]
