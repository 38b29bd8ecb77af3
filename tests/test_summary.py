"""The summary at the top of the board pack (workforce.publish._summary).

The tables here are made by hand with round figures, so each expected sentence can be checked by eye.
"""

from __future__ import annotations

import pandas as pd

from workforce.publish._summary import MAX_FINDINGS, findings


def representation(flags=("over-represented", "under-represented", "under-represented")) -> pd.DataFrame:
    return pd.DataFrame({
        "characteristic": ["ethnicity"] * 3, "group": ["White", "Asian", "Black"],
        "staff_count": [700, 200, 100], "staff_total": [1000] * 3, "staff_share": [0.7, 0.2, 0.1],
        "staff_share_ci_low": [0.671, 0.176, 0.083], "staff_share_ci_high": [0.728, 0.226, 0.12],
        "population_share": [0.5, 0.4, 0.1], "ratio": [1.4, 0.5, 0.99], "flag": list(flags)})


def gaps(value=2.5, date="2025-03-31", pool=0.3, senior=0.15) -> pd.DataFrame:
    return pd.DataFrame({
        "snapshot_date": [pd.Timestamp(date)], "staff_category": ["All AfC"], "measure": ["relative likelihood"],
        "comparison": ["8a and above"], "advantaged": ["White"], "compared": ["BME"], "value": [value],
        "ci_low": [2.0], "ci_high": [3.125], "state": ["estimated" if value == value else None],
        "compared_share_pool": [pool], "compared_share_senior": [senior]})


def test_one_organisation_in_the_order_a_board_reads():
    tables = {"representation": representation(), "progression_gaps": gaps(),
              "progression_gaps_previous": gaps(date="2024-03-31", pool=0.28, senior=0.15)}
    out = findings({None: tables}, area={None: "Leicester (E06000016)"})
    assert out == [
        # Asian: ratio 0.5 is the lowest of the under-represented groups (Black's 0.99 is nearer parity)
        "Asian staff are 20.0% of staff whose ethnicity is known (95% interval 17.6% to 22.6%; n = 1,000), against "
        "40.0% of Leicester's working-age population.",
        "White staff are 2.50 times as likely as BME staff to be at band 8a and above (95% interval 2.00 to 3.12); "
        "BME staff are 30.0% of Agenda for Change staff whose ethnicity is known, and 15.0% of those at band 8a and "
        "above.",
        "Between 31 March 2024 and 31 March 2025, the BME share of Agenda for Change staff whose ethnicity is known "
        "went from 28.0% to 30.0%, and at band 8a and above it stayed at 15.0%.",
    ]


def test_no_group_under_represented_is_said_so():
    flags = ("over-represented", "no evidence of a difference", "no evidence of a difference")
    out = findings({None: {"representation": representation(flags)}}, area={None: "Rutland"})
    assert out == ["No ethnic group of staff is under-represented against Rutland's working-age population."]


def test_a_suppressed_likelihood_is_not_guessed_and_goes_last():
    tables = {"progression_gaps": gaps(value=float("nan")), "representation": representation()}
    out = findings({None: tables}, area={None: "Leicester"})
    assert out[-1] == ("Whether White staff are more likely than BME staff to be at band 8a and above cannot be "
                       "said: withheld (small numbers).")
    assert len(out) == 2


def test_wres_relative_likelihoods_become_sentences():
    wres = pd.DataFrame({
        "indicator": [1, 2, 9], "value": [-18.3, 1.5, -10.0], "ci_low": [-21.0, 1.25, None],
        "ci_high": [-14.0, 1.8, None], "unit": ["percentage points", "relative likelihood",
                                                "percentage points (voting members)"],
        "figure": ["BME 34.9% ...", "1.50 (95% CI 1.25 to 1.80)", "board 20.0% against workforce 30.0%: -10.0 pp"],
        "wording": ["Percentage of staff in each of the AfC bands",
                    "Relative likelihood of White applicants being appointed from shortlisting compared to BME "
                    "applicants",
                    "Percentage difference between the organisation's board voting membership and its overall "
                    "workforce"]})
    out = findings({None: {"wres": wres}}, area={})
    assert out[0] == ("White applicants are 1.50 times as likely as BME applicants to be appointed from shortlisting "
                      "(95% interval 1.25 to 1.80; WRES indicator 2).")
    assert out[1] == ("The BME share of the board's voting members is 10.0 percentage points below the BME share of "
                      "the workforce (WRES indicator 9).")


def test_several_organisations_lead_with_the_funnel_and_cap_the_findings():
    funnel = {"title": {"text": ["Trust C is below the 95% limits for Asian staff"]}}
    tables = {f"Trust {c}": {"progression_gaps": gaps()} for c in "ABCDEFG"}
    out = findings(tables, area={}, funnel=funnel)
    assert out[0] == "Trust C is below the 95% limits for Asian staff."
    assert out[1].startswith("Trust A: White staff are 2.50 times as likely")
    assert len(out) == MAX_FINDINGS
