"""The board pack: every finding as a chart, a table and a few words, in one folder.

:func:`build_pack` loads the staff, computes the findings, suppresses small
counts, draws the charts *from the suppressed results* and writes into ``out``
(with several organisations: first the organisations compared against their
benchmarks in a funnel plot, then a part for each organisation):

* ``index.html``: one self-contained page (Vega, Vega-Lite and vega-embed
  inlined once, each chart's specification embedded as JSON, no network host);
* ``charts/NAME.svg`` and ``charts/NAME.png`` for every chart (vl-convert, in
  two worker processes that render each chart as soon as it is drawn, see
  :mod:`workforce.publish._render`);
* ``tables.xlsx``: one sheet per published (suppressed) table and a ``Notes``
  sheet; no cell can be read as a formula;
* ``manifest.json``: inputs with their SHA-256, options, versions, the
  benchmark, the suppression rule and the time.

The page and the workbook are written by :mod:`workforce.publish._page`.

Decisions
---------
* Everything is written into a temporary folder beside ``out`` and renamed
  into place at the end: a failure leaves ``out`` as it was (absent, or the
  previous pack).
* ``out`` may be absent, an empty folder, or a previous pack (a folder whose
  ``manifest.json`` says ``"kind": "workforce board pack"``), which is
  replaced.  Any other non-empty folder is refused, so no one's files are
  overwritten.
* WRES tables hold no counts, so :func:`workforce.suppress` refuses them;
  they are published as they are, after checking their source: where the
  progression-gap counts behind indicator 1 were suppressed, indicator 1's
  figures are blanked.  The Notes say so.
* Model Employer-style trajectories are suppressed by :func:`workforce.suppress`
  like every other table, with the counts their analysis declares (bands adding
  up to the 8a+ row); every figure of a band made from a suppressed count is
  blanked for all years.
* In the workbook a suppressed count is an empty cell with ``TRUE`` in its
  ``<count>_suppressed`` column (the table exactly as :func:`suppress`
  returns it); on the page it is shown as ``*``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from importlib import metadata
from pathlib import Path

import pandas as pd

from .. import _early_read
from .._result import Result
from .._version import __version__
from ..disclosure import DEFAULT_THRESHOLD, suppress
from ..errors import WorkforceError
from ._page import Section, write_page, write_workbook
from ._render import Renderer, vega_bundle

__all__ = ["build_pack", "PACK_KIND"]

#: The ``kind`` written in a pack's manifest; a folder holding it may be replaced by a new pack.
PACK_KIND = "workforce board pack"
_DEPENDENCIES = ("pandas", "numpy", "scipy", "altair", "vl-convert-python", "openpyxl", "pandera")


class _Progress:
    def __init__(self, enabled: bool, steps: int):
        self.enabled = enabled and sys.stderr.isatty()
        self.steps, self.done = steps, 0

    def step(self, words: str) -> None:
        self.done += 1
        if self.enabled:
            width = 24
            filled = int(width * self.done / self.steps)
            print(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.steps} {words:<40}",
                  end="" if self.done < self.steps else "\n", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the folder


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise WorkforceError(f"{out} is a file; give a folder for the board pack.")
    if out.is_dir() and any(out.iterdir()) and not _is_pack(out):
        raise WorkforceError(f"the folder {out} is not empty and is not a previous board pack; "
                             "give a new or empty folder (a previous pack is replaced).")


def _is_pack(folder: Path) -> bool:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("kind") == PACK_KIND
    except (OSError, ValueError, AttributeError):
        return False


def _move_into_place(tmp: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- the findings


def _any_suppressed(rows: pd.DataFrame) -> bool:
    flags = [c for c in rows.columns if c.endswith("_suppressed")]
    return bool(rows[flags].fillna(False).astype(bool).any(axis=None)) if len(rows) else False


def _standard_checked(result: Result, gaps: Result, standard: str) -> tuple[Result, str]:
    """A WRES or WDES table, indicator / metric 1 blanked where its source counts were suppressed.

    Indicator 1 is made from the counts at band 8a and above and of all AfC
    staff (each group and unknown): the same counts as the published
    progression-gap row "All AfC, relative likelihood, 8a and above".  Where
    any of them is suppressed there, indicator 1 is blanked.
    """
    table = result.table.copy()
    number = "indicator" if standard == "WRES" else "metric"
    gap = gaps.table
    source = gap[(gap["staff_category"].astype(str) == "All AfC") & (gap["measure"].astype(str) ==
                                                                       "relative likelihood")
                 & (gap["comparison"].astype(str) == "8a and above")]
    hidden = _any_suppressed(source)
    if hidden:
        one = table[number].astype(str) == "1"
        for column in ("white", "bme", "non_disabled", "disabled", "value", "ci_low", "ci_high"):
            if column in table:
                table[column] = pd.to_numeric(table[column], errors="coerce").mask(one)
        table["figure"] = table["figure"].astype(object).mask(one, "suppressed (small counts in its source)")
        note = (f"{standard} {number} 1 blanked: counts in its source (progression gaps, All AfC, 8a and above) "
                "were suppressed.")
    else:
        note = (f"{standard} table published as it is: it holds no counts; its source counts (progression gaps, "
                "All AfC, 8a and above) were checked and none was suppressed.")
    return result.with_table(table, **{"disclosure control": note}), note


#: Called with (name, spec) as soon as a chart is drawn: the pack starts rendering it while the other
#: findings are computed.
_ON_CHART: ContextVar = ContextVar("on_chart", default=None)


def _draw(section: Section, name: str, make) -> None:
    """Draw one chart; a chart that cannot be drawn is noted, not fatal."""
    from altair.utils.schemapi import debug_mode

    try:
        with debug_mode(False):   # the charts are validated in their tests; here validating would cost ~0.1 s each
            spec = make().to_dict(validate=False)
    except (WorkforceError, ValueError, KeyError, TypeError) as exc:
        section.notes.append(f"Chart '{name}' not drawn: {exc}")
        return
    spec.pop("$schema", None)
    section.charts[name] = spec
    on_chart = _ON_CHART.get()
    if on_chart is not None:
        on_chart(name, spec)


def _drawable_gaps(result: Result) -> Result:
    """Progression gaps without the rows whose counts are suppressed (the chart cannot show them)."""
    table = result.table
    flags = [c for c in table.columns if c.endswith("_suppressed")]
    keep = ~table[flags].fillna(False).astype(bool).any(axis=1)
    return result.with_table(table[keep].reset_index(drop=True))


def _pairs(items, organisations: list[str], what: str) -> dict[str, str]:
    """``[ORG=]VALUE`` items as {organisation: value}; a bare value needs exactly one organisation."""
    out: dict[str, str] = {}
    lower = {o.lower(): o for o in organisations}
    for item in items:
        org, sep, value = str(item).partition("=")
        if not sep or Path(str(item)).is_file():   # a bare value (a file name may hold "=")
            org, sep, value = "", "", str(item)
            if len(organisations) != 1:
                value_word = "FILE" if what.endswith("file") else "CODE"
                raise WorkforceError(f"the staff files hold {len(organisations)} organisations, so give each "
                                     f"{what} as ORGANISATION={value_word}; the organisations are "
                                     f"{organisations}.")
            org = organisations[0]
        name = lower.get(org.strip().lower())
        if name is None:
            raise WorkforceError(f"{what} {item!r}: no staff for the organisation {org.strip()!r}; "
                                 f"the organisations are {organisations}.")
        if name in out:
            raise WorkforceError(f"two {what}s given for {name}.")
        out[name] = value.strip()
    return out


def _trust_benchmark(code: str):
    """A trust's catchment; where catchments are not shipped, its ICB (with the reason)."""
    from ..errors import PopulationError
    from ..populations import catchment_shares, population, trusts

    trust = trusts().get(code.strip().upper())
    if trust is None:
        return population(code), None   # not a trust code: raises with the valid options, or an area
    if catchment_shares() is not None:
        try:
            return population(trust.code), None
        except PopulationError:
            pass   # a trust with no catchment (not acute): its ICB below
    if not trust.icb_ods:
        raise PopulationError(f"{trust.code} ({trust.name}) has no catchment in the package and no ICB recorded; "
                              "give --area instead.")
    note = (f"{trust.name} ({trust.code}) is compared with its ICB, {trust.icb_name}: trust catchment shares are "
            "not shipped with the package (their licence could not be confirmed).")
    return population(trust.icb_ods), note


def _benchmarks(organisations: list[str], *, area=None, icb=None, trusts=()) -> tuple[dict, list[str]]:
    """Organisation -> population benchmark, and notes on how each was chosen."""
    from ..populations import population

    given = [name for name, value in (("--area", area), ("--icb", icb), ("--trust", trusts)) if value]
    if len(given) > 1:
        raise WorkforceError(f"give one of --area, --icb and --trust, not {' and '.join(given)}.")
    if area or icb:
        benchmark = population(area or icb)
        if icb and benchmark.area_type != "ICB":
            raise WorkforceError(f"--icb {icb!r} is not an ICB; see workforce.list_areas('ICB') for the ICBs, "
                                 "or use --area for any other area.")
        return {org: benchmark for org in organisations}, []
    if not trusts:
        return {}, []
    codes = _pairs(trusts, organisations, "trust code")
    missing = [o for o in organisations if o not in codes]
    if missing:
        raise WorkforceError(f"no trust code for {missing}: give one ORGANISATION=CODE per organisation.")
    out, notes = {}, []
    for org, code in codes.items():
        out[org], note = _trust_benchmark(code)
        notes += [note] if note else []
    return out, notes


def _tag(organisation: str | None) -> str:
    if organisation is None:
        return ""
    return "_" + "".join(ch if ch.isalnum() else "_" for ch in organisation.lower()).strip("_")


def _comparison(staff, benchmarks: dict, threshold: int, notes: list[str]) -> Section:
    """The organisations side by side against their benchmarks, with a funnel plot."""
    from .. import analysis, charts

    view = suppress(analysis.icb_view(staff, benchmarks), threshold=threshold)
    s = Section("comparison", "The organisations compared", view, {"organisations": view.table}, notes=list(notes))
    _draw(s, "funnel", lambda: charts.funnel_chart(view, min_size=threshold))
    return s


def _organisation_sections(staff, org: str | None, *, number: int, benchmark, inputs: dict, threshold: int,
                           notes: list[str]) -> list[Section]:
    """Every section for one organisation (``org`` None: the only one, no suffix on names).

    With several organisations, chart names end with the organisation's name
    and workbook sheets with its number (``ladder 2``: Excel allows 31
    characters), which the Notes sheet lists.
    """
    from .. import analysis, charts

    tag, label = _tag(org), (f" — {org}" if org else "")
    sheet = (lambda name: name) if org is None else (lambda name: f"{name} {number}")
    sections: list[Section] = []
    if benchmark is not None:   # each chart is drawn as soon as its table is ready, so that rendering starts early
        rep = suppress(analysis.representation(staff, benchmark), threshold=threshold)
        s = Section("representation" + tag, "Representation against the local population" + label, rep,
                     {sheet("representation"): rep.table}, notes=list(notes))
        _draw(s, "representation" + tag, lambda: charts.representation_chart(rep, min_size=threshold))
        rep_by = suppress(analysis.representation(staff, benchmark, by="band_group"), threshold=threshold)
        s.tables[sheet("representation_by_band")] = rep_by.table
        _draw(s, "ratio_by_band_group" + tag, lambda: charts.ratio_chart(rep_by, min_size=threshold))
        cross = suppress(analysis.representation(staff, benchmark, characteristic=("sex", "ethnicity"),
                                                  by="band_group"), threshold=threshold)
        s.tables[sheet("sex_ethnicity_by_band")] = cross.table
        _draw(s, "sex_ethnicity_by_band" + tag, lambda: charts.heatmap_chart(cross, min_size=threshold))
        ages = suppress(analysis.representation(staff, benchmark, characteristic="age_band"), threshold=threshold)
        s.tables[sheet("age_profile")] = ages.table
        _draw(s, "age_profile" + tag, lambda: charts.age_profile_chart(ages, min_size=threshold))
        sections.append(s)

    lad = suppress(analysis.ladder(staff), threshold=threshold)
    gaps = suppress(analysis.progression_gaps(staff), threshold=threshold)
    s = Section("ladder" + tag, "The pay ladder and progression gaps" + label, gaps,
                 {sheet("ladder"): lad.table, sheet("progression_gaps"): gaps.table})
    for category in ("Non-clinical", "Clinical"):
        _draw(s, f"ladder_{category.lower().replace('-', '_')}{tag}",
              lambda c=category: charts.ladder_chart(lad, staff_category=c, min_size=threshold))
    drawable = _drawable_gaps(gaps)
    if len(drawable.table) < len(gaps.table):
        s.notes.append(f"{len(gaps.table) - len(drawable.table)} progression-gap rows with suppressed counts are "
                       "in the table (shown as *) but not in the chart.")
    if len(drawable.table):
        _draw(s, "progression_gaps" + tag, lambda: charts.likelihood_chart(drawable, min_size=threshold))
    sections.append(s)

    for standard, characteristic in (("WRES", "ethnicity"), ("WDES", "disability")):
        make = analysis.wres if standard == "WRES" else analysis.wdes
        given = {k: v for k, v in inputs.items() if k != "training" or standard == "WRES"}
        if standard == "WRES":
            source_ladder, source_gaps = lad, gaps
        else:
            source_ladder = suppress(analysis.ladder(staff, characteristic=characteristic), threshold=threshold)
            source_gaps = suppress(analysis.progression_gaps(staff, characteristic=characteristic),
                                   threshold=threshold)
        w, note = _standard_checked(make(staff, **given), source_gaps, standard)
        key = standard.lower()
        s = Section(key + tag, ("Workforce Race Equality Standard" if standard == "WRES"
                                 else "Workforce Disability Equality Standard") + label, w,
                     {sheet(key): w.table}, notes=[note])
        if standard == "WDES":
            s.tables.update({sheet("wdes_ladder"): source_ladder.table,
                             sheet("wdes_progression_gaps"): source_gaps.table})
        estimated = (w.table["unit"].astype(str) == "relative likelihood") & pd.to_numeric(
            w.table["value"], errors="coerce").notna()
        if estimated.any():
            _draw(s, key + tag, lambda w=w: charts.likelihood_chart(w, min_size=threshold))
        else:
            s.notes.append(f"No {standard} relative likelihood could be worked out from the inputs given, "
                           f"so no {standard} chart.")
        sections.append(s)

    if pd.Series(staff.people["snapshot_date"]).nunique() >= 2:
        pr = suppress(analysis.promotion(staff), threshold=threshold)
        pr_band = suppress(analysis.promotion(staff, by="grade_group"), threshold=threshold)
        me = suppress(analysis.model_employer(staff), threshold=threshold)
        s = Section("promotion" + tag, "Promotion, leaving and the Model Employer-style trajectory" + label, pr,
                     {sheet("promotion"): pr.table, sheet("promotion_by_band_group"): pr_band.table,
                      sheet("model_employer"): me.table})
        _draw(s, "promotion" + tag, lambda: charts.promotion_chart(pr, min_size=threshold))
        _draw(s, "promotion_by_band_group" + tag, lambda: charts.promotion_chart(pr_band, min_size=threshold))
        _draw(s, "trajectory" + tag, lambda: charts.trajectory_chart(me, min_size=threshold))
        sections.append(s)
    return sections


def _findings(staff, *, benchmarks: dict, inputs: dict[str, dict], threshold: int,
              notes: list[str]) -> list[Section]:
    """Every section of the pack: the comparison (several organisations), then each organisation's."""
    organisations = sorted(staff.people["organisation"].dropna().astype(str).unique())
    sections: list[Section] = []
    if len(organisations) > 1 and benchmarks:
        sections.append(_comparison(staff, benchmarks, threshold, notes))
    for number, org in enumerate(organisations, start=1):
        one = staff if len(organisations) == 1 else staff.for_organisation(org)
        sections += _organisation_sections(one, None if len(organisations) == 1 else org, number=number,
                                           benchmark=benchmarks.get(org), inputs=inputs.get(org, {}),
                                           threshold=threshold, notes=notes)
    return sections


def _versions() -> dict[str, str]:
    out = {"workforce": __version__, "python": sys.version.split()[0]}
    for name in _DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


# ---------------------------------------------------------------- the pack


#: The other inputs a pack can take: name -> what it feeds.
INPUT_KINDS = {"recruitment": "WRES indicator 2 and WDES metric 2",
               "disciplinary": "WRES indicator 3 and WDES metric 3",
               "training": "WRES indicator 4",
               "board": "WRES indicator 9 and WDES metric 10"}


def _listed(value) -> list[str]:
    if value is None:
        return []
    return [str(value)] if isinstance(value, (str, os.PathLike)) else [str(v) for v in value]


def _import_the_rest() -> None:
    """Import what the checks, findings, charts and workbook need (about a second in a new process)."""
    import altair  # noqa: F401
    import openpyxl  # noqa: F401
    import pandera.errors  # noqa: F401
    import pandera.pandas as pa

    from .. import analysis, charts  # noqa: F401

    # pandera imports its checks on the first validation (a fifth of a second): do it now
    pa.DataFrameSchema({"n": pa.Column(int, pa.Check.ge(0))}).validate(pd.DataFrame({"n": [1]}))


def _read_benchmarks(*, area=None, icb=None, trusts=()) -> None:
    """Read the census tables behind the benchmarks (kept in memory), while the export is still being parsed."""
    from ..populations import population

    codes = [area or icb] if (area or icb) else [t.partition("=")[2] or t for t in trusts]
    for code in codes:
        try:
            _trust_benchmark(code) if trusts else population(code)
        except Exception:  # noqa: S112 - reported when the benchmarks are made, after the export is read
            continue


def build_pack(staff_files, *, out, area=None, icb=None, trusts=(), previous=(), recruitment=(), disciplinary=(),
               training=(), board=(), service=None, threshold: int = DEFAULT_THRESHOLD,
               progress: bool = True) -> Path:
    """Write the board pack for the staff in ``staff_files`` into the folder ``out``.

    Parameters
    ----------
    staff_files : path or list of paths
        The latest staff-in-post export(s), of one organisation or several
        (an ICB's trusts: the pack then opens with the organisations compared
        in a funnel plot, then a part for each organisation).
    out : path
        The folder to write: absent, empty, or a previous pack (replaced).
    area : str, optional
        One benchmark area for every organisation (see
        :func:`workforce.population`).
    icb : str, optional
        An ICB (ONS or ODS code, or name) as every organisation's benchmark.
    trusts : list of str, optional
        Each organisation's trust ODS code, as ``ORGANISATION=CODE`` (a bare
        code when there is one organisation): its catchment where the package
        has it, otherwise its ICB (the pack says so).  Give one of ``area``,
        ``icb`` and ``trusts``; with none, the representation part is left out.
    previous : list of paths
        Earlier snapshots, for promotion and the Model Employer-style trajectory.
    recruitment, disciplinary, training, board : path or list, optional
        The other inputs (:data:`INPUT_KINDS`), each a file, or
        ``ORGANISATION=FILE`` items when there are several organisations.
    service : path or Service, optional
        Narrow the staff to a service.
    threshold : int
        Counts from 1 to ``threshold - 1`` are suppressed.
    progress : bool
        Show a progress bar on stderr when it is a terminal.

    Returns
    -------
    pathlib.Path
        The pack's ``index.html``.
    """
    files = [Path(f) for f in _listed(staff_files)]
    previous = [Path(p) for p in _listed(previous)]
    others = {kind: _listed(value) for kind, value in (("recruitment", recruitment), ("disciplinary", disciplinary),
                                                       ("training", training), ("board", board))}
    if not files:
        raise WorkforceError("give at least one staff-in-post export.")
    if threshold < 1:
        raise WorkforceError(f"the threshold must be at least 1, not {threshold}.")
    inputs = [("staff", p) for p in files] + [("previous", p) for p in previous]
    for kind, items in others.items():
        inputs += [(kind, Path(item if Path(item).is_file() else item.partition("=")[2] or item))
                   for item in items]
    inputs += [("service", Path(service))] if isinstance(service, (str, os.PathLike)) else []
    for _, path in inputs:
        if not path.is_file():
            raise WorkforceError(f"no such file: {path}")
    out = Path(out)
    _check_out(out)
    steps = _Progress(progress, 7)
    _early_read.start([*previous, *files])   # parsed while the rest is imported (no-op if started already)
    pool = ThreadPoolExecutor(max_workers=1)
    imported = pool.submit(_import_the_rest)
    pool.submit(_read_benchmarks, area=area, icb=icb, trusts=_listed(trusts))
    # the chart workers start Vega once the imports are done: until then both cores are busy (parsing, imports)
    renderer = Renderer(start_after=imported.result)
    try:
        bundle = pool.submit(vega_bundle)   # cached on disk after the first pack
        return _build(bundle, renderer, files=files, previous=previous, others=others,
                      inputs=inputs, out=out, area=area, icb=icb, trusts=trusts, service=service,
                      threshold=threshold, steps=steps)
    except BaseException:
        renderer.cancel()
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _build(bundle, renderer, *, files, previous, others, inputs, out, area, icb, trusts, service, threshold,
           steps) -> Path:
    from ..load import load_staff

    staff = load_staff([*previous, *files], service=service)
    steps.step("staff loaded")
    organisations = sorted(staff.people["organisation"].dropna().astype(str).unique())
    benchmarks, notes = _benchmarks(organisations, area=area, icb=icb, trusts=_listed(trusts))
    per_org: dict[str, dict] = {org: {} for org in organisations}
    for kind, items in others.items():
        for org, path in _pairs(items, organisations, f"{kind} file").items():
            per_org[org][kind] = Path(path)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        charts_dir = tmp / "charts"
        charts_dir.mkdir()
        # each chart is rendered (SVG, PNG) by the worker processes as soon as it is drawn
        token = _ON_CHART.set(lambda name, spec: renderer.submit(charts_dir, name, spec))
        try:
            sections = _findings(staff, benchmarks=benchmarks, inputs=per_org, threshold=threshold, notes=notes)
        finally:
            _ON_CHART.reset(token)
        steps.step("findings computed and suppressed")
        specs = {name: spec for s in sections for name, spec in s.charts.items()}

        rule = (f"Counts from 1 to {threshold - 1} are suppressed; 0 is shown. Where one count of a margin (counts "
                "adding up to a published total, unknowns included) is suppressed, another non-zero count (or the "
                "total) is suppressed too, chosen so that the fewest other margins are left with a lone suppressed "
                "count, then the smallest, until nothing changes. Figures made from a suppressed "
                "count are blanked. Limits: margins within one table only.")
        notes = [("suppression rule", rule),
                 ("suppressed cells", "In this workbook a suppressed count is an empty cell with TRUE in its "
                                      "<count>_suppressed column; a blank figure was made from a suppressed count."),
                 ("charts", "Drawn from the suppressed tables: suppressed groups are hidden, groups with fewer "
                            f"than {threshold} staff are grey.")]
        if len(organisations) > 1:
            notes += [(f"organisation {i}", f"{org}: sheets ending in ' {i}'")
                      for i, org in enumerate(organisations, start=1)]
        sheets: dict[str, pd.DataFrame] = {}
        for s in sections:
            sheets.update(s.tables)
            notes.append((f"{s.key}: analysis", s.result.spec.title))
            for key in ("staff", "interval", "test", "correction"):
                if s.result.method.get(key):
                    notes.append((f"{s.key}: {key}", str(s.result.method[key])))
            for note in s.notes:
                notes.append((f"{s.key}: note", note))
        write_workbook(tmp / "tables.xlsx", sheets, notes)
        steps.step("tables.xlsx written")

        stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        footer = (f"Made by workforce {__version__} on {stamp}. {rule} Every person in the sample data is "
                  "fictional." if all("sample_data" in str(p) for _, p in inputs) else
                  f"Made by workforce {__version__} on {stamp}. {rule}")
        write_page(tmp / "index.html", sections, bundle.result(),
                    f"Workforce diversity board pack: {', '.join(organisations)}", footer)
        steps.step("index.html written")

        by_org = {org: b.provenance() for org, b in benchmarks.items()}
        distinct = {id(b) for b in benchmarks.values()}
        benchmark = (None if not by_org else next(iter(by_org.values())) if len(distinct) == 1
                     else {"by organisation": by_org})
        manifest = {
            "kind": PACK_KIND,
            "created": stamp,
            "inputs": [{"role": role, "path": str(p), "name": p.name, "bytes": p.stat().st_size,
                        "sha256": _sha256(p)} for role, p in inputs],
            "options": {"area": area, "icb": icb, "trusts": _listed(trusts), "threshold": threshold,
                        "service": str(service) if service else None, "previous": [str(p) for p in previous],
                        **others},
            "versions": _versions(),
            "benchmark": benchmark,
            "suppression": rule,
            "charts": sorted(specs),
            "tables": list(sheets),
            "notes": [n for s in sections for n in s.notes],
        }
        _write_manifest(tmp / "manifest.json", manifest)
        steps.step("manifest.json written")
        renderer.finish()
        steps.step("charts rendered (SVG, PNG)")
        _move_into_place(tmp, out)
    except BaseException:
        renderer.cancel()   # no chart may still be writing into the folder being removed
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    steps.step("done")
    return out / "index.html"


def _write_manifest(path: Path, manifest: dict) -> None:
    path.write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
