"""The declarative schemas and the pandera schemas built from them."""

from __future__ import annotations

import pandas as pd
import pytest

from workforce.errors import SchemaDefinitionError
from workforce.load import read_schema, schema_names


def test_shipped_schemas_all_parse_and_build_pandera_schemas():
    assert {"staff_in_post", "recruitment", "disciplinary", "training", "board", "population"} <= set(schema_names())
    for name in schema_names():
        schema = read_schema(name)
        assert schema.required, name
        assert all(c.description or c.aliases for c in schema.columns.values())
        assert set(schema.to_pandera().columns) == set(schema.columns)


def test_headers_match_ignoring_case_spaces_and_punctuation():
    schema = read_schema()
    for header in ["Ethnic Origin", "ETHNIC_ORIGIN", " ethnic-origin ", "Ethnicity"]:
        assert schema.column_for_header(header) == "ethnic_origin"
    assert schema.column_for_header("Contracted W.T.E.") == "fte"
    assert schema.column_for_header("Favourite Colour") is None


def test_every_identifier_column_is_protected():
    schema = read_schema()
    for name in ["employee_number", "assignment_number", "first_name", "last_name", "full_name", "ni_number",
                 "address", "postcode", "date_of_birth"]:
        assert schema.columns[name].privacy in ("pseudonymise", "drop"), name


def test_user_file_adds_aliases_and_replaces_settings(tmp_path):
    extra = tmp_path / "local.yaml"
    extra.write_text("columns:\n  fte:\n    aliases: [Hours Ratio]\n    max: 2\n  badge_colour:\n    aliases: [Badge]\n")
    schema = read_schema("staff_in_post", extra=extra)
    assert schema.column_for_header("Hours Ratio") == "fte"
    assert schema.column_for_header("Contracted WTE") == "fte"  # shipped aliases kept
    assert schema.columns["fte"].max == 2 and schema.columns["fte"].min == 0
    assert schema.columns["badge_colour"].type == "text"
    assert schema.sources[-1] == str(extra)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("columns:\n  fte:\n    type: decimal\n", "type 'decimal' is not one of"),
        ("columns:\n  fte:\n    colour: red\n", "unknown setting"),
        ("columns:\n  ethnic_origin:\n    normaliser: ethnic\n", "normaliser 'ethnic' is not one of"),
        ("colums:\n  fte: {}\n", "unknown top-level key"),
        ("columns: [\n", "not valid YAML"),
    ],
)
def test_bad_schema_files_say_what_is_valid(tmp_path, text, message):
    extra = tmp_path / "bad.yaml"
    extra.write_text(text)
    with pytest.raises(SchemaDefinitionError, match=message):
        read_schema("staff_in_post", extra=extra)


def test_unknown_schema_name_lists_the_shipped_ones():
    with pytest.raises(SchemaDefinitionError, match="shipped schemas are"):
        read_schema("staff_in_pots")


def test_pandera_schema_checks_ranges_and_blanks():
    import pandera.errors

    schema = read_schema().to_pandera(present=["fte", "band", "ethnic_origin"])
    frame = pd.DataFrame({"fte": [0.5, 2.0], "band": pd.Series(["Band 5", None], dtype="str"),
                          "ethnic_origin": pd.Series([None, "A"], dtype="str")})
    with pytest.raises(pandera.errors.SchemaErrors) as err:
        schema.validate(frame, lazy=True)
    cases = err.value.failure_cases
    assert set(zip(cases["column"], cases["index"])) == {("fte", 1), ("band", 1)}  # blank ethnicity is allowed
