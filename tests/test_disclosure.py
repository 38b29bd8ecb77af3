"""Statistical disclosure control: primary and secondary suppression, blanking, sample data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workforce import Result
from workforce._result import Method
from workforce.analysis import LIKELIHOOD_INDICATOR, MOVEMENTS_SPEC, PROMOTION, REPRESENTATION
from workforce.disclosure import suppress
from workforce.disclosure._suppress import (
    Margin,
    Part,
    _cells,
    _margin_instances,
    suppress_counts,
)
from workforce.errors import WorkforceError

# ---------------------------------------------------------------- generic checks


def check_safe(original: pd.DataFrame, out: pd.DataFrame, cells, margins, threshold=8, spaces=None):
    """No published count is 1..threshold-1, and no margin has exactly one suppressed cell.

    A margin with exactly one suppressed cell lets it be recomputed as the total
    minus the published parts (or the total as the sum of the parts).  Exact
    margins are also checked to add up on the original table, so the
    declaration is right.
    """
    original = original.reset_index(drop=True)
    cell_of, values = _cells(original, cells, spaces or {})
    hidden = np.zeros(len(values), dtype=bool)
    for column in cells:
        flags = out[f"{column}_suppressed"].to_numpy(dtype=bool)
        hidden[cell_of[column][flags]] = True
        # the same cell is suppressed on every row that shows it
        assert not (np.isin(cell_of[column], cell_of[column][flags]) & ~flags).any(), column
        shown = out.loc[~flags, column]
        assert not shown.isna().any() or original.loc[~flags, column].isna().all()
        shown = shown.dropna().astype(int)
        assert not ((shown >= 1) & (shown < threshold)).any(), f"{column} shows a small count"
        assert out.loc[flags, column].isna().all()
        assert (shown == original.loc[shown.index, column].astype(int)).all()
    small = (values >= 1) & (values < threshold)
    assert hidden[small].all()
    checked = 0
    for margin in margins:
        for relation in _margin_instances(original, [margin], cell_of):
            parts, total = relation.parts, relation.total
            n_hidden = hidden[parts].sum() + hidden[total]
            if not margin.exact:   # parts add up to at most the total: a lone suppressed cell is not pinned
                continue
            assert n_hidden != 1, (f"margin of {margin.total.column}: one suppressed cell can be recomputed "
                                   f"(parts {values[parts]}, total {values[total]})")
            if margin.exact:
                assert values[parts].sum() == values[total], f"margin of {margin.total.column} does not add up"
            # recompute: total minus the published parts can never pin down a single hidden cell
            if hidden[total] == 0 and hidden[parts].sum() == 1:
                pytest.fail("recoverable")
            checked += 1
    return checked


def check_result(result: Result, safe: Result, threshold=8):
    kind = result.spec.cells
    work = result.table.reset_index(drop=True).copy()
    for name, make in {**kind.extra, **kind.hidden}.items():
        work[name] = make(work)
    full = suppress_counts(work, kind.counts, kind.margins, threshold=threshold, derived=kind.derived,
                           spaces=kind.spaces)
    n = check_safe(work, full, kind.counts, kind.margins, threshold, kind.spaces)
    if kind.recompute is not None:
        full = kind.recompute(full.drop(columns=[c for c in full.columns if c.startswith("_")]), result.method)
    published = [c for c in full.columns if c in safe.table.columns]
    pd.testing.assert_frame_equal(full[published], safe.table[published])
    # the same columns as before, plus one flag per published count, in a fixed order
    flags = [f"{c}_suppressed" for c in kind.counts if c not in kind.hidden]
    assert list(safe.table.columns) == list(result.table.columns) + flags
    for column in kind.counts:
        if column not in kind.hidden:
            assert str(safe.table[column].dtype) == "Int64"
    return n


# ---------------------------------------------------------------- hand-built tables


def test_primary_suppression_1_to_7_zero_and_8_kept():
    t = pd.DataFrame({"g": list("abcde"), "n": [0, 1, 7, 8, 100]})
    out = suppress_counts(t, {"n": ("g",)})
    assert out["n_suppressed"].tolist() == [False, True, True, False, False]
    assert out["n"].tolist() == [0, pd.NA, pd.NA, 8, 100]
    assert str(out["n"].dtype) == "Int64"
    assert t["n"].tolist() == [0, 1, 7, 8, 100]  # input unchanged


def test_threshold_is_configurable():
    t = pd.DataFrame({"g": list("abc"), "n": [8, 10, 11]})
    assert suppress_counts(t, {"n": ("g",)}, threshold=11)["n_suppressed"].tolist() == [True, True, False]
    with pytest.raises(WorkforceError):
        suppress_counts(t, {"n": ("g",)}, threshold=0)


def _one_margin(counts, total):
    t = pd.DataFrame({"g": [f"g{i}" for i in range(len(counts))], "n": counts, "total": total})
    cells = {"n": ("g",), "total": ()}
    margins = [Margin(Part("total"), (Part("n"),), ())]
    return t, cells, margins


def test_single_suppressed_cell_forces_the_smallest_other_nonzero():
    t, cells, margins = _one_margin([3, 20, 0, 40, 25], 88)
    out = suppress_counts(t, cells, margins)
    assert out["n_suppressed"].tolist() == [True, True, False, False, False]
    assert not out["total_suppressed"].any()
    check_safe(t, out, cells, margins)


def test_complementary_cell_chosen_to_stop_the_cascade():
    # margin one: a + b + c = T1; margin two: b + d + e = T2.  a (3) is small.  The smallest other cell
    # of margin one is b (10), but hiding b leaves margin two with a lone hidden cell, so d would follow;
    # c (12) belongs to no other margin, so hiding it ends the suppression there.
    t = pd.DataFrame({"cell": ["a", "b", "c", "d", "e", "T1", "T2"], "n": [3, 10, 12, 20, 30, 25, 60]})
    cells = {"n": ("cell",)}
    def cells_named(*names):
        return lambda x: x["cell"].isin(names)

    margins = [Margin(Part("n", cells_named("T1")), (Part("n", cells_named("a", "b", "c")),), ()),
               Margin(Part("n", cells_named("T2")), (Part("n", cells_named("b", "d", "e")),), ())]
    out = suppress_counts(t, cells, margins)
    assert out.loc[out["n_suppressed"], "cell"].tolist() == ["a", "c"]
    check_safe(t, out, cells, margins)


def test_sample_ladder_keeps_most_band_shares(soar):
    """On the sample trust the published ladder shows the shares of most bands (no long cascade)."""
    import workforce

    table = suppress(workforce.ladder(soar)).table
    bands = table[(table["rung_type"] == "band") & (table["group"] == "BME")]
    for category in ("Clinical", "Non-clinical"):
        shown = bands.loc[(bands["staff_category"] == category) & bands["share_of_known"].notna(), "rung"]
        assert set(map(str, shown)) >= {"3", "5", "6", "7"}, (category, sorted(map(str, shown)))


def test_two_small_cells_need_no_more():
    t, cells, margins = _one_margin([3, 5, 20, 40], 68)
    out = suppress_counts(t, cells, margins)
    assert out["n_suppressed"].tolist() == [True, True, False, False]
    check_safe(t, out, cells, margins)


def test_total_suppressed_when_nothing_else_is_left():
    # margin 1: a + b = 12 (a small, so b goes too); margin 2: b + c = 9 with c = 0, so its total goes
    t = pd.DataFrame({"cell": ["a", "b", "c"], "n": [3, 9, 0], "m": ["one", "one", "two"]})
    t["b_in_two"] = ["no", "yes", "yes"]
    totals = pd.DataFrame({"cell": ["T1", "T2"], "n": [12, 9], "m": ["one", "two"], "b_in_two": ["-", "-"]})
    table = pd.concat([t, totals], ignore_index=True)
    cells = {"n": ("cell",)}
    is_total = lambda x: x["cell"].isin(["T1", "T2"]).to_numpy()  # noqa: E731
    margins = [
        Margin(Part("n", lambda x: (x["cell"] == "T1").to_numpy()),
               (Part("n", lambda x: x["cell"].isin(["a", "b"]).to_numpy()),), ()),
        Margin(Part("n", lambda x: (x["cell"] == "T2").to_numpy()),
               (Part("n", lambda x: x["cell"].isin(["b", "c"]).to_numpy()),), ()),
    ]
    out = suppress_counts(table, cells, margins)
    assert dict(zip(table["cell"], out["n_suppressed"])) == {"a": True, "b": True, "c": False, "T1": False,
                                                             "T2": True}
    assert not is_total(table)[out["n_suppressed"].to_numpy() & ~is_total(table)].any()
    check_safe(table, out, cells, margins)


def _representation_like(counts, unknown, groups=("White", "Mixed", "Asian", "Black", "Other"), subgroup="All"):
    total = sum(counts)
    t = pd.DataFrame({
        "by": "all", "subgroup": subgroup, "characteristic": "ethnicity", "level": "nhs5", "group": list(groups),
        "staff_count": counts, "staff_total": total, "unknown_count": unknown,
    })
    t["staff_share"] = t["staff_count"] / t["staff_total"]
    t["unknown_share"] = t["unknown_count"] / (t["staff_total"] + t["unknown_count"])
    t["ratio"] = t["staff_share"] / 0.2
    t["shortfall"] = pd.array([0] * len(t), dtype="Int64")
    t["flag"] = pd.Categorical(["no evidence of a difference"] * len(t))
    return t


def test_cell_recoverable_through_the_unknown_count_is_protected():
    # only the unknown count is small: staff_total + unknown = all staff (unknown_share gives it away)
    t = _representation_like([100, 20, 30, 40, 50], 5)
    result = Result(table=t, spec=REPRESENTATION)
    safe = suppress(result)
    out = safe.table
    # all staff (known + unknown) is the total that goes with it: it is published only through the
    # unknown share, which is blanked; the groups and their total stay
    assert out["unknown_count_suppressed"].all() and not out["staff_total_suppressed"].any()
    assert not out["staff_count_suppressed"].any()
    assert out["unknown_share"].isna().all()
    assert out["staff_share"].notna().all()
    check_result(result, safe)


def test_cell_recoverable_through_the_total_is_protected():
    t = _representation_like([100, 3, 30, 40, 50], 0)
    result = Result(table=t, spec=REPRESENTATION)
    out = suppress(result).table
    assert out["staff_count_suppressed"].tolist() == [False, True, True, False, False]
    assert not out["staff_total_suppressed"].any() and not out["unknown_count_suppressed"].any()
    assert out["staff_share"].isna().tolist() == [False, True, True, False, False]
    assert out["ratio"].isna().tolist() == [False, True, True, False, False]
    assert out["shortfall"].isna().tolist() == [False, True, True, False, False]
    assert out["flag"].isna().tolist() == [False, True, True, False, False]
    assert out["unknown_count"].tolist() == [0] * 5 and out["unknown_share"].tolist() == [0.0] * 5
    check_result(result, suppress(result))


def _two_by_two(n: list[int]):
    """A 2 x 2 table (cells r1c1, r1c2, r2c1, r2c2) with row, column and grand totals, and its margins."""
    rows = pd.DataFrame({"r": ["r1", "r1", "r2", "r2"], "c": ["c1", "c2", "c1", "c2"], "n": n})
    rows["row_total"] = rows.groupby("r")["n"].transform("sum")
    rows["col_total"] = rows.groupby("c")["n"].transform("sum")
    rows["grand"] = rows["n"].sum()
    cells = {"n": ("r", "c"), "row_total": ("r",), "col_total": ("c",), "grand": ()}
    margins = [Margin(Part("row_total"), (Part("n"),), ("r",)), Margin(Part("col_total"), (Part("n"),), ("c",)),
               Margin(Part("grand"), (Part("row_total"),), ()), Margin(Part("grand"), (Part("col_total"),), ())]
    return rows, cells, margins


def test_chain_across_two_margins_converges():
    # a 2 x 2 table with row, column and grand totals: one small cell spreads to all four
    rows, cells, margins = _two_by_two([3, 20, 15, 30])
    out = suppress_counts(rows, cells, margins)
    assert out["n_suppressed"].all()
    assert not out[["row_total_suppressed", "col_total_suppressed", "grand_suppressed"]].any().any()
    assert check_safe(rows, out, cells, margins) == 2 + 2 + 1 + 1


def test_chain_with_a_small_total_spreads_to_the_grand_total():
    rows, cells, margins = _two_by_two([2, 3, 40, 50])
    out = suppress_counts(rows, cells, margins)
    # row total 5 is small: the grand total's margin then forces the other row total
    assert out["row_total_suppressed"].all()
    check_safe(rows, out, cells, margins)


def test_derived_within_a_family_blanks_relative_likelihoods():
    from workforce.analysis._promotion import PROMOTION_COLUMNS

    t = pd.DataFrame({c: np.nan for c in PROMOTION_COLUMNS}, index=range(3))
    t[["by", "subgroup", "characteristic"]] = ["all", "All staff", "ethnicity"]
    t["group"] = ["White", "BME", "Unknown"]
    t["stayers"], t["promoted"] = [500, 300, 20], [4, 30, 2]
    t["staff_now"] = [600, 400, 30]
    t["leavers"] = [60, 40, 3]
    t["at_start"] = t["stayers"] + t["leavers"]   # everyone at the start stayed or left
    t["senior_appointments"], t["senior_internal"], t["senior_external"] = [30, 10, 0], [20, 6, 0], [10, 4, 0]
    t["not_comparable"] = 0
    t["promotion_rl"] = [1.0, 1.2, np.nan]
    t["leaver_rl"] = [1.0, 1.0, np.nan]
    t["time_in_grade_mean"] = [3.0, 2.0, 1.0]
    t["promotion_rate"] = t["promoted"] / t["stayers"]
    result = Result(table=t, spec=PROMOTION)
    out = suppress(result).table
    # White's promoted count (4) is suppressed: BME's relative likelihood uses it, so it goes too
    assert out["promotion_rl"].isna().all()
    assert out["promotion_rate"].isna().tolist() == [True, False, True]
    # leavers: only Unknown's is small, which no relative likelihood uses
    assert out["leaver_rl"].notna().tolist() == [True, True, False]
    # senior appointments: BME internal 6 and external 4 are both small, so their total 10 can stay
    assert out["senior_internal_suppressed"].tolist() == [False, True, False]
    assert out["senior_external_suppressed"].tolist() == [False, True, False]
    assert not out["senior_appointments_suppressed"].any()
    assert out["time_in_grade_mean"].notna().all()
    check_result(result, suppress(result))


def test_unknown_kinds_and_wres_raise_clear_errors():
    with pytest.raises(WorkforceError, match="supports the results: .*ladder.*representation"):
        suppress(Result(table=pd.DataFrame({"x": [1]}), spec=MOVEMENTS_SPEC))
    with pytest.raises(WorkforceError, match="cannot be suppressed on its own: publish the WRES or WDES table"):
        suppress(Result(table=pd.DataFrame({"x": [1]}), spec=LIKELIHOOD_INDICATOR))
    with pytest.raises(WorkforceError, match="takes the Results of analyses"):
        suppress(pd.DataFrame({"x": [1]}))
    t = _representation_like([100, 3, 30, 40, 50], 0)
    once = suppress(Result(table=t, spec=REPRESENTATION))
    with pytest.raises(WorkforceError, match="already"):
        suppress(once)


def test_method_records_the_rule_and_the_original_is_unchanged():
    t = _representation_like([100, 3, 30, 40, 50], 0)
    result = Result(table=t, spec=REPRESENTATION, method=Method(notes={"alpha": 0.05}))
    safe = suppress(result, threshold=10)
    assert safe.method["disclosure threshold"] == 10
    assert "1 to 9" in safe.method["primary suppression"]
    assert "audit by integer programming" in safe.method["secondary suppression"]
    assert "staff_share" in safe.method["blanked"]
    assert safe.method["alpha"] == 0.05 and "disclosure threshold" not in result.method
    assert result.table["staff_count"].tolist() == [100, 3, 30, 40, 50]


def test_columns_are_fixed_whether_or_not_anything_is_suppressed():
    big = suppress(Result(table=_representation_like([100, 20, 30, 40, 50], 0),
                          spec=REPRESENTATION)).table
    small = suppress(Result(table=_representation_like([1, 2, 3, 4, 5], 6),
                            spec=REPRESENTATION)).table
    assert list(big.columns) == list(small.columns)
    assert big.dtypes.equals(small.dtypes)
    assert not big.filter(like="_suppressed").any().any()
    assert small[["staff_count", "unknown_count"]].isna().all().all()
    assert small["staff_total"].tolist() == [15] * 5  # 15 is safe to show once every part is hidden


# ---------------------------------------------------------------- sample data


def test_sample_representation_by_band_group(soar):
    from workforce import population, representation

    result = representation(soar, population("Leicester"), by="band_group")
    safe = suppress(result)
    assert check_result(result, safe) > 0
    assert safe.table["staff_count_suppressed"].any()
    for threshold in (5, 11, 50):
        check_result(result, suppress(result, threshold=threshold), threshold)


def test_sample_ladder(soar):
    from workforce import ladder

    result = ladder(soar)
    safe = suppress(result)
    assert check_result(result, safe) > 0
    assert safe.table["headcount_suppressed"].any()
    shown = safe.table[~safe.table["headcount_suppressed"]]
    assert (shown["headcount"] == 0).any()  # zeros stay


def test_sample_icb_view_and_progression_gaps():
    from workforce import icb_view, load_staff, population, progression_gaps, sample_data

    files = ["soar_valley_staff_in_post_2025-03-31.xlsx", "rutland_vale_staff_in_post_2025-03-31.xlsx"]
    staff = load_staff([sample_data(f) for f in files])
    view = icb_view(staff, {"Soar Valley Hospitals NHS Trust": population("Leicester"),
                            "Rutland Vale Healthcare NHS Trust": population("Rutland")})
    check_result(view, suppress(view))
    gaps = progression_gaps(staff)
    safe = suppress(gaps)
    check_result(gaps, safe)
    blank = safe.table["compared_senior_suppressed"]
    assert safe.table.loc[blank, "value"].isna().all()
    assert safe.table.loc[blank, "compared_rate"].isna().all()


def test_sample_promotion():
    from workforce import load_staff, sample_data
    from workforce.analysis._promotion import promotion

    files = [sample_data(f"soar_valley_staff_in_post_{year}-03-31.xlsx") for year in (2024, 2025)]
    staff = load_staff(files, pseudonym_key="example key")
    for by in (None, "grade_group"):
        result = promotion(staff, by=by)
        safe = suppress(result)
        check_result(result, safe)
        blank = safe.table["staff_now_suppressed"]
        assert safe.table.loc[blank, "time_in_grade_median"].isna().all()


def test_the_generic_check_catches_a_recoverable_cell():
    t, cells, margins = _one_margin([3, 20, 0, 40], 63)
    primary_only = suppress_counts(t, cells, [])
    with pytest.raises(AssertionError, match="recomputed"):
        check_safe(t, primary_only, cells, margins)


# ---------------------------------------------------------------- publications: several tables, links, the audit


def test_audit_refuses_a_publication_that_leaks(soar):
    """A hand-made leak: one suppressed count of a group's row put back, so its partner = total - the rest."""
    import workforce
    from workforce.disclosure import audit

    raw = workforce.representation(soar, workforce.population("Leicester"), by="band_group")
    safe = suppress(raw)
    assert audit(safe).passed and audit(safe).narrowest >= 8
    table = safe.table.copy()
    hidden = table.index[table["staff_count_suppressed"]]
    subgroup = table.loc[hidden[0], "subgroup"]
    mates = [i for i in hidden if table.loc[i, "subgroup"] == subgroup]
    assert len(mates) >= 2   # suppressed in pairs (at least)
    for i in mates[1:]:   # publish all but one: the last is total - the others
        table.loc[i, "staff_count"] = raw.table.loc[i, "staff_count"]
    report = audit(safe.with_table(table))
    assert not report.passed
    row = report.table[(report.table["column"] == "staff_count") & ~report.table["protected"]]
    assert (row["width"] == 0).any()   # pinned exactly
    assert "can be narrowed" in report.summary()


def test_thresholds_below_two_are_refused_and_none_is_marked(soar):
    import workforce

    result = workforce.ladder(soar)
    for bad in (1, 0, -3, True, 2.5):
        with pytest.raises(WorkforceError, match="at least 2"):
            suppress(result, threshold=bad)
    raw = suppress(result, threshold=None)
    assert raw.method["disclosure control"].startswith("NOT FOR PUBLICATION")
    assert not raw.table[[c for c in raw.table.columns if c.endswith("_suppressed")]].any().any()


def test_a_link_between_tables_protects_a_count_across_them(soar):
    """Band groups add up to All staff: the pair suppressed together hides more than each alone."""
    import workforce
    from workforce.disclosure import Link, Ref, audit

    staff = workforce.load_staff([workforce.sample_data(f"soar_valley_staff_in_post_{y}-03-31.xlsx")
                                  for y in (2024, 2025)])
    tables = {"all": workforce.promotion(staff), "bands": workforce.promotion(staff, by="grade_group")}
    links = [Link(Ref("all", c, ("characteristic", "group")), (Ref("bands", c, ("characteristic", "group")),))
             for c in ("promoted", "leavers", "stayers", "at_start")]
    alone = {name: suppress(result) for name, result in tables.items()}
    together = suppress(tables, links=links)
    assert not audit(alone, links=links).passed        # each safe alone, not together
    assert audit(together, links=links).passed
    flags = [c for c in together["bands"].table.columns if c.endswith("_suppressed")]
    assert together["bands"].table[flags].to_numpy().sum() >= alone["bands"].table[flags].to_numpy().sum()


def test_a_count_shown_on_one_row_is_known_to_the_audit(soar):
    """Progression gaps show one tier count as 'senior' on one row and as 'rest' (total - senior) on another."""
    import workforce
    from workforce.disclosure import audit

    service = soar.for_service(workforce.sample_data("talking_therapies_service.yaml"))
    safe = suppress(workforce.progression_gaps(service))
    assert audit(safe).passed


def test_adjusted_p_values_are_made_again_from_the_published_rows(soar):
    """Benjamini-Hochberg over the visible rows of each family only (statsmodels' fdr_bh as the reference)."""
    from statsmodels.stats.multitest import multipletests

    import workforce

    result = workforce.representation(soar, workforce.population("Leicester"), by="band_group")
    safe = suppress(result).table
    assert safe["staff_count_suppressed"].any()
    checked = 0
    for _, family in safe.groupby(["subgroup", "characteristic"]):
        shown = family[family["p_value"].notna()]
        if not len(shown):
            continue
        want = multipletests(shown["p_value"].to_numpy(float), method="fdr_bh")[1]
        assert shown["p_adjusted"].to_numpy(float) == pytest.approx(want, rel=1e-12)
        alpha = result.method["alpha"]
        tested = shown[shown["flag"].astype(str) != "insufficient data"]
        significant = tested["p_adjusted"] < alpha
        under = significant & (tested["staff_share"] < tested["population_share"])
        assert (tested.loc[under, "flag"].astype(str) == "under-represented").all()
        assert (tested.loc[~significant, "flag"].astype(str) == "no evidence of a difference").all()
        checked += 1
    assert checked
    # a family with a hidden row: its visible adjusted p-values differ from the unsuppressed ones
    hidden_families = safe.loc[safe["staff_count_suppressed"], "subgroup"].unique()
    raw = result.table.set_index(["subgroup", "group"])["p_adjusted"]
    out = safe.set_index(["subgroup", "group"])["p_adjusted"]
    shown = out[out.index.get_level_values(0).isin(hidden_families) & out.notna()]
    assert not np.allclose(shown.to_numpy(float), raw[shown.index].to_numpy(float))


def test_states_that_reveal_a_count_are_blanked_with_it(soar):
    """'estimated' means at least min_size: a state beside a suppressed count would pin it."""
    import workforce

    ladder = suppress(workforce.ladder(soar)).table
    hidden = ladder["rung_known_suppressed"]
    assert hidden.any() and ladder.loc[hidden, "state"].isna().all()
    assert ladder.loc[~hidden, "state"].notna().all()
    gaps = suppress(workforce.progression_gaps(soar)).table
    counts = ["advantaged_senior", "advantaged_total", "compared_senior", "compared_total"]
    blank = gaps[[f"{c}_suppressed" for c in counts]].any(axis=1)
    assert blank.any() and gaps.loc[blank, ["state", "reason"]].isna().all().all()


# ---------------------------------------------------------------- the engine's arrays, against plain loops


def _random_relations(seed: int, n_cells: int = 60, n_relations: int = 45):
    from workforce.disclosure._ranges import Relation

    rng = np.random.default_rng(seed)
    relations = []
    for _ in range(n_relations):
        parts = rng.choice(n_cells, size=int(rng.integers(1, 6)), replace=True)   # repeats: a cell counted once
        total = int(rng.integers(n_cells))
        relations.append(Relation(parts, total, bool(rng.random() < 0.8), bool(rng.random() < 0.3)))
    return rng, relations


def _components_by_union_find(unknown, relations):
    """Groups of unknown cells joined by relations, in order of their smallest cell, with their relations."""
    parent = {c: c for c in np.flatnonzero(unknown).tolist()}

    def find(c):
        while parent[c] != c:
            c = parent[c]
        return c

    for r in relations:
        cells = [int(c) for c in [*r.parts, r.total] if unknown[c]]
        for c in cells[1:]:
            parent[find(c)] = find(cells[0])
    groups: dict[int, list[int]] = {}
    for c in sorted(parent):
        groups.setdefault(find(c), []).append(c)
    touching = {}
    for i, r in enumerate(relations):
        cells = [int(c) for c in [*r.parts, r.total] if unknown[c]]
        if cells:
            touching.setdefault(find(cells[0]), []).append(i)
    return [(cells, touching.get(root, [])) for root, cells in groups.items()]


@pytest.mark.parametrize("seed", range(6))
def test_components_are_those_of_a_union_find(seed):
    from workforce.disclosure._ranges import _components

    rng, relations = _random_relations(seed)
    unknown = rng.random(60) < 0.35
    found = [(cells.tolist(), ids) for cells, ids in _components(unknown, relations)]
    assert found == _components_by_union_find(unknown, relations)


@pytest.mark.parametrize("seed", range(4))
def test_each_relation_is_written_once_per_cell_in_the_linear_system(seed):
    from workforce.disclosure._ranges import _components, _system

    rng, relations = _random_relations(seed)
    values = rng.integers(0, 30, 60).astype(float)
    unknown = rng.random(60) < 0.35
    for cells, ids in _components(unknown, relations):
        a, lb, ub = _system(cells, ids, values, unknown, relations)
        for row, i in enumerate(ids):   # total - sum(distinct parts other than the total), known cells moved over
            r = relations[i]
            terms = {int(c): -1.0 for c in set(r.parts.tolist()) if c != r.total} | {r.total: 1.0}
            expected = [terms.get(int(c), 0.0) for c in cells]
            known = sum(coef * values[c] for c, coef in terms.items() if not unknown[c])
            assert a[row].tolist() == expected
            assert lb[row] == -known and ub[row] == (-known if r.exact else np.inf)


def _secondary_by_sweeps(values, hidden, relations):
    """The margin rule as a plain sweep over every margin, round after round (see :func:`_secondary`)."""
    cells_of = [sorted({*r.parts.tolist(), r.total}) for r in relations]
    members: list[list[int]] = [[] for _ in values]
    for i, cells in enumerate(cells_of):
        for c in cells:
            members[c].append(i)

    def count(i):
        return sum(bool(hidden[c]) for c in cells_of[i])

    def cost(cell, here):
        return sum(1 if count(m) == 0 else -1 if count(m) == 1 else 0 for m in members[cell] if m != here)

    changed = True
    while changed:
        changed = False
        for i, r in enumerate(relations):
            if count(i) != 1:
                continue
            open_ = [c for c in sorted(set(r.parts.tolist())) if not hidden[c] and values[c] > 0 and c != r.total]
            total_open = not hidden[r.total] and values[r.total] > 0
            if not open_ and not total_open:
                continue
            best = min(open_, key=lambda c: (cost(c, i), values[c])) if open_ else None
            if total_open and (best is None or (r.prefer_total and cost(r.total, i) <= cost(best, i))):
                best = r.total
            hidden[best] = True
            changed = True
    return hidden


@pytest.mark.parametrize("seed", range(8))
def test_the_margin_rule_hides_what_a_sweep_over_every_margin_hides(seed):
    from workforce.disclosure._suppress import _secondary

    rng, relations = _random_relations(seed)
    values = rng.integers(0, 12, 60).astype(float)
    hidden = (values >= 1) & (values < 4)
    expected = _secondary_by_sweeps(values, hidden.copy(), relations)
    _secondary(values, hidden, relations)
    assert hidden.tolist() == expected.tolist()


def test_cells_of_count_columns_with_other_keys_are_matched_by_value():
    from workforce.disclosure._suppress import _stacked_ids

    t = pd.DataFrame({"a": pd.array(["x", "y", "x"], dtype="str"), "b": ["y", "z", "x"],
                      "c": pd.Categorical(["x", "x", "y"])})
    ids = _stacked_ids(t, [("a",), ("b",), ("c",)])
    # the values x, y, z, each one cell wherever it shows, numbered in order of first appearance
    assert ids.tolist() == [0, 1, 0, 1, 2, 0, 0, 0, 1]
    assert _stacked_ids(t, [("a", "c"), ("a", "c")]).tolist() == [0, 1, 2] * 2


def test_rows_selected_by_several_wheres_are_those_each_selects(soar):
    import workforce
    from workforce.disclosure._suppress import _select

    class AllOf:
        def __init__(self, *wheres):
            self.all_of = wheres

        def __call__(self, t):
            raise AssertionError("each of all_of is worked out on its own")

    table = workforce.ladder(soar).table
    band = lambda t: t["rung_type"].astype(str).eq("band").to_numpy()  # noqa: E731
    seven = lambda t: t["rung"].astype(str).isin(["7", "8a"]).to_numpy()  # noqa: E731
    memo: dict = {}
    both = _select(table, AllOf(band, seven), memo)
    assert both.tolist() == (band(table) & seven(table)).tolist() and both.any()
    assert _select(table, band, memo) is _select(table, band, memo)   # worked out once
