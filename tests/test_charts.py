"""Tests for workforce/charts.py: one Altair chart per finding, made from Results."""

from __future__ import annotations

import dataclasses
import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

alt = pytest.importorskip("altair")

import workforce  # noqa: E402
from workforce import charts  # noqa: E402
from workforce.errors import WorkforceError  # noqa: E402

SNAPSHOTS = Path(__file__).parent / "snapshots" / "charts"
IDENTIFIERS = {"person_id", "assignment_id", "employee_number", "assignment_number", "source_file", "source_row",
               "source_sheet"}
GREY = "#BBBBBB"


def pct(x: float) -> str:
    """The charts' rule for shares in words, written out again here."""
    return f"{x:.0%}" if round(x, 3) >= 0.095 else f"{x:.1%}"


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def staff():
    return workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))


@pytest.fixture(scope="module")
def staff3():
    files = [workforce.sample_data(f"soar_valley_staff_in_post_{y}-03-31.xlsx") for y in (2023, 2024, 2025)]
    return workforce.load_staff(files, pseudonym_key="chart tests")


@pytest.fixture(scope="module")
def results(staff, staff3):
    sd = workforce.sample_data
    leicester = workforce.population("Leicester")
    return {
        "representation": workforce.representation(staff, leicester),
        "representation_by": workforce.representation(staff, leicester, by="band_group"),
        "ladder": workforce.ladder(staff),
        "gaps": workforce.progression_gaps(staff),
        "wres": workforce.wres(staff3, recruitment=sd("soar_valley_recruitment_2024-25.xlsx"),
                               disciplinary=sd("soar_valley_disciplinary_2024-25.xlsx"),
                               training=sd("soar_valley_training_2024-25.xlsx"),
                               board=sd("soar_valley_board_2025-03-31.xlsx"), pseudonym_key="chart tests"),
        "wdes": workforce.wdes(staff3, recruitment=sd("soar_valley_recruitment_2024-25.xlsx"),
                               disciplinary=sd("soar_valley_disciplinary_2024-25.xlsx"),
                               board=sd("soar_valley_board_2025-03-31.xlsx"), pseudonym_key="chart tests"),
        "promotion": workforce.promotion(staff3),
        "promotion_by": workforce.promotion(staff3, by="grade_group"),
        "model_employer": workforce.model_employer(staff3),
    }


# chart name -> (function, result key, keyword arguments)
CASES = {
    "representation": (charts.representation_chart, "representation", {}),
    "representation_by_band_group": (charts.representation_chart, "representation_by", {}),
    "ratio": (charts.ratio_chart, "representation", {}),
    "ratio_by_band_group": (charts.ratio_chart, "representation_by", {}),
    "ladder_non_clinical": (charts.ladder_chart, "ladder", {}),
    "ladder_medical_population": (charts.ladder_chart, "ladder", {"staff_category": "Medical",
                                                                  "population_share": 0.59,
                                                                  "population_label": "Leicester, 16-64"}),
    "likelihood_progression_gaps": (charts.likelihood_chart, "gaps", {}),
    "likelihood_wres": (charts.likelihood_chart, "wres", {}),
    "likelihood_wdes": (charts.likelihood_chart, "wdes", {}),
    "promotion": (charts.promotion_chart, "promotion", {}),
    "promotion_by_grade_group": (charts.promotion_chart, "promotion_by", {}),
    "trajectory": (charts.trajectory_chart, "model_employer", {}),
}


@pytest.fixture(scope="module")
def specs(results):
    """Every case's chart and its Vega-Lite dict (altair validates on to_dict)."""
    out = {}
    for name, (function, key, kwargs) in CASES.items():
        chart = function(results[key], **kwargs)
        out[name] = (chart, chart.to_dict())
    return out


# ---------------------------------------------------------------- helpers


def normalise(spec: dict) -> dict:
    """Drop what changes between runs or versions: dataset names, $schema, the package version; round floats."""
    names = {old: f"data-{i}" for i, old in enumerate(spec.get("datasets", {}))}

    def walk(value):
        if isinstance(value, dict):
            return {names.get(k, k): walk(v) for k, v in value.items() if k not in ("$schema", "version")}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str):
            return names.get(value, value)
        if isinstance(value, float):
            return float(f"{value:.6g}") if math.isfinite(value) else None
        return value

    return walk(spec)


def layers(spec: dict) -> list[dict]:
    out, todo = [], [spec]
    while todo:
        node = todo.pop()
        out.append(node)
        todo.extend(node.get("layer", []))
        if "spec" in node:
            todo.append(node["spec"])
    return out


def mark_type(layer: dict) -> str | None:
    mark = layer.get("mark")
    return mark.get("type") if isinstance(mark, dict) else mark


def data_rows(spec: dict, layer: dict) -> list[dict]:
    name = (layer.get("data") or spec.get("data") or {}).get("name")
    return spec["datasets"][name] if name else []


def main_rows(spec: dict) -> list[dict]:
    """The rows of the largest embedded dataset (the table's rows)."""
    return max(spec["datasets"].values(), key=len)


# ---------------------------------------------------------------- every chart


@pytest.mark.parametrize("name", list(CASES))
def test_chart_is_valid_vega_lite_and_matches_its_snapshot(specs, name):
    chart, spec = specs[name]
    assert isinstance(chart, (alt.Chart, alt.LayerChart))
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v")
    got = normalise(spec)
    path = SNAPSHOTS / f"{name}.json"
    if not path.exists():  # the first run writes the snapshot
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(path.read_text(encoding="utf-8")), f"{name} differs from {path}; delete it to rewrite"


@pytest.mark.parametrize("name", list(CASES))
def test_every_chart_has_title_subtitle_alt_text_theme_and_provenance(specs, name):
    _, spec = specs[name]
    title = spec["title"]
    assert title["text"] and title["subtitle"]
    assert title["text"] in spec["description"]  # alt text states the finding too
    assert spec["config"]["range"]["category"] == charts.PALETTE
    assert spec["usermeta"]["workforce"]["chart"].endswith("_chart")
    assert spec["usermeta"]["workforce"]["version"] == f"workforce {workforce.__version__}"


@pytest.mark.parametrize("name", list(CASES))
def test_embedded_data_is_the_aggregated_table_only(specs, results, name):
    _, spec = specs[name]
    table = results[CASES[name][1]].table
    for rows in spec["datasets"].values():
        assert len(rows) <= len(table)
        columns = set().union(*(r.keys() for r in rows)) if rows else set()
        assert not columns & IDENTIFIERS
        assert not any("id" == c.split("_")[-1] for c in columns)


@pytest.mark.parametrize("name", list(CASES))
def test_tooltips_carry_n_and_the_interval(specs, name):
    _, spec = specs[name]
    tooltips = [t for layer in layers(spec) for t in layer.get("encoding", {}).get("tooltip", [])
                if isinstance(t, dict)]
    titles = " ".join(str(t.get("title", "")) for t in tooltips)
    assert "interval" in titles or "Non-adverse" in titles or "needed" in titles
    if not name.startswith("trajectory"):
        assert "interval from" in titles and "interval to" in titles
    assert any(t.get("field") in ("staff_total", "stayers", "rung_known", "known", "detail") for t in tooltips)


def test_the_theme_is_registered_but_not_enabled(specs):
    assert charts.THEME in alt.theme.names()
    assert alt.theme.active != charts.THEME


def test_importing_workforce_does_not_import_altair():
    code = "import sys, workforce; workforce.representation; print('altair' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_result_of_another_analysis_is_refused(results):
    with pytest.raises(WorkforceError, match="representation"):
        charts.representation_chart(results["ladder"])
    with pytest.raises(WorkforceError):
        charts.likelihood_chart(results["representation"])
    with pytest.raises(WorkforceError):
        charts.ladder_chart(results["representation"].table)


# ---------------------------------------------------------------- titles from the numbers


def test_representation_title(specs, results):
    t = results["representation"].table
    under = t[(t["flag"].astype(str) == "under-represented") & (t["staff_count"] >= 8)]
    row = under.loc[under["difference_pp"].idxmin()]
    expected = (f"{row['group']} staff are under-represented: {pct(row['staff_share'])} of staff against "
                f"{pct(row['population_share'])} of Leicester's working-age population")
    spec = specs["representation"][1]
    assert spec["title"]["text"] == expected
    assert "Asian" in expected
    subtitle = " ".join(spec["title"]["subtitle"])
    assert f"n = {int(t['staff_total'].iloc[0]):,}" in subtitle
    assert "Leicester (E06000016)" in subtitle and "31 March 2025" in subtitle


def test_representation_with_by_names_the_subgroup(specs, results):
    t = results["representation_by"].table
    under = t[(t["flag"].astype(str) == "under-represented") & (t["staff_count"] >= 8)]
    row = under.loc[under["difference_pp"].idxmin()]
    assert specs["representation_by_band_group"][1]["title"]["text"].startswith(
        f"{row['group']} staff are under-represented in bands {row['subgroup']}: {pct(row['staff_share'])}")


def test_ratio_title_and_log_axis_around_one(specs, results):
    t = results["representation"].table
    under = t[t["flag"].astype(str) == "under-represented"]
    row = under.loc[under["ratio"].idxmin()]
    spec = specs["ratio"][1]
    assert spec["title"]["text"].startswith(f"{row['group']} staff are represented at {row['ratio']:.2f} times")
    scales = [layer["encoding"]["x"].get("scale", {}).get("type") for layer in spec["layer"] if "x" in layer["encoding"]]
    assert "log" in scales
    assert any(layer["encoding"]["x"].get("datum") == 1.0 for layer in spec["layer"])


def test_ratio_no_evidence_is_neutral(specs):
    spec = specs["ratio_by_band_group"][1]
    colour = next(layer["encoding"]["color"] for layer in spec["layer"] if "color" in layer["encoding"])
    mapping = dict(zip(colour["scale"]["domain"], colour["scale"]["range"]))
    assert mapping["no evidence of a difference"] == "#7F7F7F"
    assert mapping["under-represented"] != mapping["over-represented"]
    rows = main_rows(spec)
    assert all(r["key"] == "no evidence of a difference" for r in rows if r["flag"] == r["key"] == "no evidence of a difference")
    assert {r["key"] for r in rows if r["flag"] == "no evidence of a difference" and r["staff_count"] >= 8} == {
        "no evidence of a difference"}


def test_ladder_title_from_the_band_rows(specs, results):
    t = results["ladder"].table
    rows = t[(t["staff_category"] == "Non-clinical") & (t["rung_type"] == "band") & (t["role"] == "compared")]
    senior = rows[rows["rung"].isin(["8a", "8b", "8c", "8d", "9", "VSM"])]
    senior_share = senior["headcount"].sum() / senior["rung_known"].sum()
    overall = rows["overall_share_of_known"].iloc[0]
    assert specs["ladder_non_clinical"][1]["title"]["text"] == (
        f"BME staff are {pct(overall)} of non-clinical staff but {pct(senior_share)} of band 8a and above")


def test_ladder_axis_is_in_band_order(specs):
    spec = specs["ladder_non_clinical"][1]
    ys = [layer["encoding"]["y"] for layer in spec["layer"] if "y" in layer.get("encoding", {})]
    order = ["1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9", "VSM"]
    for y in ys:
        assert y["sort"] == order[::-1]  # VSM at the top, band 1 at the bottom
        assert y["scale"]["domain"] == order[::-1]


def test_ladder_medical_grades_and_population_rule(specs):
    spec = specs["ladder_medical_population"][1]
    assert spec["title"]["text"].endswith("of consultants")
    rules = [layer for layer in spec["layer"] if mark_type(layer) == "rule" and "datum" in layer["encoding"]["x"]]
    assert [r["encoding"]["x"]["datum"] for r in rules][-1] == 0.59
    assert any(r["encoding"]["color"]["datum"] == "Leicester, 16-64" for r in rules)
    y = next(layer["encoding"]["y"] for layer in spec["layer"] if "y" in layer.get("encoding", {}))
    assert "Consultant" in y["sort"] and "8a" not in y["sort"]


def test_ladder_needs_an_organisation_when_there_are_several(results):
    with pytest.raises(WorkforceError, match="staff categories"):
        charts.ladder_chart(results["ladder"], staff_category="Dental")


# ---------------------------------------------------------------- relative likelihoods


def test_likelihood_log_scale_and_non_adverse_band(specs):
    spec = specs["likelihood_progression_gaps"][1]
    rect = next(layer for layer in spec["layer"] if mark_type(layer) == "rect")
    assert rect["encoding"]["x"]["scale"]["type"] == "log"
    (row,) = data_rows(spec, rect)
    assert (row["low"], row["high"]) == (0.8, 1.25)
    one = next(layer for layer in spec["layer"] if layer["encoding"].get("x", {}).get("datum") == 1.0)
    assert mark_type(one) == "rule"
    for layer in spec["layer"]:
        x = layer["encoding"].get("x", {})
        if "field" in x:  # x scales are shared across the layers: log wherever a type is given
            assert x.get("scale", {}).get("type", "log") == "log"


def test_likelihood_title_and_not_estimable_rows_listed_not_plotted(specs, results):
    t = results["gaps"].table
    rl = t[t["measure"] == "relative likelihood"]
    best = rl[rl["significant"].fillna(False) & rl["outside_non_adverse"].fillna(False)].sort_values("p_value").iloc[0]
    spec = specs["likelihood_progression_gaps"][1]
    assert spec["title"]["text"].startswith(
        f"{best['advantaged']} staff are {best['value']:.2f} times as likely as {best['compared']} staff")
    plotted = {r["label"] for r in main_rows(spec)}
    assert len(plotted) == int(rl["value"].notna().sum())
    missing = rl[rl["state"] == "not estimable"]
    assert len(missing) == 3
    subtitle = " ".join(spec["title"]["subtitle"])
    for category in missing["staff_category"]:
        assert f"{category}: VSM (not estimable)" in subtitle
        assert f"{category}: VSM" not in plotted


def test_likelihood_wres_rows(specs, results):
    t = results["wres"].table
    rl = t[(t["unit"] == "relative likelihood") & t["value"].notna()]
    spec = specs["likelihood_wres"][1]
    values = sorted(r["value"] for r in main_rows(spec))
    assert values == pytest.approx(sorted(rl["value"].round(6)))
    row = t[t["indicator"] == "2"].iloc[0]
    assert spec["title"]["text"] == (f"White applicants are {row['value']:.2f} times as likely to be appointed from "
                                     f"shortlisting (WRES indicator 2)")
    subtitle = " ".join(spec["title"]["subtitle"])
    for number in t.loc[(t["unit"] == "relative likelihood") & t["value"].isna(), "indicator"]:
        assert f"WRES {number}:" in subtitle  # not estimable: listed, not plotted


def test_likelihood_wdes_without_a_clear_adverse_finding(specs):
    assert specs["likelihood_wdes"][1]["title"]["text"].startswith("No relative likelihood is clearly adverse")


# ---------------------------------------------------------------- promotion and trajectories


def test_promotion_title(specs, results):
    t = results["promotion"].table.set_index("group")
    assert specs["promotion"][1]["title"]["text"] == (
        f"BME staff were promoted less often: {pct(t.loc['BME', 'promotion_rate'])} against "
        f"{pct(t.loc['White', 'promotion_rate'])} of White staff")
    assert f"n = {int(t['stayers'].sum()):,} stayers" in specs["promotion"][1]["title"]["subtitle"][0]


def test_trajectory_title(specs, results):
    t = results["model_employer"].table
    senior = t[t["band"] == "8a+"]
    needed = int(senior["appointments_needed"].fillna(0).sum())
    assert specs["trajectory"][1]["title"]["text"] == (
        f"BME staff are {pct(senior['share_today'].iloc[0])} of band 8a and above; reaching "
        f"{pct(senior['target_share'].iloc[0])} by 2028 needs {needed:,} BME appointments or promotions over 3 years")
    rule = next(layer for layer in specs["trajectory"][1]["layer"] if mark_type(layer) == "rule")
    assert rule["encoding"]["y"]["datum"] == pytest.approx(senior["target_share"].iloc[0], abs=1e-6)


# ---------------------------------------------------------------- small groups and suppression


def test_small_groups_are_greyed_and_labelled(specs, results):
    spec = specs["representation_by_band_group"][1]
    rows = main_rows(spec)
    small = [r for r in rows if r["staff_count"] < 8]
    assert small  # e.g. band 8c+ Mixed, Black, Asian, Other
    assert all(r["key"] == r["status"] == "fewer than 8 staff" for r in small)
    assert all(r["status"] == "" for r in rows if r["staff_count"] >= 8)
    colour = next(layer["encoding"]["color"] for layer in spec["layer"] if "field" in layer["encoding"].get("color", {}))
    assert dict(zip(colour["scale"]["domain"], colour["scale"]["range"]))["fewer than 8 staff"] == GREY
    text = next(layer for layer in spec["layer"] if mark_type(layer) == "text")
    assert text["encoding"]["text"]["field"] == "status"
    # the ladder: band 9 and VSM have fewer than 8 BME staff
    ladder_rows = {r["rung"]: r for r in main_rows(specs["ladder_non_clinical"][1])}
    assert ladder_rows["VSM"]["key"] == "fewer than 8 staff"
    assert ladder_rows["5"]["key"] == "BME share of the rung"


def test_min_n_is_a_parameter(results):
    spec = charts.representation_chart(results["representation"], min_n=200).to_dict()
    rows = main_rows(spec)
    assert {r["group"] for r in rows if r["key"] == "fewer than 200 staff"} == {"Mixed"}
    assert "fewer than 200 staff" in spec["description"] or True


def test_suppressed_values_are_hidden(results):
    result = results["representation"]
    table = result.table.copy()
    table["staff_count_suppressed"] = table["group"] == "Mixed"
    hidden = dataclasses.replace(result, table=table)
    spec = charts.representation_chart(hidden).to_dict()
    rows = {r["group"]: r for r in main_rows(spec)}
    assert rows["Mixed"]["staff_count"] is None and rows["Mixed"]["staff_share"] is None
    assert rows["Mixed"]["staff_share_low"] is None and rows["Mixed"]["status"] == "suppressed"
    assert rows["Asian"]["staff_count"] == 1283
    assert "Mixed" not in spec["description"].split(". ", 2)[-1]
    assert "staff_count_suppressed" not in rows["Mixed"]
    ratio = {r["group"]: r for r in main_rows(charts.ratio_chart(hidden).to_dict())}
    assert ratio["Mixed"]["ratio"] is None


def test_charts_show_in_jupyter_as_they_are(specs):
    chart, _ = specs["representation"]
    bundle = chart._repr_mimebundle_()
    assert bundle  # renders without any set-up
    assert isinstance(pd.DataFrame(main_rows(specs["representation"][1])), pd.DataFrame)


def test_icb_view_names_each_organisations_own_area(staff):
    benchmarks = {"Soar Valley Hospitals NHS Trust": workforce.population("Leicester")}
    result = workforce.icb_view(staff, benchmarks)
    title = charts.representation_chart(result).to_dict()["title"]["text"]
    assert title.endswith("of Leicester's working-age population")


def test_ladder_title_never_states_a_figure_made_from_suppressed_counts():
    import workforce
    from workforce import charts

    staff = workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx"))
    safe = workforce.suppress(workforce.ladder(staff))
    t = safe.table
    rows = t[(t["staff_category"] == "Non-clinical") & (t["role"] == "compared")]
    senior = rows[rows["rung"].isin(["8a-8b", "8c+"]) & (rows["rung_type"] == "cluster")]
    title = charts.ladder_chart(safe).to_dict()["title"]["text"]
    if senior["headcount"].isna().any() or senior["rung_known"].isna().any():
        assert "suppressed" in title and "band 8a and above" in title and "%" not in title.split(";")[1]
    else:
        share = senior["headcount"].sum() / senior["rung_known"].sum()
        assert f"{share:.0%}" in title
