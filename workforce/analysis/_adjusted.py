"""The adjusted gap: the odds ratio of promotion (or seniority) after allowing for other factors.

A raw gap in promotion rates can come from differences in where groups start:
BME staff are more often in bands where promotion is rarer, or in staff groups
with shorter ladders.  :func:`adjusted_gap` fits a logistic regression of the
outcome on the group (compared vs advantaged: BME vs White, Disabled vs
non-disabled, Female vs Male) with controls, and reports the group's odds
ratio with and without them.

The model is a scikit-learn :class:`~sklearn.pipeline.Pipeline`:

* a :class:`~sklearn.compose.ColumnTransformer`: the group as a 0/1 column
  (passed through, so its coefficient is the log odds ratio), categorical
  controls one-hot encoded with one reference level dropped (the most common
  level; a missing value is a level of its own, "(missing)"), numeric
  controls standardised;
* columns that are exact linear combinations of earlier ones dropped (for
  example the medical staff group, which the medical grades already
  identify), so the model is identified;
* :class:`~sklearn.linear_model.LogisticRegression` with no penalty (a
  maximum-likelihood fit; ``C=inf``, which is how scikit-learn 1.8 and later
  spell ``penalty=None``), solver lbfgs, a tight tolerance and up to 10,000
  iterations.

scikit-learn gives no standard errors, so they are computed here from the
observed information matrix at the fitted probabilities ``p``:
``cov = (X'WX)⁻¹`` with ``W = diag(p(1 − p))`` and ``X`` the design with an
intercept column.  The interval is the Wald interval ``exp(b ± z·se)`` and
the p-value the Wald z-test of ``b = 0``.  For the logit link the observed and
expected information are the same matrix.

Levels of a categorical control in which nobody (or everybody) had the outcome,
such as Band 9, VSM and Consultant for promotion (the top of a ladder), carry
no information about the group's odds ratio: the maximum-likelihood estimate
of such a level's coefficient is infinite, and the other estimates are those
of the model fitted without those rows.  They are therefore left out of the
adjusted fit, and counted in ``.method``.

Person-periods are treated as independent (a person present in two periods
counts twice); with yearly snapshots the correlation between a person's
periods is modest, but the intervals are then a little too narrow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from scipy import special

from .._result import Method, Result
from .._spec import Kind, ResultSpec, columns
from ..errors import WorkforceError
from ._progression import (
    _AT_RISK,
    _PROMOTED,
    _SENIOR,
    CHARACTERISTICS,
    SENIOR_GRADES,
    Characteristic,
    _bank,
    _grade_codes,
    _groups,
    _link,
    _movement_table,
    _people,
)
from ._stats import z_value

if TYPE_CHECKING:
    from ..load import StaffTable

__all__ = ["adjusted_gap", "ADJUSTED_COLUMNS", "PROMOTION_CONTROLS", "SENIOR_CONTROLS", "OUTCOMES"]

#: What ``adjusted_gap`` returns: the unadjusted and the adjusted model, one row each.
ADJUSTED_GAP = ResultSpec(
    kind=Kind.ADJUSTED_GAP,
    title="The gap adjusted for grade, staff group and other controls",
    columns=columns(
        ("model", "str", "unadjusted, or adjusted (with the controls)"),
        ("odds_ratio", "float64", "odds ratio of the outcome, compared group vs advantaged group (below 1: the "
                                  "compared group is less likely)"),
        ("ci_low", "float64", "lower limit of its Wald interval"),
        ("ci_high", "float64", "upper limit of its Wald interval"),
        ("p_value", "float64", "Wald z-test of log(odds ratio) = 0"),
        ("n", "int64", "rows in the fit (person-periods for promotion, people for senior)", "rows of the fit"),
        ("events", "int64", "rows with the outcome", "rows of the fit"),
        ("controls", "str", "the controls of the fit"),
    ),
    source="a model, not a table of counts: publish the counts behind it (promotion, ladder) instead",
)
#: Columns of ``adjusted_gap(...).table``, always in this order (see :data:`ADJUSTED_GAP`).
ADJUSTED_COLUMNS = ADJUSTED_GAP.names
#: Default controls for ``outcome="promotion"`` (columns of the movements table).  ``grade_start`` is
#: ``band_start`` with the medical grade for doctors, so doctors are compared with doctors of their grade.
PROMOTION_CONTROLS = ("grade_start", "staff_group", "fte", "service_years", "age_band", "sex", "organisation")
#: Default controls for ``outcome="senior"`` (columns of the people table); no grade, which is the outcome.
SENIOR_CONTROLS = ("staff_group", "fte", "service_years", "age_band", "sex", "organisation")
OUTCOMES = ("promotion", "senior")
#: What ``outcome=`` may be (the names in ``OUTCOMES``).
Outcome = Literal["promotion", "senior"]
_MISSING = "(missing)"
_SENIOR_PAY = ("Agenda for Change", "Very Senior Manager", "Medical and Dental")


def adjusted_gap(staff: StaffTable | pd.DataFrame, *, outcome: Outcome = "promotion",
                 characteristic: Characteristic = "ethnicity",
                 controls: Sequence[str] | None = None, confidence: float = 0.95,
                 include_bank: bool = False) -> Result:
    """The compared group's odds ratio of promotion (or of being senior), unadjusted and adjusted.

    Parameters
    ----------
    staff : StaffTable or pandas.DataFrame
        From :func:`workforce.load_staff`.  ``outcome="promotion"`` needs two
        or more snapshots loaded with one pseudonym key.
    outcome : {"promotion", "senior"}
        ``"promotion"``: promoted between consecutive snapshots, among the
        stayers whose grades can be compared (as in
        :func:`workforce.analysis._promotion.promotion`), one row per person-period.
        ``"senior"``: holding AfC band 8a or above (with VSM) or Consultant,
        among staff on AfC, VSM or medical pay (apprentice and local/spot pay
        left out) at each organisation's latest snapshot, one row per person.
    characteristic : {"ethnicity", "disability", "sex"}
        The group compared: BME vs White, Disabled vs non-disabled, Female vs
        Male.  People whose group is unknown (or sex Other) are left out and
        counted in ``.method``.
    controls : sequence of str, optional
        Columns of the movements table (promotion) or the people table
        (senior).  Numeric columns (``fte``, ``service_years``,
        ``grade_snapshots``) are standardised; the rest are categorical.
        Defaults: :data:`PROMOTION_CONTROLS` or :data:`SENIOR_CONTROLS`.  The
        characteristic itself is never a control.  Rows missing a numeric
        control are left out and counted.
    confidence : float
        Level of the Wald intervals.
    include_bank : bool
        Keep people whose only assignments are bank (left out by default).

    Returns
    -------
    Result
        ``.table`` has two rows, ``unadjusted`` (the group alone) and
        ``adjusted`` (with the controls), columns :data:`ADJUSTED_COLUMNS`:
        the odds ratio of the compared group vs the advantaged group (below 1:
        the compared group is less likely to have the outcome), its Wald
        interval and p-value, the rows and events in the fit, and the
        controls.  The adjusted fit leaves out the rows in levels of a
        control where nobody (or everybody) had the outcome, which carry no
        information about the odds ratio, so its ``n`` can be smaller.
        ``.method`` records the model, the reference levels, the columns
        dropped and the rows left out.

    Examples
    --------
    >>> from workforce import sample_data
    >>> from workforce import load_staff
    >>> files = [sample_data(f"soar_valley_staff_in_post_{year}-03-31.xlsx") for year in (2023, 2024, 2025)]
    >>> staff = load_staff(files, pseudonym_key="example key")
    >>> gap = adjusted_gap(staff).table.set_index("model")
    >>> bool(gap.loc["adjusted", "ci_high"] < 1)
    True
    """
    frame, y, info = _model_frame(staff, outcome, characteristic, controls, include_bank)
    categorical, numeric = info["categorical"], info["numeric"]
    z = z_value(confidence)
    rows, notes = [], {}
    raw = _fit(frame[["compared"]], y, [], [])
    rows.append(_row("unadjusted", raw, z, ""))
    kept, dropped = _informative(frame, y, categorical)
    fit = _fit(frame.loc[kept, ["compared", *categorical, *numeric]], y[kept], categorical, numeric)
    rows.append(_row("adjusted", fit, z, ", ".join(info["controls"])))
    notes["levels without variation"] = dropped
    table = pd.DataFrame(rows, columns=ADJUSTED_COLUMNS)
    return Result(table=table, spec=ADJUSTED_GAP, method=_method(info, fit, notes, confidence, outcome, include_bank))


# ---------------------------------------------------------------- data


def _model_frame(staff, outcome, characteristic, controls, include_bank):
    """The analysis rows: ``compared`` (0/1), the controls, the outcome ``y``, and what was left out."""
    if outcome not in OUTCOMES:
        raise WorkforceError(f"outcome must be one of {list(OUTCOMES)}, not {outcome!r}.")
    if characteristic not in CHARACTERISTICS:
        raise WorkforceError(f"characteristic must be one of {list(CHARACTERISTICS)}, not {characteristic!r}.")
    if controls is None:
        controls = PROMOTION_CONTROLS if outcome == "promotion" else SENIOR_CONTROLS
    elif isinstance(controls, str):
        controls = (controls,)
    column = CHARACTERISTICS[characteristic][0]
    controls = [c for c in dict.fromkeys(controls) if c != column and c != characteristic]
    info: dict = {"outcome": outcome, "characteristic": characteristic}
    people = _people(staff)
    if outcome == "promotion":
        links = _link(people)
        group, labels = _groups(people, characteristic)
        keep = np.isin(links.movement, _AT_RISK)
        if not include_bank:
            keep &= ~_bank(people)[links.attr]
        table = _movement_table(links)
        g = group[links.attr]
        y_all = links.movement == _PROMOTED
        info["rows"] = "person-periods of stayers with comparable grades (promoted, same band, moved down or " \
                       "changed pay system)"
    else:
        group, labels = _groups(people, characteristic)
        latest = people["snapshot_date"].groupby(people["organisation"], observed=True, dropna=False) \
            .transform("max").to_numpy() == people["snapshot_date"].to_numpy()
        pay = people["pay_system"].astype("str").to_numpy() if "pay_system" in people else np.full(len(people), "")
        keep = latest & np.isin(pay, _SENIOR_PAY)
        if not include_bank:
            keep &= ~_bank(people)
        grade = _grade_codes(people)
        y_all = (grade >= 0) & _SENIOR[np.maximum(grade, 0)]
        table = people
        g = group
        info["rows"] = "people on AfC, VSM or medical pay at each organisation's latest snapshot"
    missing = [c for c in controls if c not in table and not (c == "fte" and "fte_total" in table)]
    if missing:
        raise WorkforceError(f"unknown control(s) {missing}; controls are columns of the "
                             f"{'movements' if outcome == 'promotion' else 'people'} table, such as "
                             f"{list(PROMOTION_CONTROLS if outcome == 'promotion' else SENIOR_CONTROLS)}.")
    info["unknown group left out"] = int((keep & (g == 2)).sum())
    keep &= g < 2
    data = {"compared": (g == 1).astype(float)}
    categorical, numeric = [], []
    for c in controls:
        source = "fte_total" if (c == "fte" and outcome == "senior" and "fte_total" in table) else c
        values = table[source]
        if _is_numeric(values):
            data[c] = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            numeric.append(c)
        else:
            data[c] = _labels(values)
            categorical.append(c)
    missing_numeric = np.zeros(len(table), dtype=bool)
    for c in numeric:
        missing_numeric |= ~np.isfinite(data[c])
    info["missing numeric control left out"] = int((keep & missing_numeric).sum())
    keep &= ~missing_numeric
    frame = pd.DataFrame({k: v[keep] for k, v in data.items()})
    y = np.asarray(y_all[keep], dtype=float)
    if len(frame) == 0:
        raise WorkforceError("no rows to model: nobody with a known group and complete controls.")
    info.update(categorical=categorical, numeric=numeric, controls=controls, labels=labels,
                n_analysis=len(frame), events_analysis=int(y.sum()))
    return frame, y, info


def _is_numeric(values: pd.Series) -> bool:
    dtype = values.dtype
    return (not isinstance(dtype, pd.CategoricalDtype) and pd.api.types.is_numeric_dtype(dtype)
            and not pd.api.types.is_bool_dtype(dtype))


def _labels(values: pd.Series) -> np.ndarray:
    """Category labels as an object array, with missing values as a level of their own."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = np.append(np.asarray(values.cat.categories.astype(str), dtype=object), _MISSING)
        return cats[values.cat.codes.to_numpy()]  # code -1 picks the last entry, "(missing)"
    out = values.astype(object).to_numpy()
    out = np.where(pd.isna(out), _MISSING, out)
    return out.astype(str).astype(object)


def _informative(frame: pd.DataFrame, y: np.ndarray, categorical: list[str]):
    """Rows outside levels where everyone (or no one) had the outcome; the levels left out, with rows."""
    keep = np.ones(len(frame), dtype=bool)
    dropped: dict[str, dict[str, int]] = {}
    changed = True
    while changed:
        changed = False
        for c in categorical:
            values = frame[c].to_numpy()[keep]
            codes, levels = pd.factorize(values)
            n = np.bincount(codes, minlength=len(levels))
            events = np.bincount(codes, weights=y[keep], minlength=len(levels))
            flat = (events == 0) | (events == n)
            if flat.any():
                bad = np.zeros(len(frame), dtype=bool)
                bad[np.flatnonzero(keep)] = flat[codes]
                for level in np.asarray(levels)[flat]:
                    dropped.setdefault(c, {})[str(level)] = int(n[list(levels).index(level)])
                keep &= ~bad
                changed = True
    return keep, dropped


# ---------------------------------------------------------------- model


@dataclass
class _Fit:
    pipeline: object
    features: list[str]
    X: np.ndarray          # the design without the intercept, as fitted
    y: np.ndarray
    beta: np.ndarray       # intercept first
    cov: np.ndarray
    references: dict
    dropped_columns: list[str]
    estimable: str = ""

    @property
    def n(self) -> int:
        return len(self.y)

    @property
    def events(self) -> int:
        return int(self.y.sum())


def _no_penalty() -> dict:
    """No penalty: ``C=inf`` from scikit-learn 1.8 (``penalty=None`` is deprecated there), else ``penalty=None``."""
    import sklearn

    major, minor = (int(x) for x in sklearn.__version__.split(".")[:2])
    return {"C": np.inf} if (major, minor) >= (1, 8) else {"penalty": None}


def _design(categorical: list[str], numeric: list[str], frame: pd.DataFrame):
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    categories, references = [], {}
    for c in categorical:
        counts = pd.Series(frame[c]).value_counts(sort=True)
        levels = list(counts.index)  # most common first: the reference level
        references[c] = levels[0]
        categories.append(levels)
    parts = [("compared", "passthrough", ["compared"])]
    if categorical:
        parts.append(("categorical", OneHotEncoder(categories=categories, drop="first", sparse_output=False,
                                                   handle_unknown="error", dtype=float), categorical))
    if numeric:
        parts.append(("numeric", StandardScaler(), numeric))
    return ColumnTransformer(parts, remainder="drop", verbose_feature_names_out=False), references


def _independent(X: np.ndarray) -> np.ndarray:
    """Indices of the columns of ``X`` kept.

    Any column that is a linear combination of the intercept and earlier
    columns is dropped (greedy Gram-Schmidt on the cross-product matrix).
    """
    X1 = np.column_stack([np.ones(len(X)), X])
    gram = X1.T @ X1
    kept = [0]
    for j in range(1, X1.shape[1]):
        k = np.array(kept)
        g_kk = gram[np.ix_(k, k)]
        g_kj = gram[k, j]
        residual = gram[j, j] - g_kj @ np.linalg.solve(g_kk, g_kj)
        if residual > 1e-9 * max(gram[j, j], 1e-300):
            kept.append(j)
    return np.array(kept[1:], dtype=np.int64) - 1


def _fit(frame: pd.DataFrame, y: np.ndarray, categorical: list[str], numeric: list[str]) -> _Fit:
    """Fit the pipeline; the covariance of the coefficients from the observed information."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    if len(frame) == 0:
        return _Fit(None, [], np.zeros((0, 1)), y, np.full(1, np.nan), np.full((1, 1), np.nan), {}, [],
                    "no rows left once levels without variation are left out")
    design, references = _design(categorical, numeric, frame)
    X_all = design.fit_transform(frame)
    names = list(design.get_feature_names_out())
    keep = _independent(X_all)
    if len(keep) == 0 or keep[0] != 0:
        return _Fit(None, names, X_all, y, np.full(1, np.nan), np.full((1, 1), np.nan), references, [],
                    "the group column is constant (only one group) or fully explained by the controls")
    events = np.bincount(X_all[:, 0].astype(int), weights=y, minlength=2)
    sizes = np.bincount(X_all[:, 0].astype(int), minlength=2)
    if ((events == 0) | (events == sizes)).any():
        return _Fit(None, names, X_all, y, np.full(len(keep) + 1, np.nan), np.full((len(keep) + 1,) * 2, np.nan),
                    references, [names[j] for j in range(len(names)) if j not in set(keep)],
                    "a group has no events (or only events), so the odds ratio is 0 or infinite")
    model = LogisticRegression(**_no_penalty(), solver="lbfgs", max_iter=10_000, tol=1e-10)
    pipeline = Pipeline([("design", design),
                         ("independent", FunctionTransformer(np.take, kw_args={"indices": keep, "axis": 1})),
                         ("model", model)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # judged below by the score equations
        pipeline.fit(frame, y)
    X = X_all[:, keep]
    beta = np.concatenate([model.intercept_, model.coef_[0]])
    p = pipeline.predict_proba(frame)[:, 1]
    X1 = np.column_stack([np.ones(len(X)), X])
    information = X1.T @ (X1 * (p * (1 - p))[:, None])
    cov = np.linalg.inv(information)
    score = X1.T @ (y - p)
    step = cov @ score  # the Newton step left: tiny when the fit has converged
    if np.max(np.abs(step) / np.sqrt(np.diag(cov))) > 1e-3:
        raise WorkforceError("the logistic regression did not converge; try fewer controls.")
    return _Fit(pipeline, [names[j] for j in keep], X, y, beta, cov, references,
                [names[j] for j in range(len(names)) if j not in set(keep)])


def _row(name: str, fit: _Fit, z: float, controls: str) -> dict:
    if fit.estimable:
        return {"model": name, "odds_ratio": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
                "n": fit.n, "events": fit.events, "controls": controls}
    b, se = fit.beta[1], float(np.sqrt(fit.cov[1, 1]))
    return {"model": name, "odds_ratio": float(np.exp(b)), "ci_low": float(np.exp(b - z * se)),
            "ci_high": float(np.exp(b + z * se)), "p_value": float(2 * special.ndtr(-(abs(b) / se))),
            "n": fit.n, "events": fit.events, "controls": controls}


def _method(info, fit, notes, confidence, outcome, include_bank) -> Method:
    label_a, label_b = info["labels"]
    dropped = notes["levels without variation"]
    return Method(
        confidence=confidence,
        interval="Wald, standard errors from the observed information (X'WX)^-1 at the fitted probabilities",
        test="Wald z-test",
        bank="included" if include_bank else "people with only bank assignments left out",
        notes={
        "outcome": ("promoted between consecutive snapshots (a higher AfC band, VSM above band 9, or a higher "
                    "medical grade)" if outcome == "promotion" else
                    f"holding a senior grade ({', '.join(SENIOR_GRADES)}) at the latest snapshot"),
        "rows": info["rows"] + ("" if include_bank else "; people with only bank assignments left out"),
        "comparison": f"odds ratio of {label_b} vs {label_a} (below 1: {label_b} less likely)",
        "unknown group left out": info["unknown group left out"],
        "missing numeric control left out": info["missing numeric control left out"],
        "analysis rows": f"{info['n_analysis']} rows, {info['events_analysis']} events (the unadjusted fit)",
        "model": "scikit-learn Pipeline: ColumnTransformer (group 0/1 passed through; one-hot categorical controls "
                 "with the most common level as reference; standardised numeric controls), linearly dependent "
                 "columns dropped, LogisticRegression with no penalty (C=inf / penalty=None), lbfgs, tol 1e-10",
        "controls": ", ".join(info["controls"]) or "(none)",
        "reference levels": fit.references,
        "columns dropped as linear combinations of others": fit.dropped_columns,
        "levels without variation left out of the adjusted fit": dropped or "none",
        "independence": "person-periods treated as independent (a person in two periods counts twice)"
                        if outcome == "promotion" else "one row per person",
        "not estimable": fit.estimable or "",
        },
    )
