"""load_peer_counts: other organisations' aggregated counts, checked, with every problem named."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import sample
from workforce.errors import UnusableFileError
from workforce.load import PEER_COLUMNS, load_peer_counts

HEADER = ",".join(PEER_COLUMNS)


def _write(tmp_path, *rows: str):
    path = tmp_path / "peers.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


def test_the_sample_peers_are_read_as_counts():
    peers = load_peer_counts(sample("icb_peer_organisations_2025-03-31.csv"))
    assert list(peers.columns) == list(PEER_COLUMNS)
    assert str(peers["a_events"].dtype) == "Int64" and peers["snapshot_date"].notna().all()
    rl = peers[peers["measure"] == "8a and above"]
    assert (rl["a_events"] <= rl["a_total"]).all() and rl["b_total"].notna().all()
    assert peers["organisation"].nunique() >= 16


def test_a_share_needs_only_the_a_counts(tmp_path):
    peers = load_peer_counts(_write(tmp_path, "Trust X,2025-03-31,BME share at 8a and above,BME,20,100,,,"))
    assert peers.loc[0, "a_events"] == 20 and pd.isna(peers.loc[0, "b_events"])


def test_every_problem_is_named_with_its_row_column_and_value(tmp_path):
    path = _write(tmp_path, "Trust X,2025-03-31,8a and above,White,450,400,BME,30,60",
                  "Trust Y,not a date,8a and over,White,1.5,10,BME,,20")
    with pytest.raises(UnusableFileError) as caught:
        load_peer_counts(path)
    text = str(caught.value)
    assert "peers.csv" in text and "row 2: a_events is more than a_total" in text
    assert "row 3, column snapshot_date: 'not a date'" in text
    assert "row 3, column measure: '8a and over' is not one of the measures" in text
    assert "row 3, column a_events: '1.5' must be a whole number" in text
    assert "row 3: a relative likelihood needs all four counts" in text
    assert "8a and above; appointed from shortlisting" in text     # the fix lists the measures


def test_a_missing_column_or_file_is_said_plainly(tmp_path):
    bad = tmp_path / "peers.csv"
    bad.write_text("organisation,measure\nA,8a and above\n")
    with pytest.raises(UnusableFileError, match="snapshot_date, group_a"):
        load_peer_counts(bad)
    with pytest.raises(UnusableFileError, match="no such file"):
        load_peer_counts(tmp_path / "none.csv")
