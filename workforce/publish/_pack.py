"""The board pack: every finding as a chart, a table and a few words, in one folder.

:func:`build_pack` takes loaded staff, benchmarks and inputs, runs the parts
the pack is made of (:mod:`workforce.publish._sections`: each computes its
results once, publishes them suppressed, and draws its charts from the
published results) and writes into ``out`` (with several organisations:
first the organisations compared against their benchmarks in a funnel plot,
then a part for each organisation):

* ``index.html``: one self-contained page (Vega, Vega-Lite and vega-embed
  inlined once, each chart's specification embedded as JSON, no network
  host);
* ``charts/NAME.svg`` and ``charts/NAME.png`` for every chart, drawn by the
  chart renderer it is given (:mod:`workforce.publish._render`: in this
  process by default, or in two worker processes beside the main work);
* ``tables.xlsx``: one sheet per published (suppressed) table and a ``Notes``
  sheet; no cell can be read as a formula;
* ``manifest.json``: inputs with their SHA-256, options, versions, the
  benchmark, the suppression rule and the time.
* ``slides.pptx``, if asked (``slides=True``): a slide per chart drawn
  (:mod:`workforce.publish._slides`; needs python-pptx).

The page and the workbook are written by :mod:`workforce.publish._page`.
Reading the files, and the command line's options, are the caller's
(:mod:`workforce.cli`).

Decisions
---------
* Everything is written into a temporary folder beside ``out`` and renamed
  into place at the end: a failure leaves ``out`` as it was (absent, or the
  previous pack).
* ``out`` may be absent, an empty folder, or a previous pack (a folder whose
  ``manifest.json`` says ``"kind": "workforce board pack"``), which is
  replaced.  Any other non-empty folder is refused, so no one's files are
  overwritten.
* Every table is computed before any is published: disclosure control runs
  once over all the tables of the pack (every organisation), with the links
  between them (:func:`workforce.publish._sections.pack_links`), and is
  audited from the published tables alone; a pack that fails the audit is
  not written.
* WRES and WDES tables hold no counts, so :func:`workforce.suppress` refuses
  them; they are published as they are, after checking their source: where
  the progression-gap counts behind indicator 1 were suppressed, indicator
  1's figures are blanked.  The Notes say so.
* One chart, or one organisation's part, never sinks the pack: a chart with
  nothing to draw (every figure suppressed or missing), or one that fails
  to be made or rendered, is left out, and the page (where the chart would
  be), the Notes sheet and the manifest (``charts left out``) say why, in
  one line; a part whose tables cannot be made is left out likewise, with
  the parts made from its tables.  Disclosure control and its audit are
  the whole pack's: their failure is the pack's.
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
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import charts
from .._display import day, sentence
from .._result import Result
from .._spec import Column, ResultSpec, columns
from .._version import __version__
from .._wording import either
from ..disclosure import (
    DEFAULT_THRESHOLD,
    Audit,
    Link,
    Ref,
    audit,
    check_rounding,
    check_threshold,
    round_counts,
    suppress,
)
from ..errors import WorkforceError
from ..load import InputTable, StaffTable, load_peer_counts
from ._folder import PACK_KIND, check_out, move_into_place, on_stop
from ._page import Figure, Section, how_measured, write_page, write_workbook
from ._quality import VALIDATION_COLUMNS, DataQuality
from ._render import NOTHING_TO_DRAW, ChartRenderer, InProcess, nothing_to_draw, vega_bundle
from ._sections import (
    ACROSS,
    COMPARISON,
    PARTS,
    SERIES_SNAPSHOTS,
    Context,
    Part,
    board_counts,
    check_parts,
    comparison_links,
    drawable,
    headline_counts,
    pack_links,
    same_periods,
    withheld_counts,
)
from ._slides import SLIDES_FILE, SlideText, check_slides, source_line, write_slides

if TYPE_CHECKING:
    from ..populations import Benchmark

__all__ = ["build_pack", "INPUT_KINDS", "DETAILED"]

#: Said on every page and sheet of a pack written without suppression.
NOT_FOR_PUBLICATION = "NOT FOR PUBLICATION"
#: The ``kind`` written in a pack's manifest; a folder holding it may be replaced by a new pack.
#: The other inputs a pack can take: kind -> what it feeds.
INPUT_KINDS = {"recruitment": "WRES indicator 2 and WDES metric 2",
               "disciplinary": "WRES indicator 3 and WDES metric 3",
               "training": "WRES indicator 4",
               "board": "WRES indicator 9 and WDES metric 10"}
#: The most organisations given their own parts by default (the others are in the comparison only).
DETAILED = 10
_DEPENDENCIES = ("pandas", "numpy", "scipy", "highspy", "altair", "vl-convert-python", "openpyxl", "pandera")


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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- running the parts


def _tag(organisation: str | None) -> str:
    if organisation is None:
        return ""
    return "_" + "".join(ch if ch.isalnum() else "_" for ch in organisation.lower()).strip("_")


def _one_line(exc: BaseException) -> str:
    """Why something could not be made, in one line: a workforce message as it is, else the error's type and text."""
    lines = str(exc).split("Stack backtrace")[0].strip().splitlines()
    text = lines[0].strip() if lines else ""
    if isinstance(exc, WorkforceError):
        return text.rstrip(".")
    return f"{type(exc).__name__}: {text}".strip().rstrip(":")


class _Runner:
    """Runs the parts of the pack: each result computed once, published, charted; charts rendered as drawn.

    ``sent``: the charts sent to the renderer; ``discarded``: those of a part
    that then failed, whose files are removed once rendering is done.
    """

    def __init__(self, renderer: ChartRenderer, charts_dir: Path) -> None:
        self.renderer, self.charts_dir = renderer, charts_dir
        self.sent: list[str] = []
        self.discarded: list[str] = []

    def run_or_leave_out(self, part: Part, context: Context, published: Mapping[str, Result], *,
                         organisation: str | None = None, number: int = 0, notes: Sequence[str] = ()) -> Section:
        """:meth:`run`, or, if it fails, the part left out with why (one organisation's part never sinks the pack)."""
        before = len(self.sent)
        try:
            return self.run(part, context, published, organisation=organisation, number=number, notes=notes)
        except Exception as exc:  # noqa: BLE001 - said in the pack: the rest of it is still written
            self.discarded += self.sent[before:]
            return left_out_part(part, organisation, _one_line(exc))

    def run(self, part: Part, context: Context, published: Mapping[str, Result], *,
            organisation: str | None = None, number: int = 0, notes: Sequence[str] = ()) -> Section:
        """One part for one organisation, from its tables as published (``organisation`` None: the only one).

        With several organisations, chart names end with the organisation's
        name and workbook sheets with its number (``ladder 2``: Excel allows
        31 characters), which the Notes sheet lists.
        """
        tag, label = _tag(organisation), (f" — {organisation}" if organisation else "")
        section = Section(part.key + tag, part.title + label, None, notes=list(notes), organisation=organisation)
        for table in part.tables:
            sheet = _sheet(table.name, organisation, number)
            shown = published[sheet]
            context.published[table.name] = shown = table.finish(shown) if table.finish else shown
            if shown.method.get("withheld"):
                section.method_notes.append(f"In the workbook's {sheet} sheet, {shown.method['withheld']}.")
            section.tables[sheet] = shown.table
            section.specs[sheet] = shown.spec   # what its columns mean: the workbook's Definitions sheet
            for chart in part.charts:   # drawn as soon as its table is ready, so that rendering starts early
                if chart.table == table.name:
                    extra = chart.from_published(
                        lambda name: published.get(_sheet(name, organisation, number))) if chart.from_published else {}
                    self._draw(section, chart, shown, context.threshold, tag, extra)
                    section.figures[chart.name + tag] = Figure(chart.function, sheet, dict(chart.options))
        section.result = context.published[part.lead]
        lead = _sheet(part.lead, organisation, number)
        section.tables = {lead: section.tables[lead], **section.tables}   # the part's own table first
        return section

    def _draw(self, section: Section, chart, result, threshold: int, tag: str, extra: Mapping[str, Any]) -> None:
        """Draw one chart and send it to the renderer; one that cannot be drawn is left out with why, not fatal."""
        from altair.utils.schemapi import debug_mode

        name = chart.name + tag
        shown, note = drawable(result, chart)
        if shown is None:
            section.left_out[name] = note
            return
        if note:
            section.notes.append(note)
        try:
            with debug_mode(False):   # the charts are validated in their tests; here it would cost ~0.1 s each
                spec = getattr(charts, chart.function)(shown, min_size=threshold, **chart.options,
                                                       **extra).to_dict(validate=False)
        except Exception as exc:  # noqa: BLE001 - one chart never sinks the pack: it is left out, with why
            section.left_out[name] = _one_line(exc)
            return
        spec.pop("$schema", None)
        why = nothing_to_draw(spec)   # Vega would size it without bounds (1.8e308 pixels)
        if why:
            section.left_out[name] = why
            return
        section.charts[name] = spec
        self.sent.append(name)
        self.renderer.submit(self.charts_dir, name, spec)


def left_out_part(part: Part, organisation: str | None, why: str) -> Section:
    """A part that could not be made: its heading, and why, in its place."""
    tag, label = _tag(organisation), (f" — {organisation}" if organisation else "")
    return Section(part.key + tag, part.title + label, None, notes=[f"{part.title}{label}: left out ({why})."])


def _needs_met(part: Part, context: Context) -> bool:
    if "benchmark" in part.needs and context.benchmark is None:
        return False
    if "snapshots" in part.needs and context.most_snapshots < 2:
        return False
    if "series" in part.needs and context.most_snapshots < SERIES_SNAPSHOTS:
        return False
    return True


@dataclass(frozen=True)
class _Rules:
    """The disclosure rules of one pack (see :func:`build_pack`), checked."""

    threshold: int | None
    rounding: int | None = None
    board_counts: bool = False

    def __post_init__(self) -> None:
        check_threshold(self.threshold)
        check_rounding(self.rounding, self.threshold)

    def describe(self, report: Audit | None) -> str:
        """The rule as the page, the workbook and the manifest state it."""
        if self.threshold is None:
            return f"{NOT_FOR_PUBLICATION}: small numbers not suppressed."
        text = (f"Counts from 1 to {self.threshold - 1} are suppressed; 0 is shown. Disclosure control covers "
                "every table of the pack together: where one count of a margin (counts adding up to a "
                "published total, in one table or across tables, unknowns included) is suppressed, "
                "another is suppressed too, and more wherever an audit by integer programming finds that a "
                f"suppressed count could be narrowed to fewer than {self.threshold} values. Figures made from "
                "a suppressed count are blanked. " + (report.summary() if report is not None else ""))
        if self.board_counts:
            text += (" The board's counts by ethnicity and disability (WRES 9, WDES 10) are published whatever "
                     "their size, as asked (board membership is public).")
        if self.rounding is not None:
            but = " but the board's" if self.board_counts else ""
            text += (f" Every count shown{but} is rounded to the nearest {self.rounding} after suppression; rates, "
                     "shares and intervals are computed from the unrounded counts.")
        return text


def _sheet(name: str, organisation: str | None, number: int) -> str:
    return name if organisation is None else f"{name} {number}"


def _detailed(staff: StaffTable, organisations: list[str], limit: int | None) -> list[str]:
    """The organisations given their own parts: all of them, or the ``limit`` largest (by staff), in name order."""
    if limit is None or len(organisations) <= limit:
        return organisations
    sizes = staff.people.groupby(staff.people["organisation"].astype(str)).size()
    largest = sorted(organisations, key=lambda org: (-int(sizes.get(org, 0)), org))[:limit]
    return sorted(largest)


def _limit_note(organisations: list[str], detailed: list[str], comparison: bool) -> str:
    """What the reader should know when only some organisations have their own parts."""
    rest = len(organisations) - len(detailed)
    where = "in the comparison only" if comparison else "not in this pack"
    return (f"Of the {len(organisations)} organisations, the {len(detailed)} largest have their own parts here; the "
            f"other {rest} are {where} (each organisation's parts take seconds to make and check). To give more "
            f"organisations their own parts, give {either('detailed=N', '--detailed N')}, or make a pack for each.")


def _sections(runner: _Runner, staff: StaffTable, benchmarks: dict, inputs: dict[str, dict], rules: _Rules,
              notes: Sequence[str], limit: int | None = None, appointments: Mapping[str, Any] | None = None,
              series: Mapping[str, Any] | None = None) -> tuple[list[Section], Audit | None]:
    """Every section of the pack: the comparison (several organisations), then each organisation's parts.

    Every table is computed first; then disclosure control runs once over all
    the tables of the pack, with the links between them, and is audited; then
    the counts are rounded if asked, and each part is drawn from its tables
    as published.  Only the ``limit`` largest organisations have their own
    parts (:func:`_detailed`); the comparison has them all.
    """
    threshold = rules.threshold
    options = appointments or {}   # the appointments-needed options of every representation table
    organisations = _organisations(staff)
    detailed = _detailed(staff, organisations, limit)
    comparison = len(organisations) > 1 and bool(benchmarks)
    plan: list[tuple[Part, Context, str | None, int, Sequence[str]]] = []
    if comparison:
        plan.append((COMPARISON, Context(staff, benchmarks, {}, threshold or 0,
                          representation_options=dict(options)), None, 0, notes))
    if len(organisations) > 1 or (series or {}).get("peers") is not None:
        plan.append((ACROSS, Context(staff, None, {}, threshold or 0, series_options=dict(series or {})), None, 0,
                     ()))
    for number, org in enumerate(detailed, start=1):
        one = staff if len(organisations) == 1 else staff.for_organisation(org)
        context = Context(one, benchmarks.get(org), inputs.get(org, {}), threshold or 0,
                          representation_options=dict(options), series_options=dict(series or {}))
        for part in PARTS:
            if _needs_met(part, context):
                plan.append((part, context, None if len(organisations) == 1 else org, number,
                             notes if "benchmark" in part.needs else ()))
    raw: dict[str, Result] = {}
    left_out: dict[int, Section] = {}   # place in the plan -> the part, left out with why
    for place, (part, context, organisation, number, _) in enumerate(plan):
        try:
            for table in part.tables:   # a later table of a part may read an earlier one in context.raw
                context.raw[table.name] = table.compute(context)
        except Exception as exc:  # noqa: BLE001 - one organisation's part never sinks the pack: left out, with why
            for table in part.tables:
                context.raw.pop(table.name, None)
            left_out[place] = left_out_part(part, organisation, _not_made(exc, context))
            continue
        raw.update({_sheet(t.name, organisation, number): context.raw[t.name] for t in part.tables})
    published, report = publish_tables(raw, detailed, rules, several=len(organisations) > 1)
    sections = [left_out[place] if place in left_out else
                runner.run_or_leave_out(part, context, published, organisation=name, number=number, notes=part_notes)
                for place, (part, context, name, number, part_notes) in enumerate(plan)]
    if detailed != organisations and sections:
        sections[0].notes.insert(0, _limit_note(organisations, detailed, comparison))
    return sections, report


def _not_made(exc: Exception, context: Context) -> str:
    """Why a part's tables could not be made: one line, or the table of another part it is made from."""
    names = {t.name for p in (*PARTS, COMPARISON, ACROSS) for t in p.tables}
    if isinstance(exc, KeyError) and exc.args and exc.args[0] in names and exc.args[0] not in context.raw:
        return f"it is made from the {exc.args[0]} table, which could not be made"
    return _one_line(exc)


def publish_tables(raw: dict[str, Result], organisations: list[str], rules: _Rules, *,
                   several: bool | None = None) -> tuple[dict[str, Result], Audit | None]:
    """Every table of a pack, by sheet name, made safe to publish together; and the audit.

    One disclosure control over them all, with the links between their
    counts (:func:`~._sections.pack_links`, and the comparison of several
    organisations), the progression gaps' unknowns withheld and the
    headline counts kept where possible; then the audit, from the published
    tables alone (a pack that fails it is not written); then rounding, if
    asked.  ``organisations``: those with their own parts; ``several``: whether
    the pack has more than one organisation (by default, whether there are
    several here), so that their sheet names end with their numbers.
    """
    threshold = rules.threshold
    several = len(organisations) > 1 if several is None else several
    links: list[Link] = []
    exempt: list[Ref] = []
    withhold: list[Ref] = []
    keep: list[Ref] = []
    for number, org in enumerate(organisations, start=1):
        sheet = (lambda n, o=org, i=number: _sheet(n, o if several else None, i))
        links += pack_links(sheet, rates=same_periods(raw.get(sheet("over_time")), raw.get(sheet("promotion"))))
        links += comparison_links(org, sheet) if several else []
        exempt += board_counts(sheet) if rules.board_counts else []
        withhold += withheld_counts(sheet)
        keep += headline_counts(sheet)
    exempt, withhold, keep = ([r for r in refs if r.table in raw] for refs in (exempt, withhold, keep))
    published = suppress(raw, threshold=threshold, links=links, exempt=exempt, withhold=withhold, keep=keep)
    assert isinstance(published, dict)   # several tables given, several returned
    report = audit(published, links=links, threshold=threshold) if threshold is not None else None
    if report is not None and not report.passed:
        raise WorkforceError("the pack was not written: the audit of its disclosure control found suppressed "
                             f"counts a reader could narrow down. {report.summary()}")
    if rules.rounding is not None and threshold is not None:
        rounded = round_counts(published, rules.rounding, exempt=exempt)
        assert isinstance(rounded, dict)
        published = rounded
    return published, report


def _organisations(staff: StaffTable) -> list[str]:
    return sorted({str(o) for o in staff.people["organisation"].dropna().unique()})   # the distinct names, as text


# ---------------------------------------------------------------- the inputs


def _by_organisation(value, organisations: list[str], what: str) -> dict:
    """``value`` for each organisation: one value for all, or a dict by organisation (names as in the staff)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        return dict.fromkeys(organisations, value)
    unknown = [org for org in value if org not in organisations]
    if unknown:
        raise WorkforceError(f"{what} given for {unknown}, which are not organisations of the staff table; "
                             f"the organisations are {organisations}.")
    return dict(value)


def _inputs(inputs, organisations: list[str]) -> dict[str, dict[str, InputTable]]:
    """Organisation -> kind -> loaded input; ``inputs`` is kind -> input (one organisation) or org -> kind -> input."""
    if not inputs:
        return {}
    if set(inputs) <= set(INPUT_KINDS):
        if len(organisations) != 1:
            raise WorkforceError(f"the staff hold {len(organisations)} organisations: give inputs by organisation, "
                                 f"{{organisation: {{kind: input}}}}; the organisations are {organisations}.")
        inputs = {organisations[0]: inputs}
    out = _by_organisation(inputs, organisations, "inputs")
    for org, given in out.items():
        for kind, table in given.items():
            if kind not in INPUT_KINDS:
                raise WorkforceError(f"{org}: no input kind {kind!r}; the kinds are {list(INPUT_KINDS)}.")
            if not isinstance(table, InputTable) or table.kind != kind:
                raise WorkforceError(f"{org}: the {kind} input must be loaded with workforce.load_{kind}(...), "
                                     f"not given as {type(table).__name__}.")
    return out


# ---------------------------------------------------------------- the pack


def build_pack(
    staff: StaffTable,
    *,
    out: str | os.PathLike,
    benchmarks: Benchmark | Mapping[str, Benchmark] | None = None,
    inputs: Mapping[str, Any] | None = None,
    threshold: int | None = DEFAULT_THRESHOLD,
    rounding: int | None = None,
    board_counts: bool = False,
    notes: Sequence[str] = (),
    renderer: ChartRenderer | None = None,
    record: Mapping[str, Any] | None = None,
    progress: bool = True,
    detailed: int | None = DETAILED,
    appointments: int | None = None,
    appointment_rate: float | None = None,
    target_year: int | None = None,
    slides: bool = False,
    interventions: Mapping[Any, str] | None = None,
    rebase: Sequence[Any] = (),
    targets: Mapping[Any, float] | None = None,
    peers: pd.DataFrame | str | os.PathLike | None = None,
) -> Path:
    """Write the board pack for ``staff`` into the folder ``out``.

    Parameters
    ----------
    staff : StaffTable
        From :func:`workforce.load_staff`: the latest snapshot of one
        organisation or several (an ICB's trusts: the pack then opens with the
        organisations compared in a funnel plot, then a part for each), and
        any earlier snapshots (for promotion and the Model Employer-style
        trajectory).
    out : path
        The folder to write: absent, empty, or a previous pack (replaced).
    benchmarks : Benchmark or dict, optional
        The population benchmark (:func:`workforce.population`) of every
        organisation, or a dict organisation -> benchmark.  Without one, the
        representation part is left out.
    inputs : dict, optional
        The other loaded inputs (:data:`INPUT_KINDS`): kind -> input for one
        organisation, or organisation -> kind -> input.
    threshold : int or None
        Counts from 1 to ``threshold - 1`` are suppressed (at least 2), over
        every table of the pack at once, and the result is audited (the pack
        is not written if the audit fails).  ``None``: nothing is suppressed,
        and every page, sheet and chart file says "NOT FOR PUBLICATION".
    rounding : int, optional
        Round every published count to the nearest multiple of this after
        suppression (5, as NHS Digital publishes); rates stay as computed
        from the unrounded counts (:func:`workforce.disclosure.round_counts`).
    board_counts : bool
        Publish the board's counts by ethnicity and disability (WRES 9,
        WDES 10) whatever their size.  Board membership is public, but by
        default its small counts are suppressed like any other, and the
        board figures with them; say True only where the board members'
        ethnicity and disability are published already.
    notes : list of str
        What the reader should know about the benchmarks (shown in the
        representation parts).
    renderer : ChartRenderer, optional
        Draws the chart files; by default in this process, one chart at a
        time (``workforce report`` gives it worker processes).
    record : dict, optional
        What the manifest records of how the pack was asked for:
        ``inputs`` (a list of ``(role, path)``) and ``options``.  By default
        the files named in the validation reports.
    progress : bool
        Show a progress bar on stderr when it is a terminal.
    detailed : int or None
        Give at most this many organisations their own parts (the largest,
        by staff; default :data:`DETAILED`): each takes seconds to make and
        check, and a pack of hundreds would take an hour.  The comparison
        (table and funnel plot) has every organisation, and the pack says
        which have no parts of their own.  ``None``: every organisation.
    appointments, appointment_rate, target_year : optional
        How many of the next appointments would need to come from each group
        to reach its population share by the target year
        (:func:`workforce.representation`): the appointments made by then, or
        a yearly rate of them as a share of the staff (default 10%), and the
        year (default: the snapshot's year + 3).
    slides : bool
        Also write ``slides.pptx``: a title slide, then one slide per chart
        drawn (its title, its PNG, a source line), then the charts left out.
        Needs python-pptx (``pip install 'workforce[slides]'``), checked
        before anything else.
    interventions : dict, optional
        For the "Over time" part (an organisation with three snapshots or
        more): date -> what began then ("Positive action programme starts"),
        marked on its charts; the control limits are calculated from the
        points before the first, so that a change after it shows against them.
    rebase : list of dates
        Dates from which the control limits are calculated again (a new
        process, once a change has lasted).
    targets : dict, optional
        Targets of the series, by measure (``{"senior share": 0.25}``) or by
        (measure, tier); the representation ratio's target is 1 (parity with
        the local population) unless given.
    peers : DataFrame or path, optional
        Other organisations' counts (:func:`workforce.load.load_peer_counts`):
        added to the relative likelihood of being at band 8a and above pooled
        across the organisations and to its funnel plot, which then appear
        even for one organisation.

    Returns
    -------
    pathlib.Path
        The pack's ``index.html``.
    """
    if slides:
        check_slides()
    if not isinstance(staff, StaffTable):
        raise WorkforceError(f"build_pack takes the staff loaded with workforce.load_staff, not "
                             f"{type(staff).__name__}.")
    rules = _Rules(threshold, rounding, board_counts)
    series_options = _series_options(interventions, rebase, targets)
    if peers is not None:
        series_options["peers"] = peers if isinstance(peers, pd.DataFrame) else load_peer_counts(Path(peers))
    appointment_options = {k: v for k, v in (("appointments", appointments), ("appointment_rate", appointment_rate),
                              ("target_year", target_year)) if v is not None}
    if detailed is not None and (isinstance(detailed, bool) or not isinstance(detailed, int) or detailed < 1):
        raise WorkforceError(f"{either('detailed', '--detailed')} must be a whole number of organisations, at "
                             f"least 1, not {detailed!r}.")
    check_parts((*PARTS, COMPARISON, ACROSS))
    out = Path(out).resolve()   # a symbolic link to a folder: the pack goes into the folder, the link stays
    check_out(out)
    organisations = _organisations(staff)
    per_org_benchmark = _by_organisation(benchmarks, organisations, "benchmarks")
    per_org_inputs = _inputs(inputs, organisations)
    renderer = renderer if renderer is not None else InProcess()
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        bundle = pool.submit(vega_bundle)   # cached on disk after the first pack
        return _write(out, staff, per_org_benchmark, per_org_inputs, rules, list(notes), renderer, bundle,
                      record, _Progress(progress, 6 + bool(slides)), detailed, appointment_options, slides,
                      series_options)
    except BaseException:
        renderer.cancel()
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _series_options(interventions, rebase, targets) -> dict[str, Any]:
    """The "Over time" part's options, checked: dates as dates (a plain error naming a date that is not one)."""

    def day(value: Any, what: str) -> pd.Timestamp:
        try:
            when = pd.Timestamp(value)
        except (ValueError, TypeError):
            when = None
        if when is None or pd.isna(when):
            raise WorkforceError(f"{what} {value!r} is not a date: give it as YYYY-MM-DD (2024-04-01).")
        return when.normalize()

    options: dict[str, Any] = {}
    if interventions:
        options["interventions"] = {day(d, "the intervention date"): str(label) for d, label in interventions.items()}
    if rebase:
        options["rebase"] = tuple(sorted(day(d, "the rebase date") for d in rebase))
    if targets:
        options["targets"] = dict(targets)
    return options


def _write(out: Path, staff: StaffTable, benchmarks: dict, inputs: dict, rules: _Rules, notes: list[str],
           renderer: ChartRenderer, bundle, record, steps: _Progress, detailed: int | None = DETAILED,
           appointment_options: Mapping[str, Any] | None = None, slides: bool = False,
           series_options: Mapping[str, Any] | None = None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))

    def undo() -> None:   # no chart may still be writing into the folder being removed
        renderer.cancel()
        shutil.rmtree(tmp, ignore_errors=True)

    try:
        with on_stop(undo):
            return _fill(tmp, out, staff, benchmarks, inputs, rules, notes, renderer, bundle, record, steps, detailed,
                         appointment_options, slides, series_options)
    except BaseException:
        undo()
        raise


def _fill(tmp: Path, out: Path, staff: StaffTable, benchmarks: dict, inputs: dict, rules: _Rules, notes: list[str],
          renderer: ChartRenderer, bundle, record, steps: _Progress, detailed: int | None,
          appointment_options: Mapping[str, Any] | None = None, slides: bool = False,
          series_options: Mapping[str, Any] | None = None) -> Path:
    """Write the pack into ``tmp``, then put it in place in ``out``."""
    charts_dir = tmp / "charts"
    charts_dir.mkdir()
    runner = _Runner(renderer, charts_dir)
    sections, report = _sections(runner, staff, benchmarks, inputs, rules, notes, detailed, appointment_options,
                                 series_options)
    steps.step("findings computed and suppressed")
    about = _About(staff, benchmarks, rules, _files(staff, inputs, record), record, bundle, report,
                   _detailed(staff, _organisations(staff), detailed), detailed, DataQuality.of(staff, inputs), slides)
    about.write(tmp, sections, steps)   # while the last charts are rendered
    failed = renderer.finish()
    steps.step("charts rendered (SVG, PNG)")
    for s in sections:   # a chart that could not be rendered is left out, with why: it does not sink the pack
        for name in [n for n in s.charts if n in failed]:
            del s.charts[name]
            why = failed[name]
            s.left_out[name] = why if why.startswith(NOTHING_TO_DRAW) else f"it could not be rendered ({why})"
    for name in [*failed, *runner.discarded]:
        for suffix in (".svg", ".png"):
            (charts_dir / f"{name}{suffix}").unlink(missing_ok=True)
    if failed:
        about.write(tmp, sections)
    if slides:   # from the PNG files, rendered by now
        write_slides(tmp / SLIDES_FILE, charts_dir, sections, about.slide_text())
        steps.step(f"{SLIDES_FILE} written")
    move_into_place(tmp, out)
    steps.step("done")
    return out / "index.html"


#: The columns of the Notes sheet (written by :func:`workforce.publish._page.write_workbook`).
NOTES_COLUMNS = columns(("item", "str", "what the note is about: the pack, how it was measured, or one of its parts"),
                        ("note", "str", "the note"))
#: The columns of the Definitions sheet.
DEFINITIONS_COLUMNS = columns(
    ("sheets", "str", "the sheets of tables.xlsx that have the column (an organisation's sheets end in its number)"),
    ("column", "str", "the column's header"),
    ("meaning", "str", "what the column holds"),
    ("unit", "str", "what its values are measured in: people, proportion (0 to 1; 0.25 is 25%), percentage points, "
                    "ratio, probability (0 to 1), date, text ..."),
)


class _About:
    """The workbook, the page and the manifest of one pack, written from its sections."""

    def __init__(self, staff: StaffTable, benchmarks: dict, rules: _Rules, files: list[tuple[str, Path]],
                 record, bundle, report: Audit | None = None, detailed: list[str] | None = None,
                 limit: int | None = DETAILED, quality: DataQuality | None = None, slides: bool = False) -> None:
        self.organisations = _organisations(staff)
        self.detailed = self.organisations if detailed is None else detailed   # those with their own parts
        threshold = rules.threshold
        self.threshold, self.files, self.bundle, self.service = threshold, files, bundle, staff.service
        self.options = _without_folders({"threshold": threshold, "rounding": rules.rounding,
                                         "board counts": rules.board_counts, "service": staff.service,
                                         "detailed": limit, **dict((record or {}).get("options", {}))})
        by_org = {org: b.provenance() for org, b in benchmarks.items()}
        distinct = {id(b) for b in benchmarks.values()}
        self.benchmark = _without_folders(None if not by_org else next(iter(by_org.values())) if len(distinct) == 1
                                          else {"by organisation": by_org})
        self.stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self.audit = report
        self.rule = rules.describe(report)
        self.quality = quality if quality is not None else DataQuality.of(staff)
        self.lede = _lede(staff, self.benchmark, threshold)
        self.slides = slides
        latest = pd.Series(staff.people["snapshot_date"]).dropna().max()
        self.source = source_line([p.name for _, p in files], None if pd.isna(latest) else pd.Timestamp(latest).date(),
                                  self.benchmark, threshold)

    def write(self, folder: Path, sections: list[Section], steps: _Progress | None = None) -> None:
        step = steps.step if steps is not None else (lambda words: None)
        sheets: dict[str, pd.DataFrame] = {}
        for s in sections:
            sheets.update(s.tables)
        validation = self.quality.table()
        with_ours = {**sheets, "Validation": validation}
        definitions = definitions_sheet(with_ours, _specs(sections), {"Validation": VALIDATION_COLUMNS,
                                                                       "Notes": NOTES_COLUMNS})
        write_workbook(folder / "tables.xlsx", {**with_ours, "Definitions": definitions},
                       self._workbook_notes(sections))
        step("tables.xlsx written")
        footer, title = self._footer(), self._title()
        if self.threshold is None:
            title = f"{NOT_FOR_PUBLICATION} (small numbers not suppressed). {title}"
        write_page(folder / "index.html", sections, self.bundle.result(), title, footer, quality=self.quality,
                   rule=self.rule, lede=self.lede)
        step("index.html written")
        manifest = {
            "kind": PACK_KIND,
            "created": self.stamp,
            "inputs": [{"role": role, "path": _shown(p), "name": p.name, "bytes": p.stat().st_size,
                        "sha256": _sha256(p)} for role, p in self.files if p.is_file()],
            "options": self.options,
            "versions": _versions(),
            "benchmark": self.benchmark,
            "data quality": self.quality.to_manifest(),
            "suppression": self.rule,
            "disclosure audit": None if self.audit is None else {
                "suppressed counts": len(self.audit.table), "protected": int(self.audit.table["protected"].sum()),
                "narrowest range": self.audit.narrowest, "threshold": self.audit.threshold,
                "method": "integer programming (HiGHS) over every published count and the relations "
                          "between them"},
            "charts": sorted(name for s in sections for name in s.charts),
            "charts left out": {name: why for s in sections for name, why in s.left_out.items()},
            "tables": list(sheets),
            "slides": SLIDES_FILE if self.slides else None,
            "notes": [n for s in sections for n in [*s.notes, *(f"Chart '{name}' left out: {why}."
                                                                 for name, why in s.left_out.items())]],
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
        step("manifest.json written")

    def _title(self) -> str:
        """The pack's title (the page says NOT FOR PUBLICATION before it)."""
        names = (', '.join(self.organisations) if len(self.organisations) <= 5
                 else f"{len(self.organisations)} organisations")
        return f"Workforce diversity board pack: {names}"

    def _footer(self) -> str:
        fictional = bool(self.files) and all("sample_data" in str(path) for _, path in self.files)
        return (f"Made by workforce {__version__} on {self.stamp}."
                + (" Every person in the sample data is fictional." if fictional else ""))

    def slide_text(self) -> SlideText:
        """The words of the pack its slides repeat (:mod:`workforce.publish._slides`)."""
        return SlideText(self._title(), self.lede, self.quality.sentence(), self.source, self._footer(),
                         "" if self.threshold is not None else f"{NOT_FOR_PUBLICATION}: small numbers not suppressed")

    def _workbook_notes(self, sections: list[Section]) -> list[tuple[str, str]]:
        """The Notes sheet: the pack's rules, how it was measured (once), then each part's own notes."""
        notes = ([("Status", f"{NOT_FOR_PUBLICATION}: small numbers not suppressed")] if self.threshold is None
                 else [])
        notes += [("Data quality", self.quality.sentence()),
                  ("Small numbers (disclosure control)", self.rule),
                  ("Suppressed cells", "In this workbook a suppressed count is an empty cell with TRUE in its "
                                       "<count>_suppressed column; a blank figure was made from a suppressed count."),
                  ("Charts", "Drawn from the suppressed tables: suppressed groups are hidden, groups with fewer than "
                             f"{self.threshold} staff are grey."),
                  ("Definitions", "The Definitions sheet gives the meaning and unit of every column of every sheet; "
                                  "proportions are from 0 to 1 (0.25 is 25%).")]
        if len(self.organisations) > 1:
            notes += [(f"Organisation {i}", f"{org}: sheets ending in ' {i}'")
                      for i, org in enumerate(self.detailed, start=1)]
        notes += [(f"How this was measured: {label}", text) for label, texts in how_measured(sections)
                  for text in texts]
        for s in sections:
            if s.result is not None:   # None: a part left out (its note says why)
                notes.append((s.title, f"Measures: {sentence(s.result.spec.title)}"))
            notes += [(s.title, sentence(str(note))) for note in s.notes if str(note).strip()]
            notes += [(s.title, f"Chart '{name}' left out: {why.rstrip('.')}.") for name, why in s.left_out.items()]
        return notes


def _lede(staff: StaffTable, benchmark: Any, threshold: int | None) -> str:
    """The line under the page's title: the snapshots, the benchmark and the small-numbers rule."""
    dates = sorted(pd.Series(staff.people["snapshot_date"]).dropna().unique())
    shown = [day(d) for d in dates]
    earlier = (f" (earlier: {', '.join(shown[:-1])})" if len(shown) <= 4
               else f" ({len(shown) - 1} earlier, from {shown[0]})")   # a monthly series: not every date
    words = [f"Snapshot {shown[-1]}" + (earlier if len(shown) > 1 else "")] if shown else []
    if isinstance(benchmark, Mapping) and benchmark.get("area"):
        words.append(f"benchmark {benchmark['area']}" + (f", ages {benchmark['ages']}" if benchmark.get("ages") else ""))
    elif isinstance(benchmark, Mapping) and benchmark.get("by organisation"):
        words.append("each organisation against its own benchmark")
    words.append("small numbers not suppressed" if threshold is None
                 else f"counts from 1 to {threshold - 1} suppressed")
    return " · ".join(words)


def _specs(sections: list[Section]) -> dict[str, ResultSpec]:
    """Sheet -> the spec of its table, over every section."""
    return {sheet: spec for s in sections for sheet, spec in s.specs.items()}


def definitions_sheet(sheets: Mapping[str, pd.DataFrame], specs: Mapping[str, ResultSpec],
                      fixed: Mapping[str, Sequence[Column]]) -> pd.DataFrame:
    """The Definitions sheet: every column of every sheet, its meaning and unit, from the specs of the tables.

    Parameters
    ----------
    sheets : dict
        Sheet name -> table, as written (the Notes and Definitions sheets are
        added here).
    specs : dict
        Sheet name -> the :class:`~workforce._spec.ResultSpec` of its table.
    fixed : dict
        Sheet name -> columns, for sheets that are not results (Notes, Validation).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DEFINITIONS_COLUMNS`: one row per column of a kind of
        table, with the sheets that have it (sheets of one kind share their
        definitions).  A column found in no spec is listed with an empty
        meaning and unit (the pack's tests fail on it).
    """
    found: dict[tuple, list[str]] = {}
    defined: dict[tuple, Column | None] = {}
    for sheet, names in [*((sheet, list(t.columns)) for sheet, t in sheets.items()),
                         *((sheet, [c.name for c in cols]) for sheet, cols in fixed.items() if sheet not in sheets),
                         ("Definitions", [c.name for c in DEFINITIONS_COLUMNS])]:
        spec = specs.get(sheet)
        own = {c.name: c for c in fixed.get(sheet, DEFINITIONS_COLUMNS if sheet == "Definitions" else ())}
        for name in names:
            column = own.get(name) or (spec.column(name) if spec is not None else None)
            key = (spec.kind if spec is not None else sheet, name,
                   column.description if column is not None else "", column.unit if column is not None else "")
            found.setdefault(key, []).append(sheet)
            defined[key] = column
    rows = [(", ".join(dict.fromkeys(where)), key[1], sentence(key[2]) if key[2] else "", key[3])
            for key, where in found.items()]
    return pd.DataFrame(rows, columns=[c.name for c in DEFINITIONS_COLUMNS])


def _shown(path: Path) -> str:
    """A file as the manifest names it: relative to the working folder when it is under it, else its name alone.

    So no absolute path (which can hold a user's name) is written into a pack that may be published.
    """
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.name


def _without_folders(value: Any) -> Any:
    """``value`` with every text that is a path to a file (or ``NAME=path``) as :func:`_shown` names it."""
    if isinstance(value, Mapping):
        return {k: _without_folders(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_without_folders(v) for v in value]
    if not isinstance(value, str) or not value:
        return value
    head, sep, tail = value.rpartition("=")
    for prefix, text in ((head + sep, tail), ("", value)) if sep else (("", value),):
        if _is_path(text):
            return prefix + _shown(Path(text))
    return value


def _is_path(text: str) -> bool:
    """Whether ``text`` is an absolute path, or a relative path to something that exists (not words with a '/')."""
    if "\n" in text or len(text) > 1024:
        return False
    try:
        return os.path.isabs(text) or ("/" in text or os.sep in text) and Path(text).exists()
    except (OSError, ValueError):
        return False


def _files(staff: StaffTable, inputs: dict, record) -> list[tuple[str, Path]]:
    """(role, path) of every file read: as the caller recorded them, else as the validation reports name them."""
    if record and record.get("inputs"):
        return [(role, Path(path)) for role, path in record["inputs"]]
    files = [("staff", Path(str(f))) for f in staff.report.counts["file"]]
    for given in inputs.values():
        for kind, table in given.items():
            files += [(kind, Path(str(f))) for f in table.report.counts["file"]]
    return files


def _versions() -> dict[str, str]:
    out = {"workforce": __version__, "python": sys.version.split()[0]}
    for name in _DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
