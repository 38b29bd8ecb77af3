"""Aggregated counts of FICTIONAL peer NHS organisations, for pooled estimates and funnel plots.

A funnel plot needs many organisations (over-dispersion is only estimated from
15 or more), more than it is worth generating person by person.  This module
draws, for each of ``len(PEER_ORGANISATIONS)`` invented organisations, the
counts behind two relative likelihoods and one proportion, one row per
organisation and measure (the likelihood-counts layout of issue 15):

``8a and above``
    a = White staff at band 8a and above / White Agenda for Change staff of
    known ethnicity; b = the same for BME staff.  The relative likelihood
    (a rate ÷ b rate) is the progression gap: above 1, White staff are more
    likely to be senior.
``appointed from shortlisting``
    WRES indicator 2: a = White applicants appointed / shortlisted; b = BME.
``BME share at 8a and above``
    a proportion: a = BME staff at 8a and above / staff of known ethnicity at
    8a and above (the b columns are empty).  The same people as the first
    measure, counted the other way.

**Built-in truths.**  Each organisation's true relative likelihood is
``median × exp(N(0, PEER_LOG_SD))`` (genuine between-organisation variation:
over-dispersion), except two planted organisations whose truth is fixed:
``PEER_BETTER`` (relative likelihoods ``PEER_BETTER_RL``: no gap) and
``PEER_WORSE`` (``PEER_WORSE_RL``: a gap far wider than its peers').  The
counts are binomial draws around the truths, so a funnel plot with
over-dispersion should put the first below and the second above its 99.8%
limits, and nobody else far outside them.

Every name is invented; none is a real NHS organisation (a test checks them
against the ODS list shipped with the package).  Development tooling, not
part of the installed package.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

__all__ = [
    "PEER_BETTER", "PEER_BETTER_RL", "PEER_COLUMNS", "PEER_LOG_SD", "PEER_MEDIAN_RL", "PEER_ORGANISATIONS",
    "PEER_SEED", "PEER_WORSE", "PEER_WORSE_RL", "peer_organisations",
]  # fmt: skip

#: Invented organisations (rivers and hills of the East Midlands, names of no real trust).
PEER_ORGANISATIONS: tuple[str, ...] = (
    "Wreake Valley Hospitals NHS Trust", "Sence Valley Community Health NHS Trust",
    "Eyebrook Healthcare NHS Trust", "Welland Marches Hospitals NHS Foundation Trust",
    "Chater Vale Community NHS Trust", "Gwash Valley Hospitals NHS Trust", "Anker Heath Healthcare NHS Trust",
    "Mease Valley Hospitals NHS Foundation Trust", "Swift Vale Community Health NHS Trust",
    "Bradgate Moor Hospitals NHS Trust", "Nene Hollow Healthcare NHS Trust", "Idle Water Mental Health NHS Trust",
    "Ryton Fields Hospitals NHS Trust", "Witham Reach Community NHS Trust", "Dove Dale Hospitals NHS Foundation Trust",
    "Glen Brook Healthcare NHS Trust", "Trentmere University Hospitals NHS Trust",
    "Rothley Brook Community Health NHS Trust",
)  # fmt: skip
#: The organisation with no gap (clearly better than expected) and the one with a wide gap (clearly worse).
PEER_BETTER = "Trentmere University Hospitals NHS Trust"
PEER_WORSE = "Idle Water Mental Health NHS Trust"
#: Median true relative likelihood by measure, and the sd of its logarithm across organisations.
PEER_MEDIAN_RL = {"8a and above": 1.6, "appointed from shortlisting": 1.5}
PEER_LOG_SD = 0.2
PEER_BETTER_RL = {"8a and above": 0.5, "appointed from shortlisting": 0.5}
PEER_WORSE_RL = {"8a and above": 4.0, "appointed from shortlisting": 4.0}
PEER_SEED = 20250331
#: Columns of the file, in order.
PEER_COLUMNS = ("organisation", "snapshot_date", "measure", "group_a", "a_events", "a_total", "group_b", "b_events",
                "b_total")  # fmt: skip


def peer_organisations(when: date = date(2025, 3, 31), *, seed: int = PEER_SEED) -> pd.DataFrame:
    """One row per organisation and measure: the counts of ``PEER_ORGANISATIONS`` (see the module docstring).

    Sizes run from 800 to 15,000 staff (evenly on a log scale, in a shuffled
    order; the planted organisations are the sixth and fourth largest); the share of BME staff, the White staff's rate at 8a and above and
    the White applicants' appointment rate vary by organisation.

    Examples
    --------
    >>> peers = peer_organisations()
    >>> peers["organisation"].nunique(), sorted(peers["measure"].unique())
    (18, ['8a and above', 'BME share at 8a and above', 'appointed from shortlisting'])
    >>> bool((peers["a_events"] <= peers["a_total"]).all())
    True
    """
    rng = np.random.default_rng(seed)
    k = len(PEER_ORGANISATIONS)
    sizes = np.round(800 * (15000 / 800) ** (np.arange(k) / (k - 1)), -1).astype(int)  # smallest first
    planted = [PEER_ORGANISATIONS.index(PEER_BETTER), PEER_ORGANISATIONS.index(PEER_WORSE)]
    others = [i for i in range(k) if i not in planted]
    staff = np.empty(k, dtype=int)
    staff[planted] = sizes[[-6, -4]]  # large enough for the planted gaps to stand out clearly
    staff[others] = rng.permutation(np.delete(sizes, [k - 6, k - 4]))
    bme_share = rng.uniform(0.12, 0.45, k)
    white_senior = rng.uniform(0.06, 0.10, k)
    white_appointed = rng.uniform(0.22, 0.34, k)
    shortlisted_share = rng.uniform(0.30, 0.45, k)
    rl = {m: median * np.exp(rng.normal(0.0, PEER_LOG_SD, k)) for m, median in PEER_MEDIAN_RL.items()}
    for name, fixed in ((PEER_BETTER, PEER_BETTER_RL), (PEER_WORSE, PEER_WORSE_RL)):
        for m, value in fixed.items():
            rl[m][PEER_ORGANISATIONS.index(name)] = value
    known_afc = np.round(staff * 0.85 * 0.95).astype(int)  # Agenda for Change staff, 5% of ethnicity unknown
    bme = rng.binomial(known_afc, bme_share)
    white = known_afc - bme
    white_up = rng.binomial(white, white_senior)
    bme_up = rng.binomial(bme, white_senior / rl["8a and above"])
    short = np.round(staff * shortlisted_share).astype(int)
    short_bme = rng.binomial(short, np.minimum(0.9, bme_share * 1.3))
    short_white = short - short_bme
    appointed_white = rng.binomial(short_white, white_appointed)
    appointed_bme = rng.binomial(short_bme, white_appointed / rl["appointed from shortlisting"])
    missing = pd.array([pd.NA] * k, dtype="Int64")
    parts = [
        ("8a and above", "White", white_up, white, "BME", bme_up, bme),
        ("appointed from shortlisting", "White", appointed_white, short_white, "BME", appointed_bme, short_bme),
        ("BME share at 8a and above", "BME", bme_up, white_up + bme_up, "", missing, missing),
    ]
    frames = [
        pd.DataFrame({"organisation": PEER_ORGANISATIONS, "snapshot_date": pd.Timestamp(when), "measure": measure,
                      "group_a": group_a, "a_events": pd.array(a_events, dtype="Int64"),
                      "a_total": pd.array(a_total, dtype="Int64"), "group_b": group_b,
                      "b_events": pd.array(b_events, dtype="Int64"), "b_total": pd.array(b_total, dtype="Int64")})
        for measure, group_a, a_events, a_total, group_b, b_events, b_total in parts
    ]  # fmt: skip
    return pd.concat(frames, ignore_index=True)[list(PEER_COLUMNS)]
