"""Tests for workforce.charts: one Altair chart per finding, made from Results."""

from __future__ import annotations

import dataclasses
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

alt = pytest.importorskip("altair")

import workforce  # noqa: E402
from workforce import charts  # noqa: E402
from workforce.charts import _common, _funnel  # noqa: E402
from workforce.errors import WorkforceError  # noqa: E402

SNAPSHOTS = Path(__file__).parent / "snapshots" / "charts"
SNAPSHOT_UPDATE = "python -m pytest tests/test_charts.py --snapshot-update"
IDENTIFIERS = {"person_id", "assignment_id", "employee_number", "assignment_number", "source_file", "source_row",
               "source_sheet"}
GREY = "#BBBBBB"


def pct(x: float) -> str:
    """The charts' rule for shares in words, written out again here."""
    return f"{x:.0%}" if round(x, 3) >= 0.095 else f"{x:.1%}"


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def staff(soar):
    return soar  # Soar Valley, 31 March 2025 (tests/conftest.py), loaded once per run


@pytest.fixture(scope="module")
def staff3(soar_valley):
    return soar_valley  # Soar Valley 2023 to 2025, key "test key" (tests/conftest.py), loaded once per run




@pytest.fixture(scope="module")
def trusts(icb_trusts):
    """Three organisations of one ICB (Soar Valley, Charnwood, Rutland Vale), 31 March 2025 (tests/conftest.py)."""
    return icb_trusts


@pytest.fixture(scope="module")
def results(staff, staff3, trusts):
    sd = workforce.sample_data
    leicester = workforce.population("Leicester")
    pairs = workforce.representation(staff, leicester, characteristic=("sex", "ethnicity"), by="band_group")
    areas = {"Soar Valley Hospitals NHS Trust": "Leicester", "Charnwood Community Health NHS Trust": "Charnwood",
             "Rutland Vale Healthcare NHS Trust": "Rutland"}
    return {
        "pairs": pairs,
        "pairs_suppressed": workforce.suppress(pairs),
        "ages": workforce.representation(staff, leicester, characteristic="age"),
        "ages_all": workforce.representation(staff, workforce.population("Leicester", ages="all"),
                                             characteristic="age"),
        "orgs": workforce.representation(trusts, workforce.population("QK1"), by="organisation", level="wres"),
        "orgs_nhs5": workforce.representation(trusts, workforce.population("QK1"), by="organisation"),
        "own_areas": workforce.icb_view(trusts, {org: workforce.population(area) for org, area in areas.items()},
                                        level="wres"),
        "representation": workforce.representation(staff, leicester),
        "representation_by": workforce.representation(staff, leicester, by="band_group"),
        "ladder": workforce.ladder(staff),
        "gaps": workforce.progression_gaps(staff),
        "wres": workforce.wres(staff3, recruitment=workforce.load_recruitment(sd("soar_valley_recruitment_2024-25.xlsx")),
                               disciplinary=workforce.load_disciplinary(sd("soar_valley_disciplinary_2024-25.xlsx"),
                                                                        like=staff3),
                               training=workforce.load_training(sd("soar_valley_training_2024-25.xlsx"), like=staff3),
                               board=workforce.load_board(sd("soar_valley_board_2025-03-31.xlsx"))),
        "wdes": workforce.wdes(staff3, recruitment=workforce.load_recruitment(sd("soar_valley_recruitment_2024-25.xlsx")),
                               disciplinary=workforce.load_disciplinary(sd("soar_valley_disciplinary_2024-25.xlsx"),
                                                                        like=staff3),
                               board=workforce.load_board(sd("soar_valley_board_2025-03-31.xlsx"))),
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
    "heatmap_sex_ethnicity_band_group": (charts.heatmap_chart, "pairs", {}),
    "heatmap_suppressed": (charts.heatmap_chart, "pairs_suppressed", {}),
    "age_profile": (charts.age_profile_chart, "ages", {}),
    "age_profile_all_ages": (charts.age_profile_chart, "ages_all", {}),
    "funnel_bme": (charts.funnel_chart, "orgs", {}),
    "funnel_own_areas": (charts.funnel_chart, "own_areas", {}),
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


def title_of(spec: dict) -> str:
    """A chart's title as one line (its text is a list of lines, wrapped to the page)."""
    text = spec["title"]["text"]
    return " ".join(text) if isinstance(text, list) else text


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
def test_chart_is_valid_vega_lite_and_matches_its_snapshot(specs, name, snapshot_update):
    chart, spec = specs[name]
    assert isinstance(chart, (alt.Chart, alt.LayerChart, alt.FacetChart))
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v")
    got = normalise(spec)
    path = SNAPSHOTS / f"{name}.json"
    if snapshot_update:  # only with --snapshot-update (tests/conftest.py): a missing snapshot fails otherwise
        text = json.dumps(got, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if not path.exists():
        pytest.fail(f"chart {name!r} has no snapshot {path}; run `{SNAPSHOT_UPDATE}` to write it", pytrace=False)
    assert got == json.loads(path.read_text(encoding="utf-8")), (
        f"chart {name!r} differs from its snapshot {path}; if the change is meant, run `{SNAPSHOT_UPDATE}` "
        "and review the snapshot's diff")


def test_every_snapshot_belongs_to_a_chart():
    stale = sorted(str(p) for p in SNAPSHOTS.glob("*.json") if p.stem not in CASES)
    assert not stale, f"snapshots of no chart in CASES (delete them): {stale}"


@pytest.mark.parametrize("name", list(CASES))
def test_every_chart_has_title_subtitle_alt_text_theme_and_provenance(specs, name):
    _, spec = specs[name]
    title = spec["title"]
    assert title["text"] and title["subtitle"]
    assert title_of(spec) in spec["description"]  # alt text states the finding too
    assert spec["config"]["range"]["category"] == charts.PALETTE
    assert spec["usermeta"]["workforce"]["chart"].endswith("_chart")
    assert spec["usermeta"]["workforce"]["version"] == f"workforce {workforce.__version__}"


@pytest.mark.parametrize("name", list(CASES))
def test_embedded_data_is_the_aggregated_table_only(specs, results, name):
    _, spec = specs[name]
    table = results[CASES[name][1]].table
    for rows in spec["datasets"].values():
        if name.startswith("funnel") and rows and "low_998" in rows[0] and "organisation" not in rows[0]:
            assert len(rows) <= 300  # the control limits over a grid of sizes (made here, not from staff)
            continue
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
    assert title_of(spec) == expected
    assert "Asian" in expected
    subtitle = " ".join(spec["title"]["subtitle"])
    assert f"n = {int(t['staff_total'].iloc[0]):,}" in subtitle
    assert "Leicester (E06000016)" in subtitle and "31 March 2025" in subtitle


def test_representation_with_by_names_the_subgroup(specs, results):
    t = results["representation_by"].table
    under = t[(t["flag"].astype(str) == "under-represented") & (t["staff_count"] >= 8)]
    row = under.loc[under["difference_pp"].idxmin()]
    assert title_of(specs["representation_by_band_group"][1]).startswith(
        f"{row['group']} staff are under-represented in bands {row['subgroup']}: {pct(row['staff_share'])}")


def test_ratio_title_and_log_axis_around_one(specs, results):
    t = results["representation"].table
    under = t[t["flag"].astype(str) == "under-represented"]
    row = under.loc[under["ratio"].idxmin()]
    spec = specs["ratio"][1]
    assert title_of(spec).startswith(f"{row['group']} staff are represented at {row['ratio']:.2f} times")
    scales = [layer["encoding"]["x"].get("scale", {}).get("type") for layer in spec["layer"] if "x" in layer["encoding"]]
    assert "log" in scales
    assert any(layer["encoding"]["x"].get("datum") == 1.0 for layer in spec["layer"])


def test_ratio_no_evidence_is_neutral(specs):
    spec = specs["ratio_by_band_group"][1]
    assert spec["facet"]["row"]["field"] == "group"   # one row per group, band groups labelled on its axis
    layers = spec["spec"]["layer"]
    assert all(layer["encoding"]["y"]["field"] == "subgroup" for layer in layers if "y" in layer["encoding"])
    colour = next(layer["encoding"]["color"] for layer in layers if "color" in layer["encoding"])
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
    # the overall share says which staff it is of: not the pack's headline share (all AfC staff, unknowns counted)
    assert title_of(specs["ladder_non_clinical"][1]) == (
        f"BME staff are {pct(overall)} of Agenda for Change non-clinical staff whose ethnicity is known, but "
        f"{pct(senior_share)} of band 8a and above")


def test_ladder_axis_is_in_band_order(specs):
    spec = specs["ladder_non_clinical"][1]
    ys = [layer["encoding"]["y"] for layer in spec["layer"] if "y" in layer.get("encoding", {})]
    order = ["1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9", "VSM"]
    for y in ys:
        assert y["sort"] == order[::-1]  # VSM at the top, band 1 at the bottom
        assert y["scale"]["domain"] == order[::-1]


def test_ladder_medical_grades_and_population_rule(specs):
    spec = specs["ladder_medical_population"][1]
    assert title_of(spec).endswith("of consultants")
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
    assert title_of(spec).startswith(
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
    row = t[t["indicator"] == 2].iloc[0]
    assert title_of(spec) == (f"White applicants are {row['value']:.2f} times as likely to be appointed from "
                                     f"shortlisting (WRES indicator 2)")
    subtitle = " ".join(spec["title"]["subtitle"])
    for number in t.loc[(t["unit"] == "relative likelihood") & t["value"].isna(), "indicator"]:
        assert f"WRES {number}:" in subtitle  # not estimable: listed, not plotted


def test_likelihood_wdes_without_a_clear_adverse_finding(specs):
    assert title_of(specs["likelihood_wdes"][1]).startswith("No relative likelihood is clearly adverse")


# ---------------------------------------------------------------- promotion and trajectories


def test_promotion_title(specs, results):
    t = results["promotion"].table.set_index("group")
    assert title_of(specs["promotion"][1]) == (
        f"BME staff were promoted less often: {pct(t.loc['BME', 'promotion_rate'])} against "
        f"{pct(t.loc['White', 'promotion_rate'])} of White staff")
    assert f"n = {int(t['stayers'].sum()):,} stayers" in specs["promotion"][1]["title"]["subtitle"][0]


def test_trajectory_title(specs, results):
    t = results["model_employer"].table
    senior = t[t["band"] == "8a+"]
    needed = int(senior["appointments_needed"].fillna(0).sum())
    assert title_of(specs["trajectory"][1]) == (
        f"BME staff are {pct(senior['share_today'].iloc[0])} of band 8a and above; reaching "
        f"{pct(senior['target_share'].iloc[0])} (their share of all staff whose ethnicity is known, doctors included) "
        f"by 2028 needs {needed:,} BME appointments or promotions over 3 years")
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
    assert text["encoding"]["text"]["field"] == "note"   # the status, short: the legend gives the rule
    assert {"calculate": _common._SHORT_STATUS, "as": "note"} in text["transform"]
    # the ladder greys by its own rule, and says so: band 9 (2 of known group) and VSM (9) are "insufficient
    # data" below 10 of known group; bands 8c and 8d, with 2 BME staff of 17 and 12 known, are estimates
    ladder_rows = {r["rung"]: r for r in main_rows(specs["ladder_non_clinical"][1])}
    for rung in ("9", "VSM"):
        assert ladder_rows[rung]["key"] == ladder_rows[rung]["status"] == "insufficient data: fewer than 10 of known group"
    for rung in ("5", "8c", "8d"):
        assert ladder_rows[rung]["key"] == "BME share of the rung" and ladder_rows[rung]["status"] == ""


def test_min_n_is_a_parameter(results):
    spec = charts.representation_chart(results["representation"], min_size=200).to_dict()
    rows = main_rows(spec)
    assert {r["group"] for r in rows if r["key"] == "fewer than 200 staff"} == {"Mixed"}
    # min_n greys and labels the small groups on the chart only: the alt text is the same as with the
    # default, and still gives the small group's figures
    assert spec["description"] == charts.representation_chart(results["representation"]).to_dict()["description"]
    assert "fewer than" not in spec["description"]
    assert "Mixed: 2.5% of staff, 3.1% of population" in spec["description"]


def test_suppressed_values_are_hidden(results):
    result = results["representation"]
    table = result.table.copy()
    table["staff_count_suppressed"] = table["group"] == "Mixed"
    hidden = dataclasses.replace(result, table=table)
    spec = charts.representation_chart(hidden).to_dict()
    rows = {r["group"]: r for r in main_rows(spec)}
    assert rows["Mixed"]["staff_count"] is None and rows["Mixed"]["staff_share"] is None
    assert rows["Mixed"]["staff_share_ci_low"] is None and rows["Mixed"]["status"] == "suppressed"
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
    title = title_of(charts.representation_chart(result).to_dict())
    assert title.endswith("of Leicester's working-age population")


def test_ladder_title_never_states_a_figure_made_from_suppressed_counts(staff):
    import workforce
    from workforce import charts

    safe = workforce.suppress(workforce.ladder(staff))
    t = safe.table
    rows = t[(t["staff_category"] == "Non-clinical") & (t["role"] == "compared")]
    senior = rows[rows["rung"].isin(["8a-8b", "8c+"]) & (rows["rung_type"] == "cluster")]
    title = title_of(charts.ladder_chart(safe).to_dict())
    if senior["headcount"].isna().any() or senior["rung_known"].isna().any():
        assert "suppressed" in title and "band 8a and above" in title and "%" not in title.split(";")[1]
    else:
        share = senior["headcount"].sum() / senior["rung_known"].sum()
        assert f"{share:.0%}" in title


def test_ladder_title_states_a_senior_share_published_elsewhere(staff):
    """Where the ladder's senior rungs are suppressed, a share the publication gives elsewhere (the board pack
    passes the progression gaps') is stated, not called suppressed; without it, the title says suppressed."""
    import workforce
    from workforce import charts

    ladder = workforce.ladder(staff)
    t = ladder.table.copy()
    senior = t["rung"].isin(["8a", "8b", "8c", "8d", "9", "VSM", "8a-8b", "8c+"])
    hidden = t.assign(headcount_suppressed=senior, rung_known_suppressed=senior, rung_total_suppressed=False,
                      overall_headcount_suppressed=False, overall_total_suppressed=False,
                      overall_known_suppressed=False)
    for column in ("headcount", "rung_known"):
        hidden[column] = hidden[column].astype("Int64").where(~senior)
    result = ladder.with_table(hidden, **{"disclosure threshold": 8})
    assert "suppressed" in title_of(charts.ladder_chart(result).to_dict())
    title = title_of(charts.ladder_chart(result, senior_share=0.1729).to_dict())
    assert title.endswith("but 17% of band 8a and above") and "suppressed" not in title


# ---------------------------------------------------------------- intersections: the heat map


def pair_rows(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["characteristic"] == "sex × ethnicity"]


def test_heatmap_title_from_the_most_senior_band_group(specs, results):
    t = pair_rows(results["pairs"].table)
    senior = t[t["subgroup"] == "8c+"]
    big = senior[senior["staff_count"] >= 8]
    assert not (big["flag"] == "under-represented").any()  # so the title says what the band group is made of
    assert sorted(big["group"]) == ["Female × White", "Male × White"]
    share = big["staff_count"].sum() / senior["staff_total"].iloc[0]
    population = big["population_share"].sum()
    assert title_of(specs["heatmap_sex_ethnicity_band_group"][1]) == (
        f"In bands 8c+, White women and White men are {pct(share)} of staff against {pct(population)} of "
        "Leicester's working-age population")
    assert pct(share) == "93%" and pct(population) == "39%"


def test_heatmap_title_names_the_least_represented_group(staff):
    result = workforce.representation(staff, workforce.population("Leicester"), characteristic=("sex", "ethnicity"))
    t = pair_rows(result.table)
    under = t[(t["flag"] == "under-represented") & (t["staff_count"] >= 8)]
    row = under.loc[under["ratio"].idxmin()]
    assert row["group"] == "Male × Asian"
    assert title_of(charts.heatmap_chart(result).to_dict()) == (
        f"Asian men are under-represented: {pct(row['staff_share'])} of staff against "
        f"{pct(row['population_share'])} of Leicester's working-age population")


def test_heatmap_draws_only_the_intersections_coloured_by_the_ratio(specs, results):
    spec = specs["heatmap_sex_ethnicity_band_group"][1]
    rows = main_rows(spec)
    t = pair_rows(results["pairs"].table)
    assert len(rows) == len(t) == 50
    assert all(" × " in r["group"] for r in rows)
    assert {r["subgroup"] for r in rows} == {"1-4", "5-7", "8a-8b", "8c+", "Medical"}
    colour = next(layer["encoding"]["color"] for layer in spec["layer"]
                  if layer["encoding"].get("color", {}).get("field") == "colour_ratio")
    assert colour["scale"]["type"] == "log"
    assert colour["scale"]["domain"] == [0.25, 1.0, 4.0]  # diverging, centred on 1
    assert colour["scale"]["range"][1] == "#F7F7F7"
    ok = [r for r in rows if r["status"] == ""]
    for r in ok:
        assert r["colour_ratio"] == pytest.approx(min(max(r["ratio"], 0.25), 4.0), abs=1e-4)
        assert r["text"] == f"{pct(r['staff_share'])}\nratio {r['ratio']:.2f}"
    y = next(layer["encoding"]["y"] for layer in spec["layer"] if "y" in layer.get("encoding", {}))
    assert y["sort"][:2] == ["White women", "Mixed women"] and "Asian men" in y["sort"]


def test_heatmap_small_cells_are_grey_and_unlabelled_by_number(specs, results):
    spec = specs["heatmap_sex_ethnicity_band_group"][1]
    rows = main_rows(spec)
    small = [r for r in rows if r["staff_count"] < 8]
    assert len(small) == 13  # 8a-8b and 8c+: most groups other than White (Asian men at 8a-8b reach 8 in 2025,
    # after the sample trust's positive action programme: sample_data/README.md)
    for r in small:
        assert r["status"] == "fewer than 8 staff" and r["colour_ratio"] is None
        assert r["text"] == "fewer than\n8 staff"
    assert all(r["status"] == "" for r in rows if r["staff_count"] >= 8)
    rects = [layer for layer in spec["layer"] if mark_type(layer) == "rect"]
    filters = [t["filter"] for layer in rects for t in layer.get("transform", [])]
    assert filters == ["datum.status == ''", "datum.status != ''"]
    fill = rects[1]["encoding"]["fill"]["scale"]
    assert dict(zip(fill["domain"], fill["range"])) == {"fewer than 8 staff": GREY}


def test_heatmap_of_a_suppressed_result_hides_suppressed_cells(specs, results):
    safe = pair_rows(results["pairs_suppressed"].table)
    spec = specs["heatmap_suppressed"][1]
    rows = {(r["subgroup"], r["group"]): r for r in main_rows(spec)}
    hidden = safe[safe["staff_count_suppressed"]]
    assert len(hidden) == 8  # 4 in bands 8a-8b, 4 in 8c+ (the audit hides one more there: zeros and a total pinned them)
    for key in zip(hidden["subgroup"], hidden["group"]):
        r = rows[key]
        assert r["status"] == "suppressed: under 8, or protecting one"   # the rule that hid it
        assert r["text"] == "suppressed"   # short, to fit the cell: the legend gives the rule
        assert r["staff_count"] is None and r["staff_share"] is None and r["ratio"] is None
        assert r["staff_share_ci_low"] is None and r["colour_ratio"] is None
    # a row whose only suppressed count is the band group's unknowns keeps its share (it is not made from it)
    white = rows[("8c+", "Female × White")]
    assert white["status"] == "" and white["staff_share"] == pytest.approx(50 / 72, abs=1e-4)
    legend = next(layer for layer in spec["layer"] if mark_type(layer) == "rect" and "fill" in layer["encoding"])
    scale = legend["encoding"]["fill"]["scale"]   # two rules, two entries, two greys
    assert scale["domain"] == ["fewer than 8 staff", "suppressed: under 8, or protecting one"]
    assert scale["range"][0] == GREY and scale["range"][1] != GREY
    assert "suppressed" in spec["title"]["subtitle"][0]
    for r in main_rows(spec):
        assert "_suppressed" not in " ".join(r)


def test_heatmap_needs_an_intersection(results):
    with pytest.raises(WorkforceError, match=r"characteristic=\('sex', 'ethnicity'\)"):
        charts.heatmap_chart(results["representation"])
    with pytest.raises(WorkforceError, match="representation or icb_view"):
        charts.heatmap_chart(results["ladder"])


# ---------------------------------------------------------------- age profile


def test_age_profile_title_and_the_national_age_benchmark(specs, results):
    t = results["ages"].table
    under = t[(t["flag"] == "under-represented") & (t["staff_count"] >= 8)]
    row = under.loc[under["difference_pp"].idxmin()]
    spec = specs["age_profile"][1]
    assert title_of(spec) == (
        f"Staff aged {row['group']} are under-represented: {pct(row['staff_share'])} of staff against "
        f"{pct(row['population_share'])} of the working-age population of England and Wales")
    assert row["group"] == "16-24"
    subtitle = " ".join(spec["title"]["subtitle"])
    assert f"n = {int(t['staff_total'].iloc[0]):,} staff" in subtitle
    assert f"({int(t['unknown_count'].iloc[0])} aged 65 and over or of unknown age, left out)" in subtitle
    assert "England and Wales age structure" in subtitle
    assert [r["group"] for r in main_rows(spec)] == ["16-24", "25-34", "35-44", "45-54", "55-64"]
    assert "65+" not in {r["group"] for r in main_rows(spec)}
    tick = next(layer for layer in spec["layer"] if mark_type(layer) == "tick")
    assert tick["encoding"]["y"]["field"] == "population_share"


def test_age_profile_with_all_ages_never_headlines_65_and_over(specs, results):
    t = results["ages_all"].table.set_index("group")
    assert t.loc["65+", "difference_pp"] == t["difference_pp"].min()  # the 65+ gap is the largest...
    spec = specs["age_profile_all_ages"][1]
    assert "65+" not in title_of(spec)  # ...but its population is mostly retired
    assert title_of(spec).startswith(f"Staff aged 16-24 are under-represented: {pct(t.loc['16-24', 'staff_share'])}")
    assert title_of(spec).endswith("of the population of England and Wales aged 16 and over")
    assert any("65+ population includes people long retired" in line for line in spec["title"]["subtitle"])


def test_age_profile_small_and_suppressed_bands(results):
    result = results["ages"]
    table = result.table.copy()
    table["staff_count_suppressed"] = table["group"] == "25-34"
    spec = charts.age_profile_chart(dataclasses.replace(result, table=table), min_size=300).to_dict()
    rows = {r["group"]: r for r in main_rows(spec)}
    assert rows["16-24"]["status"] == rows["16-24"]["key"] == "fewer than 300 staff"
    assert rows["25-34"]["status"] == "suppressed" and rows["25-34"]["staff_share"] is None
    assert rows["35-44"]["status"] == "" and rows["35-44"]["key"] == "Staff share"
    assert "25-34: suppressed" in spec["description"]
    colour = next(layer["encoding"]["color"] for layer in spec["layer"] if "field" in layer["encoding"].get("color", {}))
    assert dict(zip(colour["scale"]["domain"], colour["scale"]["range"]))["fewer than 300 staff"] == GREY


def test_age_profile_needs_age_bands(results):
    with pytest.raises(WorkforceError, match="characteristic='age'"):
        charts.age_profile_chart(results["representation"])


# ---------------------------------------------------------------- funnel plot


def cdf(r: int, n: int, p: float) -> float:
    """P(R <= r) for R ~ Binomial(n, p), from the regularised incomplete beta function (not scipy.stats.binom)."""
    from scipy.special import betainc

    if r < 0:
        return 0.0
    if r >= n:
        return 1.0
    return float(betainc(n - r, r + 1, 1 - p))


def exact_limit(n: int, p: float, q: float) -> float:
    """Spiegelhalter (2005) A.1.1, written out again: r = smallest with P(R <= r) >= q, interpolated."""
    r = max(0, int(n * p - 10 * math.sqrt(n * p * (1 - p))) - 1)
    while cdf(r, n, p) < q:
        r += 1
    alpha = (cdf(r, n, p) - q) / (cdf(r, n, p) - cdf(r - 1, n, p))
    return min(max((r - alpha) / n, 0.0), 1.0)


def funnel_points(spec: dict) -> list[dict]:
    """The organisations' rows (the other dataset holds the control limits)."""
    return next(rows for rows in spec["datasets"].values() if rows and "organisation" in rows[0])


@pytest.mark.parametrize("n", [50, 737, 1379, 5805])
def test_funnel_exact_binomial_limits_match_an_independent_computation(n):
    p = 0.296486
    for q in (0.001, 0.025, 0.975, 0.999):
        assert float(workforce.analysis.binomial_limit([n], p, q)[0]) == pytest.approx(exact_limit(n, p, q), abs=1e-9)
    z = 3.090232  # and near the normal approximation for large n
    normal = p + z * math.sqrt(p * (1 - p) / n)
    assert float(workforce.analysis.binomial_limit([n], p, 0.999)[0]) == pytest.approx(normal, abs=2 / n + 0.004)


def test_funnel_points_limits_and_title(specs, results):
    t = results["orgs"].table
    bme = t[t["group"] == "BME"]
    target = bme["population_share"].iloc[0]
    spec = specs["funnel_bme"][1]
    points = {r["organisation"]: r for r in funnel_points(spec)}
    assert set(points) == set(bme["subgroup"])
    below = above = 0
    for row in bme.itertuples():
        point = points[row.subgroup]
        n = int(row.staff_total)
        assert point["x"] == n and point["y"] == pytest.approx(row.staff_share, abs=1e-4)
        for name, (low, high) in {"95": (0.025, 0.975), "998": (0.001, 0.999)}.items():
            assert point[f"low_{name}"] == pytest.approx(exact_limit(n, target, low), abs=1e-4)
            assert point[f"high_{name}"] == pytest.approx(exact_limit(n, target, high), abs=1e-4)
        below += row.staff_share < exact_limit(n, target, 0.001)
        above += row.staff_share > exact_limit(n, target, 0.999)
    assert (below, above) == (0, 3)
    assert all(p["position"] == "above the 99.8% limit" for p in points.values())
    assert title_of(spec) == (
        f"All 3 trusts are above the 99.8% limit for BME staff around {pct(target)}, the BME share of "
        "NHS Leicester, Leicestershire and Rutland ICB's working-age population")
    # the curves: 95% and 99.8% limits over a grid of sizes, checked at two of them
    curves = next(data_rows(spec, layer) for layer in spec["layer"] if mark_type(layer) == "line")
    assert 20 <= len(curves) <= 300
    for row in (curves[0], curves[len(curves) // 2]):
        assert row["high_998"] == pytest.approx(exact_limit(int(row["x"]), target, 0.999), abs=1e-4)
        assert row["low_95"] == pytest.approx(exact_limit(int(row["x"]), target, 0.025), abs=1e-4)
    rule = next(layer for layer in spec["layer"] if mark_type(layer) == "rule")
    assert rule["encoding"]["y"]["datum"] == pytest.approx(target, abs=1e-4)
    labels = [layer for layer in spec["layer"] if mark_type(layer) == "text"]
    assert labels and all(layer["encoding"]["text"]["field"] == "label" for layer in labels)


def test_funnel_against_each_organisations_own_area(specs, results):
    from scipy.stats import norm

    t = results["own_areas"].table
    bme = t[t["group"] == "BME"]
    spec = specs["funnel_own_areas"][1]
    points = {r["organisation"]: r for r in funnel_points(spec)}
    positions = []
    for row in bme.itertuples():
        p, n = row.population_share, row.staff_total
        precision = n * p / (1 - p)
        point = points[row.subgroup]
        assert point["x"] == pytest.approx(precision, abs=1e-4) and point["y"] == pytest.approx(row.ratio, abs=1e-4)
        se = math.sqrt((1 - p) / (n * p))  # the ratio's standard error, normal approximation
        assert point["high_998"] == pytest.approx(1 + norm.ppf(0.999) * se, abs=1e-4)
        assert point["low_95"] == pytest.approx(1 - 1.959964 * se, abs=1e-4)
        positions.append("below" if row.ratio < 1 - norm.ppf(0.999) * se else
                         "above" if row.ratio > 1 + norm.ppf(0.999) * se else "within")
    assert sorted(positions) == ["above", "above", "below"]
    assert points["Soar Valley Hospitals NHS Trust"]["position"] == "below the 99.8% limit"
    assert title_of(spec) == (
        "Soar Valley Hospitals NHS Trust is below the 99.8% limit for BME staff against their own area's working-age "
        "population, and Charnwood Community Health NHS Trust and Rutland Vale Healthcare NHS Trust are above it")
    assert "benchmark: each organisation's own area" in " ".join(spec["title"]["subtitle"])
    x = next(layer["encoding"]["x"] for layer in spec["layer"] if mark_type(layer) == "point")
    assert x["scale"]["type"] == "log"
    rule = next(layer for layer in spec["layer"] if mark_type(layer) == "rule")
    assert rule["encoding"]["y"]["datum"] == 1.0


def test_funnel_default_group_and_errors(results):
    title = title_of(charts.funnel_chart(results["orgs_nhs5"]).to_dict())
    assert title.startswith("Soar Valley Hospitals NHS Trust is above the 95% limit for Asian staff")  # the largest
    assert title.endswith("; no trust is outside the 99.8% limits")                        # group other than White
    spec = charts.funnel_chart(results["orgs_nhs5"], group="Black").to_dict()
    assert "for Black staff" in title_of(spec)
    with pytest.raises(WorkforceError, match=r"'White', 'Mixed', 'Asian', 'Black', 'Other'"):
        charts.funnel_chart(results["orgs_nhs5"], group="BME")
    with pytest.raises(WorkforceError, match="by='organisation'"):
        charts.funnel_chart(results["representation"])
    with pytest.raises(WorkforceError):
        charts.funnel_chart(results["ladder"])


def test_funnel_small_and_suppressed_organisations(results):
    result = results["orgs"]
    spec = charts.funnel_chart(result, min_size=300).to_dict()
    points = {r["organisation"]: r for r in funnel_points(spec)}
    rutland = points["Rutland Vale Healthcare NHS Trust"]  # 288 BME staff
    assert rutland["key"] == rutland["status"] == "fewer than 300 staff"
    assert rutland["label"] == "Rutland Vale Healthcare NHS Trust (fewer than 300 staff)"
    assert title_of(spec).startswith("Both trusts are above the 99.8% limit")
    table = result.table.copy()
    table["staff_count_suppressed"] = table["subgroup"] == "Charnwood Community Health NHS Trust"
    spec = charts.funnel_chart(dataclasses.replace(result, table=table)).to_dict()
    assert "Charnwood Community Health NHS Trust" not in {r["organisation"] for r in funnel_points(spec)}
    assert "Not plotted: Charnwood Community Health NHS Trust (suppressed)" in " ".join(spec["title"]["subtitle"])
    assert title_of(spec).startswith("Both trusts are above")
    safe = charts.funnel_chart(workforce.suppress(result)).to_dict()  # nothing small here: the same points
    assert len(funnel_points(safe)) == 3


def test_new_charts_embed_few_rows_and_no_identifiers(specs):
    for name in ("heatmap_sex_ethnicity_band_group", "heatmap_suppressed", "age_profile", "age_profile_all_ages",
                 "funnel_bme", "funnel_own_areas"):
        spec = specs[name][1]
        for rows in spec["datasets"].values():
            assert len(rows) <= 300
            columns = set().union(*(r.keys() for r in rows)) if rows else set()
            assert not columns & IDENTIFIERS and not any(c.endswith("_suppressed") for c in columns)
            # figures to 4 decimals: no long digit runs (0.27129 reads as "27129", an Excel date serial)
            assert all(round(v, 4) == v for r in rows for v in r.values() if isinstance(v, float))


def test_ladder_chart_with_every_share_suppressed_has_nothing_to_draw():
    """A small organisation whose every rung is suppressed: no chart of labels alone, and never a figure."""
    staff = workforce.load_staff(workforce.sample_data("rutland_vale_staff_in_post_2025-03-31.xlsx"))
    safe = workforce.suppress(workforce.ladder(staff), threshold=200)
    with pytest.raises(WorkforceError, match="nothing to draw: every band's figures for non-clinical staff"):
        charts.ladder_chart(safe, staff_category="Non-clinical", min_size=200)


def test_likelihood_chart_refuses_when_nothing_can_be_drawn():
    """No relative likelihood estimable: an error, never a title saying that nothing is adverse."""
    staff = workforce.load_staff(workforce.sample_data("rutland_vale_staff_in_post_2025-03-31.xlsx"))
    safe = workforce.suppress(workforce.progression_gaps(staff), threshold=10_000)
    with pytest.raises(WorkforceError, match="no relative likelihood to draw"):
        charts.likelihood_chart(safe)


def test_ladder_chart_draws_every_published_share(staff):
    """A rung whose share is published is drawn, even if its total or unknown count is suppressed."""
    safe = workforce.suppress(workforce.ladder(staff))
    table = safe.table
    published = table[(table["staff_category"] == "Non-clinical") & (table["rung_type"] == "band")
                      & (table["role"] == "compared") & table["share_of_known"].notna()]
    assert published["rung_total_suppressed"].any()   # the case this pins: a total hidden, the share shown
    spec = charts.ladder_chart(safe, staff_category="Non-clinical").to_dict()
    rows = [r for d in spec["datasets"].values() for r in d if r.get("share_of_known") is not None]
    assert sorted(r["rung"] for r in rows) == sorted(map(str, published["rung"]))


def test_ladder_chart_labels_every_suppressed_rung(staff):
    """A rung whose count of known group is suppressed is labelled "suppressed", not left blank like an empty one."""
    safe = workforce.suppress(workforce.ladder(staff))
    table = safe.table
    rungs = table[(table["staff_category"] == "Non-clinical") & (table["rung_type"] == "band")
                  & (table["role"] == "compared")]
    hidden = rungs[rungs["rung_known_suppressed"].fillna(False).astype(bool)
                   | rungs["headcount_suppressed"].fillna(False).astype(bool)]
    assert rungs["rung_known_suppressed"].fillna(False).astype(bool).any()   # the case this pins
    spec = charts.ladder_chart(safe, staff_category="Non-clinical").to_dict()
    labelled = {r["rung"] for d in spec["datasets"].values() for r in d if str(r.get("status", "")).startswith(
        "suppressed")}
    assert labelled == set(map(str, hidden["rung"]))


def test_promotion_chart_draws_every_published_rate(soar_valley):
    """A group whose promotion rate is published is drawn, even if another count of its row is suppressed."""
    safe = workforce.suppress(workforce.promotion(soar_valley))
    table = safe.table
    published = table[(table["by"] == "all") & table["promotion_rate"].notna()]
    flags = [c for c in table.columns if c.endswith("_suppressed")]
    assert published[flags].any(axis=1).any()   # the case this pins: some other count of the row suppressed
    spec = charts.promotion_chart(safe).to_dict()
    rows = [r for d in spec["datasets"].values() for r in d if r.get("promotion_rate") is not None]
    assert sorted(r["group"] for r in rows) == sorted(published["group"])


def test_a_chart_of_an_unsuppressed_publication_says_not_for_publication(results):
    """A table published with threshold=None marks every chart drawn from it, whatever file it is saved to."""
    raw = charts.ladder_chart(results["ladder"]).to_dict()
    assert not title_of(raw).startswith("NOT FOR PUBLICATION")
    spec = charts.ladder_chart(workforce.suppress(results["ladder"], threshold=None)).to_dict()
    assert title_of(spec).startswith("NOT FOR PUBLICATION. ")
    assert spec["title"]["subtitle"][0] == "NOT FOR PUBLICATION: small numbers not suppressed"
    assert spec["description"].startswith("NOT FOR PUBLICATION")


def test_an_age_chart_in_esr_bands_never_headlines_the_retirement_bands():
    import workforce
    from workforce.charts import age_profile_chart

    staff = workforce.load_staff(workforce.sample_data("charnwood_staff_in_post_2025-03-31.csv"))
    result = workforce.representation(staff, workforce.population("Charnwood", ages="all"), characteristic="age")
    spec = age_profile_chart(result).to_dict()
    title = title_of(spec) if isinstance(spec["title"], dict) else spec["title"]
    title = " ".join(title) if isinstance(title, list) else title
    assert ">=71" not in title and "66-70" not in title and "<=20" in title   # the gap that matters: the young


# ---------------------------------------------------------------- charts that fit the page


def axes(spec: dict) -> list[dict]:
    """Every axis of every layer: (channel, encoding) for x and y with an axis."""
    return [(channel, layer["encoding"][channel]) for layer in layers(spec) for channel in ("x", "y")
            if isinstance(layer.get("encoding", {}).get(channel), dict) and "field" in layer["encoding"][channel]]


def test_text_width_is_arials_widened_for_a_wider_face():
    # Arial's advance widths (thousandths of an em): H 722, e 556, l 222, o 556; bold W 944, A 722
    assert _common._text_width("Hello", 10) == pytest.approx((722 + 556 + 222 + 222 + 556) / 1000 * 10 * 1.15)
    assert _common._text_width("WA", 16, bold=True) == pytest.approx((944 + 722) / 1000 * 16 * 1.15)
    assert _common._text_width("") == 0


def test_lines_wrap_at_spaces_to_the_width():
    text = "Soar Valley Hospitals NHS Trust is below the 99.8% limit for BME staff against their own area"
    lines = _common._lines(text, 200)
    assert " ".join(lines) == text and len(lines) > 2
    assert all(_common._text_width(line) <= 200 for line in lines)
    # greedy: no line could have taken the next line's first word
    assert all(_common._text_width(f"{a} {b.split()[0]}") > 200 for a, b in zip(lines, lines[1:]))
    # parts joined by " · " stay whole where they fit; a word wider than the width is a line of its own
    assert _common._lines("n = 5,733 staff · benchmark: Leicester · snapshot 31 March 2025", 260) == [
        "n = 5,733 staff · benchmark: Leicester", "snapshot 31 March 2025"]
    assert _common._lines("Supercalifragilistic word", 50) == ["Supercalifragilistic", "word"]


@pytest.mark.parametrize("name", list(CASES))
def test_titles_and_subtitles_wrap_to_the_page_column(specs, name):
    _, spec = specs[name]
    title = spec["title"]
    assert isinstance(title["text"], list) and title["text"]
    assert all(_common._text_width(line, 16, bold=True) <= _common.COLUMN for line in title["text"])
    assert all(_common._text_width(line, 12) <= _common.COLUMN for line in title["subtitle"])
    # nothing is cut with "…": no label or title limit but "none" (0), in the theme or on any axis or legend
    config = spec["config"]
    assert config["axis"]["labelLimit"] == config["legend"]["labelLimit"] == config["header"]["labelLimit"] == 0
    limits = [v for layer in layers(spec) for enc in layer.get("encoding", {}).values() if isinstance(enc, dict)
              for part in ("axis", "legend", "header") if isinstance(enc.get(part), dict)
              for k, v in enc[part].items() if k.endswith("Limit")]
    assert all(v == 0 for v in limits), limits


@pytest.mark.parametrize("name", list(CASES))
def test_legends_are_laid_out_in_columns_that_fit_the_page(specs, name):
    _, spec = specs[name]
    for layer in layers(spec):
        colour = layer.get("encoding", {}).get("color") or {}
        legend, domain = colour.get("legend"), (colour.get("scale") or {}).get("domain")
        if isinstance(legend, dict) and "columns" in legend and domain and colour.get("type") == "nominal":
            k = legend["columns"]
            widths = [_common._text_width(str(d)) + 30 for d in domain]
            assert sum(max(widths[i::k]) for i in range(k)) <= _common.COLUMN


def test_long_row_labels_wrap_onto_lines_instead_of_being_cut(specs, results):
    for name in ("likelihood_wres", "likelihood_wdes"):
        spec = specs[name][1]
        rows = main_rows(spec)
        y = next(enc for channel, enc in axes(spec) if channel == "y" and enc["field"] == "row")
        assert y["axis"]["labelExpr"] == "split(datum.label, '\\n')"
        assert "labelLimit" not in y["axis"]
        for r in rows:
            assert r["row"].replace("\n", " ") == r["label"]   # the whole label, on lines
            assert all(_common._text_width(line) <= _common.LABEL_WIDTH for line in r["row"].split("\n"))
        wres4 = next(r for r in main_rows(specs["likelihood_wres"][1]) if r["label"].startswith("WRES 4"))
        assert wres4["row"].count("\n") >= 1 and wres4["label"].endswith("CPD")


def test_axis_ticks_leave_room_for_their_labels():
    # known answers: steps of 1, 2, 2.5 or 5 times a power of ten, spaced at least 1.5 labels and 14 px apart
    assert _common._nice_ticks(0, 1, 480) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    room = 1.5 * _common._text_width("100%") + 14
    assert len(_common._nice_ticks(0, 1, 200)) <= 200 // room + 1
    assert _common._nice_ticks(0, 6386, 520, "6,386") == [0, 1000, 2000, 3000, 4000, 5000, 6000]
    assert _common._nice_ticks(0.14, 0.28, 340, room=30) == pytest.approx([0.14 + 0.02 * i for i in range(8)])
    assert _common._log_ticks(0.5, 5, 420) == [0.5, 1, 2, 5]
    assert _common._log_ticks(0.1, 200, 600) == [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200]
    assert _common._log_ticks(0.1, 200, 420) == [0.1, 1, 10, 100]   # 0.1 to 0.2 would be 38 px apart
    assert _common._log_ticks(0.001, 1000, 200) == [0.001, 0.01, 0.1, 1, 10, 100, 1000]
    assert _common._log_domain(0.43, 3.27) == [0.2, 5]


@pytest.mark.parametrize("name", [n for n in CASES if n.startswith(("ladder", "likelihood", "ratio", "representation",
                                                                     "promotion"))])
def test_quantitative_axes_carry_tick_values_spaced_for_their_labels(specs, name):
    _, spec = specs[name]
    width = spec.get("width") or (spec.get("spec") or {}).get("width") or 480
    for channel, enc in axes(spec):
        values = (enc.get("axis") or {}).get("values")
        if channel != "x" or enc.get("type") != "quantitative" or not values:
            continue
        domain = enc["scale"]["domain"]
        log = enc["scale"].get("type") == "log"
        place = [(math.log(v) - math.log(domain[0])) / (math.log(domain[1]) - math.log(domain[0])) if log else
                 (v - domain[0]) / (domain[1] - domain[0]) for v in values]
        assert all(0 <= p <= 1 + 1e-9 for p in place)
        gaps = [(b - a) * width for a, b in zip(place, place[1:])]
        assert min(gaps) >= 1.5 * _common._text_width("100%") + 14 - 1e-6 or log and min(gaps) >= 40 - 1e-6


def test_heatmap_cell_labels_fit_their_cells(specs):
    for name in ("heatmap_sex_ethnicity_band_group", "heatmap_suppressed"):
        spec = specs[name][1]
        step = spec["width"]["step"]
        for r in main_rows(spec):
            assert all(_common._text_width(line, 11) <= step - 6 for line in r["text"].split("\n")), r["text"]
        assert all(r["text"] in ("suppressed", "fewer than\n8 staff") for r in main_rows(spec) if r["status"])
    # too narrow for words: a mark the legend explains
    assert _heatmap_cell(True, "suppressed: under 8, or protecting one", 40) == "*"
    assert _heatmap_cell(True, "fewer than 8 staff", 40) == "<8"


def _heatmap_cell(small, status, step):
    from workforce.charts._heatmap import _cell_text

    return _cell_text(small, status, float("nan"), float("nan"), 8, step)


def test_a_suppressed_rows_note_is_short_and_the_legend_gives_the_rule(results):
    vl_convert = pytest.importorskip("vl_convert")
    spec = charts.ratio_chart(workforce.suppress(results["representation_by"])).to_dict()
    suppressed = [r for r in main_rows(spec) if str(r["status"]).startswith("suppressed")]
    assert len(suppressed) >= 3
    svg = vl_convert.vegalite_to_svg(spec)
    drawn = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert drawn.count("suppressed") == len(suppressed)                          # beside each suppressed row
    assert drawn.count("suppressed: under 8, or protecting one") == 1             # once, in the legend


def test_funnel_names_the_organisations_outside_the_limits():
    frame = pd.DataFrame({"organisation": [f"Trust {c}" for c in "ABCDEF"], "status": "",
                          "position": ["above the 99.8% limit"] * 5 + ["within the 95% limits"]})
    noun = ("trust", "trusts")
    assert _funnel._funnel_title(frame, "BME", noun, "around 30%") == (
        "Trust A, Trust B, Trust C and 2 more trusts are above the 99.8% limit for BME staff around 30%")
    frame["position"] = ["below the 95% limit", "above the 95% limit"] + ["within the 95% limits"] * 4
    assert _funnel._funnel_title(frame, "BME", noun, "around 30%") == (
        "Trust A is below the 95% limit for BME staff around 30%, and Trust B is above it; no trust is outside the "
        "99.8% limits")
    frame["position"] = "within the 95% limits"
    assert _funnel._funnel_title(frame, "BME", noun, "around 30%") == (
        "No trust is outside the 95% limits for BME staff around 30%")


def test_funnel_with_one_benchmark_says_which(results, trusts):
    qk1 = workforce.population("QK1")
    organisations = list(dict.fromkeys(trusts.people["organisation"].astype(str)))
    spec = charts.funnel_chart(workforce.icb_view(trusts, {o: qk1 for o in organisations}, level="wres")).to_dict()
    subtitle = " ".join(spec["title"]["subtitle"])
    assert "each organisation's own area" not in subtitle
    assert "benchmark: NHS Leicester, Leicestershire and Rutland Integrated Care Board (E54000015)" in subtitle


def test_funnel_labels_go_where_no_line_passes():
    # a point with a line just above it and one just below: its label goes further away, clear of both
    lines = np.array([[x, y] for x in np.arange(0.0, 521.0, 2.0) for y in (92.0, 109.0)])
    chosen = _funnel._place_labels(np.array([[200.0, 100.0]]), [120.0], lines, (520, 340))
    box = _funnel._label_box(200.0, 100.0, 120.0, _funnel._CANDIDATES[chosen[0]])
    assert not _funnel._touches(lines, box, 1.0)
    # two points side by side: their labels do not overlap; near the right edge, a label goes to the left
    points = np.array([[100.0, 200.0], [110.0, 204.0], [510.0, 50.0]])
    chosen = _funnel._place_labels(points, [150.0, 150.0, 150.0], np.empty((0, 2)), (520, 340))
    boxes = [_funnel._label_box(*p, 150.0, _funnel._CANDIDATES[c]) for p, c in zip(points, chosen)]
    a, b = boxes[0], boxes[1]
    assert not (a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3])
    assert boxes[2][1] <= 520 and boxes[2][0] >= 0


@pytest.mark.parametrize("name", ["funnel_bme", "funnel_own_areas"])
def test_funnel_labels_are_clear_of_the_lines_in_the_spec(specs, name):
    """Recomputed from the specification: the scales, the curves' data and each label's place."""
    spec = specs[name][1]
    width, height = spec["width"], spec["height"]
    point = next(layer for layer in spec["layer"] if mark_type(layer) == "point")["encoding"]
    log = point["x"]["scale"].get("type") == "log"
    (x0, x1), (y0, y1) = point["x"]["scale"]["domain"], point["y"]["scale"]["domain"]
    f = math.log if log else float

    def px(x, y):
        return ((f(x) - f(x0)) / (f(x1) - f(x0)) * width, height - (f(y) - f(y0)) / (f(y1) - f(y0)) * height)

    curves = next(rows for rows in spec["datasets"].values() if rows and "organisation" not in rows[0])
    target = next(layer for layer in spec["layer"] if mark_type(layer) == "rule")["encoding"]["y"]["datum"]
    line_points = [px(x1 * t + x0 * (1 - t) if not log else x0 * (x1 / x0) ** t, target) for t in np.linspace(0, 1, 300)]
    for column in ("low_95", "high_95", "low_998", "high_998"):
        for a, b in zip(curves, curves[1:]):
            for t in np.linspace(0, 1, 12):
                x = a["x"] + (b["x"] - a["x"]) * t
                y = a[column] + (b[column] - a[column]) * t
                if y > 0:
                    line_points.append(px(x, y))
    boxes = []
    for r in funnel_points(spec):
        lx, ly = px(r["label_x"], r["label_y"])
        w = 6.0 * len(r["label"])   # 6 px a character at 11 px: Arial's mean for these names is 5.2 to 5.5 px
        left = {"left": lx, "right": lx - w, "center": lx - w / 2}[r["label_align"]]
        box = (left, left + w, ly - 6, ly + 6)
        boxes.append(box)
        assert 0 <= box[0] and box[1] <= width and 0 <= box[2] and box[3] <= height, r["label"]
        struck = [p for p in line_points if box[0] < p[0] < box[1] and box[2] < p[1] < box[3]]
        assert not struck, f"{r['label']} is struck through at {struck[:3]}"
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3])
