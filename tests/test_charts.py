"""Tests for workforce.charts: one Altair chart per finding, made from Results."""

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
from workforce.charts import _funnel  # noqa: E402
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
    assert title["text"] in spec["description"]  # alt text states the finding too
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
    title = charts.representation_chart(result).to_dict()["title"]["text"]
    assert title.endswith("of Leicester's working-age population")


def test_ladder_title_never_states_a_figure_made_from_suppressed_counts(staff):
    import workforce
    from workforce import charts

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
    assert "suppressed" in charts.ladder_chart(result).to_dict()["title"]["text"]
    title = charts.ladder_chart(result, senior_share=0.1729).to_dict()["title"]["text"]
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
    assert specs["heatmap_sex_ethnicity_band_group"][1]["title"]["text"] == (
        f"In bands 8c+, White women and White men are {pct(share)} of staff against {pct(population)} of "
        "Leicester's working-age population")
    assert pct(share) == "93%" and pct(population) == "39%"


def test_heatmap_title_names_the_least_represented_group(staff):
    result = workforce.representation(staff, workforce.population("Leicester"), characteristic=("sex", "ethnicity"))
    t = pair_rows(result.table)
    under = t[(t["flag"] == "under-represented") & (t["staff_count"] >= 8)]
    row = under.loc[under["ratio"].idxmin()]
    assert row["group"] == "Male × Asian"
    assert charts.heatmap_chart(result).to_dict()["title"]["text"] == (
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
    assert len(small) == 14  # 8a-8b and 8c+: most groups other than White
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
    assert len(hidden) == 9  # 5 in bands 8a-8b, 4 in 8c+ (the audit hides one more there: zeros and a total pinned them)
    for key in zip(hidden["subgroup"], hidden["group"]):
        r = rows[key]
        assert r["status"] == "suppressed: under 8, or protecting one"   # the rule that hid it
        assert r["text"] == "suppressed:\nunder 8, or protecting one"
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
    assert spec["title"]["text"] == (
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
    assert "65+" not in spec["title"]["text"]  # ...but its population is mostly retired
    assert spec["title"]["text"].startswith(f"Staff aged 16-24 are under-represented: {pct(t.loc['16-24', 'staff_share'])}")
    assert spec["title"]["text"].endswith("of the population of England and Wales aged 16 and over")
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
        assert float(_funnel._binomial_limit([n], p, q)[0]) == pytest.approx(exact_limit(n, p, q), abs=1e-9)
    z = 3.090232  # and near the normal approximation for large n
    normal = p + z * math.sqrt(p * (1 - p) / n)
    assert float(_funnel._binomial_limit([n], p, 0.999)[0]) == pytest.approx(normal, abs=2 / n + 0.004)


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
    assert spec["title"]["text"] == (
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
    assert spec["title"]["text"] == ("1 of 3 trusts is below the 99.8% limit for BME staff against their own area's "
                                     "working-age population, and 2 are above it")
    x = next(layer["encoding"]["x"] for layer in spec["layer"] if mark_type(layer) == "point")
    assert x["scale"]["type"] == "log"
    rule = next(layer for layer in spec["layer"] if mark_type(layer) == "rule")
    assert rule["encoding"]["y"]["datum"] == 1.0


def test_funnel_default_group_and_errors(results):
    assert charts.funnel_chart(results["orgs_nhs5"]).to_dict()["title"]["text"].startswith(
        "No trust is outside the 99.8% limits for Asian staff")  # the largest group other than White
    spec = charts.funnel_chart(results["orgs_nhs5"], group="Black").to_dict()
    assert "for Black staff" in spec["title"]["text"]
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
    assert spec["title"]["text"].startswith("Both trusts are above the 99.8% limit")
    table = result.table.copy()
    table["staff_count_suppressed"] = table["subgroup"] == "Charnwood Community Health NHS Trust"
    spec = charts.funnel_chart(dataclasses.replace(result, table=table)).to_dict()
    assert "Charnwood Community Health NHS Trust" not in {r["organisation"] for r in funnel_points(spec)}
    assert "Not plotted: Charnwood Community Health NHS Trust (suppressed)" in " ".join(spec["title"]["subtitle"])
    assert spec["title"]["text"].startswith("Both trusts are above")
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


def test_ladder_chart_with_the_overall_share_suppressed():
    """A small organisation whose overall counts are suppressed: no overall rule, no figure in the title."""
    staff = workforce.load_staff(workforce.sample_data("rutland_vale_staff_in_post_2025-03-31.xlsx"))
    safe = workforce.suppress(workforce.ladder(staff), threshold=200)
    spec = charts.ladder_chart(safe, staff_category="Non-clinical", min_size=200).to_dict()
    title = " ".join(spec["title"]["text"]) if isinstance(spec["title"]["text"], list) else spec["title"]["text"]
    assert "suppressed" in title and "%" not in title
    assert "n suppressed" in spec["title"]["subtitle"][0]


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
    assert not raw["title"]["text"].startswith("NOT FOR PUBLICATION")
    spec = charts.ladder_chart(workforce.suppress(results["ladder"], threshold=None)).to_dict()
    assert spec["title"]["text"].startswith("NOT FOR PUBLICATION. ")
    assert spec["title"]["subtitle"][0] == "NOT FOR PUBLICATION: small numbers not suppressed"
    assert spec["description"].startswith("NOT FOR PUBLICATION")


def test_an_age_chart_in_esr_bands_never_headlines_the_retirement_bands():
    import workforce
    from workforce.charts import age_profile_chart

    staff = workforce.load_staff(workforce.sample_data("charnwood_staff_in_post_2025-03-31.csv"))
    result = workforce.representation(staff, workforce.population("Charnwood", ages="all"), characteristic="age")
    spec = age_profile_chart(result).to_dict()
    title = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]
    title = " ".join(title) if isinstance(title, list) else title
    assert ">=71" not in title and "66-70" not in title and "<=20" in title   # the gap that matters: the young
