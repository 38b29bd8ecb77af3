"""The national (England) figure drawn beside each trust's relative likelihood on the WRES and WDES chart."""

from __future__ import annotations

import pytest

alt = pytest.importorskip("altair")

import workforce  # noqa: E402
from workforce import charts  # noqa: E402


def _layers(spec: dict) -> list[dict]:
    out, todo = [], [spec]
    while todo:
        node = todo.pop()
        out.append(node)
        todo.extend(node.get("layer", []))
    return out


def _mark(layer: dict) -> dict:
    mark = layer.get("mark")
    return mark if isinstance(mark, dict) else {"type": mark}


def _rows(spec: dict, layer: dict) -> list[dict]:
    name = (layer.get("data") or {}).get("name")
    return spec["datasets"][name] if name else []


@pytest.fixture(scope="module")
def wres_result(soar):
    s = workforce.sample_data
    return workforce.wres(soar, recruitment=workforce.load_recruitment(s("soar_valley_recruitment_2024-25.xlsx")),
                          disciplinary=workforce.load_disciplinary(s("soar_valley_disciplinary_2024-25.xlsx"),
                                                                   like=soar))


def test_each_drawn_relative_likelihood_has_a_diamond_at_the_national_value(wres_result):
    spec = charts.likelihood_chart(wres_result).to_dict()
    diamonds = [layer for layer in _layers(spec) if _mark(layer).get("shape") == "diamond"]
    assert len(diamonds) == 1
    (layer,) = diamonds
    assert layer["encoding"]["x"]["field"] == "national_value"
    table = wres_result.table.set_index("indicator")
    drawn = table[(table["unit"] == "relative likelihood") & table["value"].notna() & table["national_value"].notna()]
    rows = _rows(spec, layer)
    assert sorted(r["national_value"] for r in rows) == pytest.approx(sorted(drawn["national_value"]))
    # the year in the tooltip and the subtitle (a label on the chart sat on the next row's interval)
    assert {r["national_label"] for r in rows} == {f"England {int(y)}" for y in drawn["national_year"]}
    titles = {t.get("title") for t in layer["encoding"]["tooltip"]}
    assert {"England", "Source"} <= titles
    subtitle = " ".join(spec["title"]["subtitle"])
    assert "Black diamond: England's figure" in subtitle and "secondary" in subtitle
    for value, year in zip(drawn["national_value"], drawn["national_year"]):
        assert f"{value:.2f} in {int(year)}" in subtitle
    assert "England" in spec["description"]


def test_the_axis_reaches_the_national_value():
    """A national figure far from the trust's interval stays on the axis."""
    result = workforce.wres(workforce.load_staff(workforce.sample_data("soar_valley_staff_in_post_2025-03-31.xlsx")),
                            recruitment=workforce.load_recruitment(workforce.sample_data(
                                "soar_valley_recruitment_2024-25.xlsx")))
    table = result.table.copy()
    table.loc[table["indicator"] == 2, "national_value"] = 3.9
    spec = charts.likelihood_chart(result.with_table(table)).to_dict()
    domain = next(layer for layer in _layers(spec) if _mark(layer).get("type") == "rect")["encoding"]["x"]["scale"]["domain"]
    assert domain[0] <= 0.8 and domain[1] >= 3.9


def test_no_diamond_without_a_national_figure(soar, wres_result):
    gaps = charts.likelihood_chart(workforce.progression_gaps(soar)).to_dict()
    assert not [layer for layer in _layers(gaps) if _mark(layer).get("shape") == "diamond"]
    assert "England" not in " ".join(gaps["title"]["subtitle"])
    table = wres_result.table.assign(national_value=float("nan"), national_year=None, national_source="")
    spec = charts.likelihood_chart(wres_result.with_table(table)).to_dict()
    assert not [layer for layer in _layers(spec) if _mark(layer).get("shape") == "diamond"]


def test_the_trust_is_drawn_against_englands_series(wres_result):
    """national_chart: England's WRES 2 by year (hollow where from a report of the release), the trust's diamond."""
    england = workforce.national_series("WRES", 2)
    spec = charts.national_chart(wres_result, indicator=2).to_dict()
    title = " ".join(spec["title"]["text"])
    value = wres_result.table.loc[wres_result.table["indicator"] == 2, "value"].iloc[0]
    assert f"is {value:.2f} here in 2025" in title and f"England's was {england['value'].iloc[-1]:.2f}" in title
    rows = [r for layer in _layers(spec) for r in _rows(spec, layer)]
    nationals = [r for r in rows if r.get("who") == "England"]
    assert sorted({r["year"] for r in nationals}) == england["year"].tolist()   # line and points: one dataset
    assert {r["source"] for r in nationals} == {"NHS England's release", "a report of it"}
    assert {round(r["value"], 6) for r in rows if r.get("who") == "This trust"} == {round(value, 6)}
    assert "http" not in str(spec["datasets"])      # the chart embeds what it draws: no page addresses


def test_no_trust_figure_is_nothing_to_draw(soar):
    with pytest.raises(workforce.WorkforceError, match="nothing to draw"):
        charts.national_chart(workforce.wres(soar), indicator=2)      # no recruitment given
    with pytest.raises(workforce.WorkforceError, match="not a relative likelihood"):
        charts.national_chart(workforce.wres(soar), indicator=1)
