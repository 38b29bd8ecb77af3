"""Every result's table matches the spec its analysis declares; results are recognised by their kind only."""

from __future__ import annotations

import pandas as pd
import pytest

import workforce
from workforce._result import Method, Result
from workforce._spec import DTYPES, Kind
from workforce.analysis import RESULT_SPECS, wdes_board, wres_board, wres_recruitment


@pytest.fixture(scope="module")
def results():
    sd = workforce.sample_data
    staff = workforce.load_staff([sd(f"soar_valley_staff_in_post_{y}-03-31.xlsx") for y in (2023, 2024, 2025)],
                                 pseudonym_key="spec tests")
    leicester = workforce.population("Leicester")
    recruitment = workforce.load_recruitment(sd("soar_valley_recruitment_2024-25.xlsx"))
    board = workforce.load_board(sd("soar_valley_board_2025-03-31.xlsx"))
    latest = staff.people[staff.people["snapshot_date"] == staff.people["snapshot_date"].max()]
    return [
        workforce.representation(staff, leicester),
        workforce.representation(staff, leicester, by="band_group", bounds=True),
        workforce.representation(staff, leicester, characteristic=("sex", "ethnicity")),
        workforce.icb_view(staff, {"Soar Valley Hospitals NHS Trust": leicester}),
        workforce.ladder(staff),
        workforce.ladder(staff, characteristic="disability"),
        workforce.progression_gaps(staff),
        workforce.movements(staff),
        workforce.promotion(staff),
        workforce.promotion(staff, by="grade_group"),
        workforce.adjusted_gap(staff),
        workforce.model_employer(staff),
        wres_recruitment(recruitment),
        wres_board(latest, board),
        wdes_board(latest, board),
        workforce.wres(staff, recruitment=recruitment, board=board),
        workforce.wdes(staff),
    ]


def test_every_result_table_matches_its_spec(results):
    for result in results:
        assert isinstance(result, Result) and isinstance(result.method, Method)
        assert list(result.table.columns) == result.spec.names, result.spec.kind
        result.spec.schema().validate(result.table)


def test_every_kind_has_one_spec_and_every_column_a_meaning():
    assert sorted(s.kind for s in RESULT_SPECS) == sorted(Kind)
    for spec in RESULT_SPECS:
        assert len(set(spec.names)) == len(spec.names)
        assert all(c.description and c.dtype in DTYPES for c in spec.columns), spec.kind
        assert spec.cells is not None or spec.source, f"{spec.kind}: no counts and no source named"


def test_count_declarations_name_real_columns():
    for spec in RESULT_SPECS:
        if spec.cells is None:
            continue
        known = set(spec.names) | set(spec.cells.hidden) | set(spec.cells.extra)
        for count, keys in spec.cells.counts.items():
            assert count in known and set(keys) <= known, (spec.kind, count)
        for derived in spec.cells.derived:
            assert set(derived.columns) <= set(spec.names) and set(derived.counts) <= set(spec.cells.counts)


def test_the_method_is_typed_and_records_the_version(results):
    for result in results:
        assert result.method.version == f"workforce {workforce.__version__}"
        assert all(isinstance(s, str) for s in result.method.snapshots)
    ladder = results[4]
    assert ladder.method.confidence == 0.95 and ladder.method.min_size == 10
    assert ladder.method["minimum group size"] == 10 and ladder.method["compared group"] == "BME"


def test_a_result_made_by_hand_is_recognised_by_its_spec_not_its_words(results):
    ladder = results[4]
    renamed = Result(table=ladder.table, spec=ladder.spec, method=Method(notes={"analysis": "something else"}))
    assert workforce.suppress(renamed).kind is Kind.LADDER


def test_results_without_counts_are_refused_with_their_source(results):
    with pytest.raises(workforce.WorkforceError, match="publish the WRES or WDES table"):
        workforce.suppress(results[12])
    with pytest.raises(workforce.WorkforceError, match="person-level"):
        workforce.suppress(results[7])


def test_to_excel_writes_the_column_definitions(results, tmp_path):
    path = results[0].to_excel(tmp_path / "r.xlsx")
    columns = pd.read_excel(path, sheet_name="Columns", engine="openpyxl")
    assert columns["column"].tolist() == results[0].spec.names


def test_one_characteristic_vocabulary(soar_valley):
    leicester = workforce.population("Leicester")
    for name in ("age", "age_band"):   # "age_band" is the older name, still accepted
        rep = workforce.representation(soar_valley, leicester, characteristic=name)
        assert set(rep.table["characteristic"]) == {"age"}
        assert set(workforce.ladder(soar_valley, characteristic=name).table["characteristic"]) == {"age"}
    for name in ("ethnicity", "sex"):
        assert set(workforce.representation(soar_valley, leicester, characteristic=name).table["characteristic"]) \
            == {name}
        assert set(workforce.ladder(soar_valley, characteristic=name).table["characteristic"]) == {name}
        assert set(workforce.promotion(soar_valley, characteristic=name).table["characteristic"]) == {name}
