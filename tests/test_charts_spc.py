"""Tests for the Making Data Count chart (spc_chart) and the board's table of measures (spc_summary_chart).

The fixtures are SPC and SPC_SUMMARY tables written out with exactly the columns of the shared contract
(/tmp/prompts/contract15.md), so the charts are tested apart from the analysis that makes them.
"""

from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd
import pytest

alt = pytest.importorskip("altair")

from workforce._result import Method, Result  # noqa: E402
from workforce.analysis import SPC, SPC_SUMMARY  # noqa: E402
from workforce.charts._spc import _series_rows, _subject, _title, spc_chart, spc_summary_chart  # noqa: E402
from workforce.errors import WorkforceError  # noqa: E402

# the package's own specs (a spec made here would stay in memory and be read by tests of every spec)
SPC_COLUMNS = [(c.name, c.dtype) for c in SPC.columns]
TREND_COLUMNS = SPC_COLUMNS[:SPC_COLUMNS.index(("chart", "str"))]
SUMMARY_COLUMNS = [(c.name, c.dtype) for c in SPC_SUMMARY.columns]
SUMMARY = SPC_SUMMARY
IDENTIFIERS = {"person_id", "assignment_id", "employee_number", "assignment_number", "source_file", "source_row",
               "source_sheet", "nhs_number", "date_of_birth", "postcode"}
COLOURS = {"improvement": "#0072B2", "concern": "#E69F00", "neither": "#CC79A7", "common cause": "#7F7F7F"}
KEYS = {"improvement": "special cause: improvement", "concern": "special cause: concern",
        "neither": "special cause: neither better nor worse", "common cause": "common cause"}


def series(values, *, start="2023-04-30", n=400, chart="p", phase=None, variation=None, trial=None, target=np.nan,
           measure="senior share", tier="8a and above", group="BME", characteristic="ethnicity", unit="proportion",
           improvement="increase", organisation="Soar Valley Hospitals NHS Trust", rules=None) -> pd.DataFrame:
    """An SPC table of one monthly series, with the contract's columns in order.

    Limits: each phase's mean of its values ± 0.05 (p-charts: ± 1/sqrt(n), varying with n).
    """
    k = len(values)
    values = np.asarray(values, dtype=float)
    dates = pd.date_range(start, periods=k, freq="ME")
    n = np.broadcast_to(np.asarray(n), (k,)).astype(int)
    phase = np.ones(k, int) if phase is None else np.asarray(phase)
    centre = pd.Series(values).groupby(phase).transform("mean").to_numpy()
    half = 1 / np.sqrt(n) if chart == "p" else np.full(k, 0.05)
    variation = ["common cause"] * k if variation is None else list(variation)
    special = np.array([v != "common cause" for v in variation])
    rules = rules or {}
    trial = np.broadcast_to(np.asarray(False if trial is None else trial), (k,))
    frame = pd.DataFrame({
        "organisation": organisation, "characteristic": characteristic, "measure": measure, "tier": tier,
        "group": group, "period_start": pd.NaT, "snapshot_date": dates, "value": values,
        "ci_low": values - 0.03, "ci_high": values + 0.03,
        "events": pd.array(np.round(np.nan_to_num(values) * n).astype(int), dtype="Int64"),
        "n": pd.array(n, dtype="Int64"), "reference_events": pd.array([pd.NA] * k, dtype="Int64"),
        "reference_n": pd.array([pd.NA] * k, dtype="Int64"), "unit": unit, "improvement": improvement,
        "state": "estimated", "chart": chart, "phase": phase.astype("int64"),
        "baseline": pd.array([True] * k, dtype="boolean"), "centre": centre, "lower": centre - half,
        "upper": centre + half, "near_lower": centre - half * 2 / 3, "near_upper": centre + half * 2 / 3,
        "trial": pd.array(trial, dtype="boolean"),
        "outside": pd.array(rules.get("outside", special), dtype="boolean"),
        "trend": pd.array(rules.get("trend", [False] * k), dtype="boolean"),
        "two_of_three": pd.array(rules.get("two_of_three", [False] * k), dtype="boolean"),
        "shift": pd.array(rules.get("shift", [False] * k), dtype="boolean"),
        "special_cause": pd.array(special, dtype="boolean"), "variation": variation, "target": float(target)})
    assert list(frame.columns) == [c for c, _ in SPC_COLUMNS]
    return frame


@pytest.fixture(autouse=True)
def _quick():
    """Specs made without Altair's schema checks (as the pack makes them); the saving test checks them in full."""
    from altair.utils.schemapi import debug_mode

    with debug_mode(False):
        yield


def spc(*frames: pd.DataFrame, **notes) -> Result:
    return Result(pd.concat(frames, ignore_index=True), SPC, Method(confidence=0.95, notes=notes))


def datasets(spec: dict) -> dict[str, list[dict]]:
    return spec.get("datasets", {})


def layer_rows(spec: dict, layer: dict) -> list[dict]:
    data = layer.get("data") or {}
    return datasets(spec).get(data.get("name"), data.get("values", []))


def layers_with(spec: dict, mark: str) -> list[dict]:
    def kind(layer):
        m = layer.get("mark")
        return m if isinstance(m, str) else (m or {}).get("type")
    return [layer for layer in spec["layer"] if kind(layer) == mark]


def title(spec: dict) -> str:
    return " ".join(spec["title"]["text"])


def point_layers(spec: dict) -> list[dict]:
    return [la for la in layers_with(spec, "point") if la.get("encoding", {}).get("color", {}).get("field") == "key"]


def drawn_points(spec: dict) -> list[dict]:
    """The rows the points layers draw, after their filters (filled points: not small; open points: small)."""
    out = []
    for layer in point_layers(spec):
        rows = layer_rows(spec, layer)
        for t in layer.get("transform", []):
            if t.get("filter") == "!datum.small":
                rows = [r for r in rows if not r["small"]]
            elif t.get("filter") == "datum.small":
                rows = [r for r in rows if r["small"]]
        out += rows
    return out


def texts(spec: dict) -> list[str]:
    """Every text a text mark draws from its data."""
    out = []
    for layer in layers_with(spec, "text"):
        field = (layer.get("encoding", {}).get("text") or {}).get("field")
        if field:
            out += [str(r.get(field)) for r in layer_rows(spec, layer)]
    return out


# ---------------------------------------------------------------- spc_chart


def test_each_variation_colours_and_shapes_its_points_the_making_data_count_way():
    variation = ["common cause"] * 8 + ["improvement"] * 3 + ["concern"] * 2 + ["neither"] * 2 + ["common cause"]
    frame = series(np.linspace(0.2, 0.3, 16), variation=variation)
    spec = spc_chart(spc(frame)).to_dict(validate=False)
    layer = point_layers(spec)[0]
    scale = layer["encoding"]["color"]["scale"]
    colour_of = dict(zip(scale["domain"], scale["range"]))
    assert colour_of == {KEYS[v]: COLOURS[v] for v in COLOURS}
    shapes = layer["encoding"]["shape"]["scale"]
    assert len(set(shapes["range"])) == 4 and shapes["domain"] == scale["domain"]   # grayscale: shape too
    by_date = {r["date"][:10]: r["key"] for r in drawn_points(spec)}
    expected = {f"{d:%Y-%m-%d}": KEYS[v] for d, v in zip(frame["snapshot_date"], variation)}
    assert by_date == expected


@pytest.mark.slow
def test_only_the_variations_present_are_in_the_legend():
    spec = spc_chart(spc(series(np.full(14, 0.2)))).to_dict(validate=False)
    assert point_layers(spec)[0]["encoding"]["color"]["scale"] == {"domain": ["common cause"], "range": ["#7F7F7F"]}


@pytest.mark.slow
def test_a_trial_phase_labels_its_limits_and_draws_them_lighter():
    values = np.r_[np.full(14, 0.2), np.full(8, 0.3)]
    phase = np.r_[np.ones(14, int), np.full(8, 2)]
    frame = series(values, phase=phase, trial=np.r_[np.zeros(14, bool), np.ones(8, bool)])
    spec = spc_chart(spc(frame)).to_dict(validate=False)
    labels = [la for la in layers_with(spec, "text") if any(r.get("text") == "trial limits" for r in layer_rows(spec, la))]
    assert len(labels) == 1
    rows = layer_rows(spec, labels[0])
    assert [r["date"][:10] for r in rows] == [f"{frame['snapshot_date'].iloc[14]:%Y-%m-%d}"]   # phase 2's start
    lines = [la for la in layers_with(spec, "line") if la["encoding"].get("y", {}).get("field") == "upper"]
    opacities = sorted(la["mark"]["opacity"] for la in lines)
    assert opacities == [0.45, 1.0]
    assert "trial limits (fewer than 12 points)" in " ".join(spec["title"]["subtitle"])
    # no trial phase, no label
    assert "trial limits" not in texts(spc_chart(spc(series(np.full(14, 0.2)))).to_dict(validate=False))


@pytest.mark.slow
def test_p_chart_limits_that_vary_with_n_are_steps_and_xmr_limits_are_straight():
    varying = spc_chart(spc(series(np.full(14, 0.2), n=np.arange(300, 440, 10)))).to_dict(validate=False)
    upper = [la for la in layers_with(varying, "line") if la["encoding"].get("y", {}).get("field") == "upper"]
    assert upper and all(la["mark"]["interpolate"] == "step" for la in upper)
    flat = spc_chart(spc(series(np.full(14, 0.2), chart="XmR"))).to_dict(validate=False)
    upper = [la for la in layers_with(flat, "line") if la["encoding"].get("y", {}).get("field") == "upper"]
    assert upper and all(la["mark"]["interpolate"] == "linear" for la in upper)


def test_a_rebase_draws_a_mark_labelled_limits_recalculated():
    phase = np.r_[np.ones(12, int), np.full(12, 2)]
    frame = series(np.r_[np.full(12, 0.2), np.full(12, 0.25)], phase=phase)
    spec = spc_chart(spc(frame)).to_dict(validate=False)
    rules = [la for la in layers_with(spec, "rule") if la["encoding"].get("x", {}).get("field") == "date"]
    assert len(rules) == 1
    rows = layer_rows(spec, rules[0])
    assert [(r["date"][:10], r["words"]) for r in rows] == [(f"{frame['snapshot_date'].iloc[12]:%Y-%m-%d}",
                                                            "limits recalculated")]
    assert "limits recalculated" in texts(spec)
    assert "phase 2 of 2" in " ".join(spec["title"]["subtitle"])
    # one phase: no mark
    one = spc_chart(spc(series(np.full(12, 0.2)))).to_dict(validate=False)
    assert not [la for la in layers_with(one, "rule") if la["encoding"].get("x", {}).get("field") == "date"]


@pytest.mark.slow
def test_an_annotation_appears_as_a_labelled_rule_given_or_from_the_method():
    frame = series(np.full(18, 0.2))
    words = "Positive action programme starts"
    for result, kwargs in ((spc(frame), {"annotations": {"2024-01-15": words}}),
                           (spc(frame, interventions={"2024-01-15": words}), {})):
        spec = spc_chart(result, **kwargs).to_dict(validate=False)
        assert words in texts(spec)
        rules = [la for la in layers_with(spec, "rule") if la["encoding"].get("x", {}).get("field") == "date"]
        assert [r["date"][:10] for r in layer_rows(spec, rules[0])] == ["2024-01-15"]
        assert words in spec["description"]
    # a rebase on the same date shares the mark: one rule, both sets of words
    phase = np.r_[np.ones(9, int), np.full(9, 2)]
    spec = spc_chart(spc(series(np.full(18, 0.2), phase=phase)),
                     annotations={frame["snapshot_date"].iloc[9]: words}).to_dict(validate=False)
    assert f"{words}; limits recalculated" in texts(spec)


def test_an_annotation_without_a_readable_date_is_a_plain_error():
    with pytest.raises(WorkforceError, match="Positive action.*no date"):
        spc_chart(spc(series(np.full(12, 0.2))), annotations={"next spring": "Positive action programme starts"})


def test_selecting_two_series_raises_naming_the_options():
    result = spc(series(np.full(12, 0.2)), series(np.full(12, 0.1), group="Disabled", characteristic="disability"))
    with pytest.raises(WorkforceError) as caught:
        spc_chart(result)
    message = str(caught.value)
    assert "2 match" in message and 'group "BME"' in message and 'group "Disabled"' in message
    assert "Traceback" not in message
    with pytest.raises(WorkforceError, match='no series matches group "Asian".*group "BME"'):
        spc_chart(result, group="Asian")
    spec = spc_chart(result, group="Disabled").to_dict(validate=False)
    assert "Disabled" in title(spec)


@pytest.mark.slow
def test_suppressed_points_are_not_drawn_and_break_the_line():
    frame = series(np.linspace(0.2, 0.26, 14))
    frame.loc[5, "value"] = np.nan                      # a suppressed figure
    frame["events_suppressed"] = False
    frame.loc[9, "events_suppressed"] = True              # a suppressed count: its figure is hidden too
    spec = spc_chart(spc(frame)).to_dict(validate=False)
    drawn = {r["date"][:10] for r in drawn_points(spec)}
    for i in (5, 9):
        assert f"{frame['snapshot_date'].iloc[i]:%Y-%m-%d}" not in drawn
    assert len(drawn) == 12
    line = [la for la in layers_with(spec, "line") if la["encoding"].get("y", {}).get("field") == "value"][0]
    runs = {r["run"] for r in layer_rows(spec, line)}
    assert len(runs) == 3                                # the line is broken at both gaps
    assert all(r["value"] is not None for r in layer_rows(spec, line))
    assert "2 points suppressed" in spec["description"]


def test_every_point_suppressed_is_a_plain_error():
    frame = series(np.full(12, np.nan))
    with pytest.raises(WorkforceError, match="nothing to draw"):
        spc_chart(spc(frame))


def words(frame: pd.DataFrame) -> str:
    """The chart's title for a series, as spc_chart writes it (without building the whole chart)."""
    rows = _series_rows(frame, 8)
    return _title(rows, _subject(rows.iloc[0]))


@pytest.mark.slow
def test_titles_say_improvement_concern_or_no_change():
    rising = ["common cause"] * 10 + ["improvement"] * 7
    spec = spc_chart(spc(series(np.r_[np.full(10, 0.2), np.full(7, 0.3)], variation=rising))).to_dict(validate=False)
    assert title(spec) == ("The BME share of staff at band 8a and above has risen: special cause improvement "
                           "since February 2024")
    # a leaver rate falling is an improvement; rising, a concern
    leavers = dict(measure="leaver rate", tier="All staff", improvement="decrease")
    falling = series(np.r_[np.full(10, 0.12), np.full(7, 0.08)], variation=rising, **leavers)
    assert words(falling) == "The BME leaver rate has fallen: special cause improvement since February 2024"
    worse = ["common cause"] * 16 + ["concern"]
    up = series(np.r_[np.full(16, 0.12), [0.2]], variation=worse, **leavers)
    assert words(up) == "The BME leaver rate has risen: special cause concern in August 2024"
    quiet = series(np.full(17, 0.12), **leavers)
    assert title(spc_chart(spc(quiet)).to_dict(validate=False)) == (
        "No sign of change in the BME leaver rate (common cause variation)")
    earlier = ["common cause"] * 5 + ["concern"] + ["common cause"] * 11
    back = series(np.full(17, 0.12), variation=earlier, **leavers)
    assert words(back) == ("The BME leaver rate shows common cause variation at the latest point; the last signal, "
                           "in September 2023, was special cause concern")
    # special cause of neither kind (no better direction): risen or fallen from the mean
    neither = series(np.r_[np.full(16, 0.9), [1.3]], variation=["common cause"] * 16 + ["neither"],
                     measure="representation ratio", tier="All staff", unit="ratio", improvement="neither")
    assert words(neither) == ("The BME representation ratio (their share of staff against the local population) "
                              "has risen: special cause variation (neither better nor worse) in August 2024")


@pytest.mark.slow
def test_the_subtitle_names_the_chart_type_phase_baseline_and_n():
    spec = spc_chart(spc(series(np.full(14, 0.2), n=np.arange(300, 440, 10)))).to_dict(validate=False)
    subtitle = " ".join(spec["title"]["subtitle"])
    assert "p-chart" in subtitle and "n = 430 at 31 May 2024 (300 to 430 a point)" in subtitle
    assert "limits from 14 baseline points (April 2023 to May 2024)" in subtitle
    laney = " ".join(spc_chart(spc(series(np.full(14, 0.2), chart="p'"))).to_dict(validate=False)["title"]["subtitle"])
    assert "Laney p′" in laney
    xmr = " ".join(spc_chart(spc(series(np.full(14, 0.2), chart="XmR"))).to_dict(validate=False)["title"]["subtitle"])
    assert "XmR" in xmr


@pytest.mark.slow
def test_a_proportion_has_a_percent_axis_and_a_ratio_an_axis_with_one_marked():
    spec = spc_chart(spc(series(np.full(14, 0.2)))).to_dict(validate=False)
    point = point_layers(spec)[0]
    assert point["encoding"]["y"]["axis"]["format"] == "~%"
    lo, hi = point["encoding"]["y"]["scale"]["domain"]
    assert 0 <= lo and hi <= 1
    ratio = series(np.linspace(1.4, 1.6, 14), measure="promotion relative likelihood", tier="All staff",
                   unit="ratio", improvement="decrease", chart="XmR")
    spec = spc_chart(spc(ratio)).to_dict(validate=False)
    point = point_layers(spec)[0]
    assert point["encoding"]["y"]["axis"]["format"] == "~g"
    assert point["encoding"]["y"]["scale"]["domain"][0] <= 1.0
    ones = [la for la in layers_with(spec, "rule") if la["encoding"].get("y", {}).get("datum") == 1.0]
    assert len(ones) == 1
    assert title(spec).startswith("No sign of change in the relative likelihood of White staff being promoted")


@pytest.mark.slow
def test_a_target_is_drawn_and_labelled():
    spec = spc_chart(spc(series(np.full(14, 0.2), target=0.25))).to_dict(validate=False)
    assert "target 25.0%" in texts(spec)
    assert any(la["encoding"].get("y", {}).get("field") == "target" for la in layers_with(spec, "line"))
    assert "target" not in " ".join(texts(spc_chart(spc(series(np.full(14, 0.2)))).to_dict(validate=False)))


@pytest.mark.slow
def test_tooltips_give_value_interval_and_counts():
    spec = spc_chart(spc(series(np.full(14, 0.2)))).to_dict(validate=False)
    fields = {t["field"] for t in point_layers(spec)[0]["encoding"]["tooltip"]}
    assert {"value", "ci_low", "ci_high", "events", "n", "key", "rules", "centre", "lower", "upper"} <= fields


@pytest.mark.slow
def test_points_with_few_staff_are_drawn_open():
    spec = spc_chart(spc(series(np.full(14, 0.2), n=[400] * 13 + [5])), min_size=8).to_dict(validate=False)
    layers = point_layers(spec)
    assert [la["mark"]["filled"] for la in layers] == [True, False]
    assert "open points: fewer than 8 staff counted" in " ".join(spec["title"]["subtitle"])


def test_embedded_data_is_the_series_rows_only():
    frame = series(np.full(14, 0.2), target=0.25)
    frame["person_id"] = "P1"   # never embedded, even if a table carried it
    spec = spc_chart(spc(frame, interventions={"2024-01-15": "Programme"})).to_dict(validate=False)
    for rows in datasets(spec).values():
        for row in rows:
            assert not set(row) & IDENTIFIERS
        assert len(rows) <= len(frame)
    assert spec["usermeta"]["workforce"]["chart"] == "spc_chart"


# ---------------------------------------------------------------- spc_summary_chart


def summary(rows: list[dict]) -> Result:
    base = {"organisation": "Soar Valley Hospitals NHS Trust", "characteristic": "ethnicity", "tier": "All staff",
            "latest_date": pd.Timestamp("2025-03-31"), "latest_ci_low": np.nan, "latest_ci_high": np.nan,
            "latest_n": 400, "centre": 0.2, "lower": 0.15, "upper": 0.25, "target": np.nan, "points": 24,
            "chart": "p", "trial": False, "assurance": "no target", "signals": ""}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame = frame[[c for c, _ in SUMMARY_COLUMNS]]
    for column, dtype in SUMMARY_COLUMNS:
        frame[column] = frame[column].astype(dtype if dtype != "str" else object)
    return Result(frame, SUMMARY, Method(confidence=0.95))


SIX = [
    {"measure": "senior share", "tier": "8a and above", "group": "BME", "latest_value": 0.3, "latest_ci_low": 0.26,
     "latest_ci_high": 0.34, "variation_icon": "improvement (high)", "target": 0.25,
     "assurance": "consistently passing"},
    {"measure": "leaver rate", "group": "BME", "latest_value": 0.08, "variation_icon": "improvement (low)"},
    {"measure": "promotion relative likelihood", "group": "BME", "latest_value": 1.6, "centre": 1.4, "lower": 1.1,
     "upper": 1.7, "variation_icon": "concern (high)", "target": 1.0, "assurance": "consistently failing"},
    {"measure": "recorded", "group": "Recorded", "latest_value": 0.9, "variation_icon": "concern (low)",
     "target": 0.9, "assurance": "inconsistent"},
    {"measure": "representation ratio", "group": "BME", "latest_value": 0.8, "variation_icon": "neither (high)"},
    {"measure": "senior share", "tier": "VSM", "group": "BME", "latest_value": 0.1, "variation_icon": "common cause"},
]


def icon_rows(spec: dict) -> list[dict]:
    """The rows of the table's icons (circles), from the layer whose circles are the biggest."""
    circles = [la for la in layers_with(spec, "point") if la["mark"].get("shape") == "circle"]
    table = max(circles, key=lambda la: la["mark"]["size"])
    return layer_rows(spec, table)


def test_the_summary_has_one_row_per_series_with_the_icon_letters():
    spec = spc_summary_chart(summary(SIX)).to_dict(validate=False)
    icons = icon_rows(spec)
    assert len(icons) == 2 * len(SIX)                          # a variation and an assurance icon per row
    assert len({r["y"] for r in icons}) == len(SIX)              # one row per series
    letters = {(r["what"], r["glyph"]) for r in icons}
    assert {("improvement (high)", "H"), ("improvement (low)", "L"), ("concern (high)", "H"), ("concern (low)", "L"),
            ("neither (high)", "H"), ("common cause", "~"), ("consistently passing", "P"),
            ("consistently failing", "F"), ("inconsistent", "?"), ("no target", "")} == letters
    fill = {r["what"]: r["fill"] for r in icons}
    assert fill["improvement (high)"] == fill["consistently passing"] == "#0072B2"
    assert fill["concern (low)"] == fill["consistently failing"] == "#E69F00"
    assert fill["neither (high)"] == "#CC79A7" and fill["no target"] == "#FFFFFF"
    # the words beside each icon, so the table reads without colour
    captions = {r["what"]: r["caption"] for r in icons}
    assert captions["improvement (high)"] == "improvement\n(high)" and captions["concern (high)"] == "concern\n(high)"
    drawn = texts(spec)
    assert "30.0%\n26.0% to 34.0%" in drawn and "1.60" in drawn and "25.0%" in drawn
    assert sum(t.replace("\n", " ").startswith("BME share of staff at band 8a and above") for t in drawn) == 1


@pytest.mark.slow
def test_the_summary_legend_explains_the_icons_present_in_words():
    spec = spc_summary_chart(summary(SIX[:2])).to_dict(validate=False)
    circles = [la for la in layers_with(spec, "point") if la["mark"].get("shape") == "circle"]
    legend = min(circles, key=lambda la: la["mark"]["size"])
    words = {r["what"]: r["caption"].replace("\n", " ") for r in layer_rows(spec, legend)}
    assert words == {"improvement (high)": "Special cause improvement: significantly higher",
                     "improvement (low)": "Special cause improvement: significantly lower",
                     "consistently passing": "Consistently passing: the target lies beyond the limits, on the side "
                                             "that meets it",
                     "no target": "No target set for the measure"}


@pytest.mark.slow
def test_the_summary_title_counts_the_variation():
    spec = spc_summary_chart(summary(SIX)).to_dict(validate=False)
    assert title(spec) == ("Of 6 measures, 2 show special cause improvement, 2 show special cause concern, 1 shows "
                           "special cause variation of neither kind and 1 shows common cause variation")
    assert "3 measures with a target: 1 consistently passing, 1 consistently failing, 1 inconsistent" in " ".join(
        spec["title"]["subtitle"])
    quiet = spc_summary_chart(summary([{**SIX[5]}, {**SIX[1], "variation_icon": "common cause"}])).to_dict(validate=False)
    assert title(quiet) == "No sign of change in any of the 2 measures: common cause variation only"


@pytest.mark.slow
def test_a_suppressed_latest_value_says_so():
    rows = [{**SIX[0], "latest_value": np.nan, "latest_ci_low": np.nan, "latest_ci_high": np.nan}]
    result = summary(rows)
    result.table["latest_n_suppressed"] = True
    spec = spc_summary_chart(result).to_dict(validate=False)
    assert "suppressed" in texts(spec)
    assert "400" not in " ".join(texts(spec))


def real_spc():
    """helper A's spc() over a monthly trend with a planted rise after month 12, and one point of 3 staff."""
    made = pytest.importorskip("workforce.analysis._spc")
    values = np.r_[np.full(12, 0.2), np.full(12, 0.3)] + np.tile([0.004, -0.004], 12)
    trend = series(values, n=[400] * 11 + [3] + [400] * 12)[[c for c, _ in TREND_COLUMNS]]
    return made, made.spc(trend, rebase=["2024-04-01"], target=0.25)


@pytest.mark.slow
def test_the_charts_draw_a_real_spc_result_and_its_suppressed_version():
    made, result = real_spc()
    import workforce

    published = workforce.suppress(result)
    hidden = published.table["value"].isna()
    assert hidden.any()                                   # the point of 3 staff is suppressed
    spec = spc_chart(published).to_dict(validate=False)
    drawn = {r["date"][:10] for r in drawn_points(spec)}
    assert drawn == {f"{d:%Y-%m-%d}" for d in published.table.loc[~hidden, "snapshot_date"]}
    assert "limits recalculated" in texts(spec)
    board = spc_summary_chart(published).to_dict(validate=False)        # an SPC result is summarised first (spc_summary)
    assert len({r["y"] for r in icon_rows(board)}) == 1
    assert len(made.spc_summary(published).table) == 1


@pytest.mark.slow
def test_the_summary_embeds_no_person_level_columns():
    spec = spc_summary_chart(summary(SIX)).to_dict(validate=False)
    for rows in datasets(spec).values():
        for row in rows:
            assert not set(row) & IDENTIFIERS
    assert spec["usermeta"]["workforce"]["chart"] == "spc_summary_chart"


# ---------------------------------------------------------------- saving


@pytest.mark.slow
def test_the_charts_save_as_svg_and_png(tmp_path):
    pytest.importorskip("vl_convert")
    rising = ["common cause"] * 10 + ["improvement"] * 7
    phase = np.r_[np.ones(10, int), np.full(7, 2)]
    chart = spc_chart(spc(series(np.r_[np.full(10, 0.2), np.full(7, 0.3)], variation=rising, phase=phase,
                                 trial=phase == 2, target=0.25), interventions={"2024-02-15": "Programme starts"}))
    board = spc_summary_chart(summary(SIX))
    started = time.perf_counter()
    for name, c in (("spc", chart), ("summary", board)):
        c.save(tmp_path / f"{name}.svg")
        c.save(tmp_path / f"{name}.png")
        svg = (tmp_path / f"{name}.svg").read_text()
        assert svg.startswith("<svg") and (tmp_path / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
        drawn = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
        width = float(re.search(r'width="([\d.]+)"', svg).group(1))
        assert width <= 800, (name, width)
        if name == "spc":
            assert "trial limits" in drawn and "Programme starts" in drawn and "target 25.0%" in drawn
        else:
            assert {"H", "L", "P", "F", "?"} <= set(drawn)
    print(f"saved in {time.perf_counter() - started:.1f} s")


@pytest.mark.slow
def test_a_series_with_no_point_left_has_no_icon_and_says_so():
    # every point suppressed: spc_summary gives no latest date, no value and 0 points
    rows = [SIX[0], {**SIX[5], "latest_date": pd.NaT, "latest_value": np.nan, "latest_n": pd.NA, "points": 0,
                     "centre": np.nan, "lower": np.nan, "upper": np.nan}]
    spec = spc_summary_chart(summary(rows)).to_dict(validate=False)
    icons = [r for r in icon_rows(spec) if r["label"] == "BME share of staff at VSM"]
    assert {(r["what"], r["glyph"], r["caption"]) for r in icons} == {("no points", "", "no points"),
                                                                      ("no target", "", "no target")}
    assert "no value" in texts(spec)
    assert "no point with a value" in spec["description"]
    assert title(spec) == ("Of 2 measures, 1 shows special cause improvement and 1 has no point with a value")
