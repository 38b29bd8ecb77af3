"""funnel_chart drawing a funnel result (workforce.funnel): limits from the target and tau2, outliers named."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

alt = pytest.importorskip("altair")

import workforce  # noqa: E402
from tests.test_funnel import RL, Z95, Z998, units  # noqa: E402
from workforce.analysis._funnel import funnel  # noqa: E402
from workforce.charts import _funnel, funnel_chart  # noqa: E402

IDENTIFIERS = {"person_id", "assignment_id", "employee_number", "assignment_number", "source_file", "source_row",
               "source_sheet"}


def title_of(spec: dict) -> str:
    return " ".join(spec["title"]["text"])


def subtitle_of(spec: dict) -> str:
    return " ".join(spec["title"]["subtitle"])


def datasets(spec: dict) -> tuple[list[dict], list[dict]]:
    """The organisations' rows and the limits' rows."""
    rows = list(spec["datasets"].values())
    points = next(r for r in rows if r and "organisation" in r[0])
    curves = next(r for r in rows if r and "low_998" in r[0] and "organisation" not in r[0])
    return points, curves


def test_title_names_the_outliers_and_subtitle_the_over_dispersion():
    result = funnel(units(), what="BME share of staff at 8a and above")
    spec = funnel_chart(result).to_dict()
    title = title_of(spec)
    assert title == ("1 of 18 trusts is above the 99.8% limit, better than expected: Trust C; 1 more is outside "
                     "the 95% limits (Trust L)")
    assert title in spec["description"]
    subtitle = subtitle_of(spec)
    assert f"τ² = {result.method['tau2']:.3g}" in subtitle and "DerSimonian–Laird" in subtitle
    assert "n = 10,350" in subtitle and "target 25% (pooled" in subtitle
    assert spec["usermeta"]["workforce"]["chart"] == "funnel_chart"
    assert spec["usermeta"]["workforce"]["analysis"] == "funnel"


def test_without_over_dispersion_the_subtitle_says_why():
    spec = funnel_chart(funnel(units().iloc[:6])).to_dict()
    assert "not widened for over-dispersion: 6 organisations, fewer than the 15 needed" in subtitle_of(spec)
    assert title_of(spec).startswith("1 of 6 trusts is above the 99.8% limit, better than expected: Trust C; 1 is "
                                     "below it, worse than expected: Trust E")


def test_limit_curves_come_from_the_target_and_tau2_alone():
    result = funnel(units())
    points, curves = datasets(funnel_chart(result).to_dict())
    target, tau2 = result.table["target"].iloc[0], result.method["tau2"]
    theta = math.asin(math.sqrt(target))
    for row in curves:
        sd = math.sqrt(1 / (4 * row["x"]) + tau2)
        assert row["high_998"] == pytest.approx(math.sin(theta + Z998 * sd) ** 2, abs=1e-4)
        assert row["low_95"] == pytest.approx(math.sin(theta - Z95 * sd) ** 2, abs=1e-4)
    assert set(curves[0]) == {"x", "low_95", "high_95", "low_998", "high_998"}
    # the same curves pass through each organisation's own limits
    at = _funnel._funnel_curves(result.table["n"].to_numpy(float), target, tau2, True)
    assert at["high_998"].to_numpy() == pytest.approx(result.table["upper_998"].to_numpy())
    assert at["low_95"].to_numpy() == pytest.approx(result.table["lower_95"].to_numpy())


def test_embedded_data_is_aggregates_only():
    result = funnel(units())
    points, curves = datasets(funnel_chart(result).to_dict())
    assert len(points) == len(result.table) and len(curves) <= 300
    columns = set().union(*(r.keys() for r in points))
    assert not columns & IDENTIFIERS
    assert {r["organisation"] for r in points} == set(result.table["organisation"])
    assert {r["n"] for r in points} == set(result.table["n"].astype(float))


@pytest.mark.slow
def test_only_those_outside_a_limit_are_named_clear_of_the_lines():
    result = funnel(units())
    chart = funnel_chart(result)
    points, _ = datasets(chart.to_dict())
    named = {r["organisation"] for r in points if r["label"]}
    assert named == {"Trust C", "Trust L"}
    assert {r["key"] for r in points if r["organisation"] == "Trust C"} == {"above the 99.8% limit"}


@pytest.mark.slow
def test_relative_likelihood_on_log_axes_against_precision():
    frame = RL.copy()
    frame.loc[0, ["a_events", "a_total", "b_events", "b_total"]] = [400, 500, 10, 400]   # far above: worse
    result = funnel(frame, measure="relative likelihood", what="WRES 2")
    spec = funnel_chart(result).to_dict()
    points, curves = datasets(spec)
    a = points[0]
    precision = 1 / (1 / a["a_events"] - 1 / a["a_total"] + 1 / a["b_events"] - 1 / a["b_total"])
    assert a["x"] == pytest.approx(precision, rel=1e-5)
    assert title_of(spec).startswith("1 of 18 trusts is above the 99.8% limit, worse than expected: Trust A")
    target, tau2 = result.table["target"].iloc[0], result.method["tau2"]
    row = curves[10]
    assert row["high_95"] == pytest.approx(math.exp(math.log(target) + Z95 * math.sqrt(1 / row["x"] + tau2)),
                                           rel=1e-4)
    scales = [layer["encoding"]["y"].get("scale", {}).get("type") for layer in spec["layer"] if "y" in
              layer.get("encoding", {}) and layer["encoding"]["y"].get("field") in ("y", "value")]
    assert "log" in scales
    # worse is drawn warm: the worse side takes the colours the chart gives to "below" when higher is better
    colour = next(layer["encoding"]["color"] for layer in spec["layer"] if "color" in layer.get("encoding", {}))
    domain, colours = colour["scale"]["domain"], colour["scale"]["range"]
    assert colours[domain.index("above the 99.8% limit")] == "#D55E00"


@pytest.mark.slow
def test_suppressed_organisations_are_not_drawn_and_are_listed():
    small = units(list(units()["organisation"]) + ["Trust S"], list(units()["events"]) + [5],
                  list(units()["n"]) + [40])
    safe = workforce.suppress(funnel(small), threshold=8)
    spec = funnel_chart(safe).to_dict()
    points, _ = datasets(spec)
    assert "Trust S" not in {r["organisation"] for r in points}
    assert "Not plotted: Trust S (suppressed)" in subtitle_of(spec)
    assert f"τ² = {safe.method['tau2']:.3g}" in subtitle_of(spec)


def test_not_estimable_organisations_are_listed():
    frame = units(["A trust", "B trust", "Empty trust"], [30, 40, 0], [100, 120, 0])
    spec = funnel_chart(funnel(frame)).to_dict()
    assert "Empty trust (not estimable)" in subtitle_of(spec)
    assert title_of(spec) == "Both trusts are within the 95% limits of the target"


def test_titles_for_none_outside_and_for_both_sides_at_95():
    frame = pd.DataFrame({"organisation": ["A", "B", "C"], "position": ["above the 95% limit", "below the 95% limit",
                                                                       "within the 95% limits"]})
    noun = ("trust", "trusts")
    assert _funnel._funnel_result_title(frame, noun, "increase") == (
        "1 of 3 trusts is above the 95% limit, better than expected: A; 1 is below it, worse than expected: B; "
        "no trust is outside the 99.8% limits")
    assert _funnel._funnel_result_title(frame, noun, "decrease").startswith(
        "1 of 3 trusts is above the 95% limit, worse than expected: A")
    assert _funnel._funnel_result_title(frame.iloc[2:], noun, "increase") == (
        "The trust is within the 95% limits of the target")
    assert np.all(frame["position"].notna())
