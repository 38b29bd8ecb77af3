"""The ``workforce`` command: a thin layer over the library.

Exit codes of ``workforce validate``: 0 the files are valid; 1 problems were
found (the report says which rows were excluded and why); 2 a file cannot be
used at all.  It checks any input (``--kind staff|recruitment|disciplinary|
training|board``); without ``--kind`` each file's kind is guessed from its
headers, and the output says which was assumed.  ``workforce report`` and ``workforce demo`` (the board pack):
0 written; 2 an input cannot be used or the output folder is refused.  Errors are printed as plain messages, never as tracebacks.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from ._wording import command_line

__all__ = ["main"]

EXIT_VALID, EXIT_PROBLEMS, EXIT_UNUSABLE = 0, 1, 2


_SLIDES_HELP = ("also write slides.pptx: one PowerPoint slide per chart, with its title and source line (needs "
                "pip install 'workforce[slides]')")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workforce",
        description="Workforce diversity analytics for the NHS in England (WRES, WDES, representation).",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    validate = commands.add_parser(
        "validate",
        help="check staff-in-post exports or the other inputs and report every problem",
        description="Check staff-in-post exports, or recruitment, disciplinary, training or board files (.xlsx, "
        ".xlsm, .xls, .csv, .parquet), and report every problem, with the file, sheet, Excel row, column, value, "
        "problem code and a suggested fix. Without --kind, each file's kind is guessed from its headers. "
        "Exit code 0: valid; 1: problems found; 2: a file cannot be used.",
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="one or more files, folders or patterns")
    validate.add_argument("--kind", choices=["staff", "recruitment", "disciplinary", "training", "board"],
                          help="what the files hold (default: guessed from each file's headers)")
    _input_options(validate)
    validate.add_argument("--service", metavar="FILE", help="a YAML service definition to narrow the table to")
    validate.add_argument("--json", action="store_true", help="print the report as JSON")
    validate.add_argument("--excel", metavar="FILE", help="also write the report to this Excel workbook")
    validate.add_argument("--max-problems", type=int, default=50, metavar="N", help="problems to print (default 50)")
    report = commands.add_parser(
        "report",
        help="write the board pack (HTML page, charts, tables, manifest) into a folder",
        description="Write the board pack: index.html (self-contained), charts/*.svg and *.png, tables.xlsx "
        "(small counts suppressed) and manifest.json. Exit code 0: written; 2: an input cannot be used.",
    )
    report.add_argument("files", nargs="+", metavar="FILE",
                        help="the staff-in-post export(s): files, folders of them or patterns such as "
                             "'exports/staff_*.xlsx'; with several snapshots the pack shows them over time")
    where = report.add_mutually_exclusive_group()
    where.add_argument("--area", help="one benchmark area for every organisation: a local authority, ICB, NHS "
                       "region or England (e.g. Leicester); without --area, --icb or --trust, no representation")
    where.add_argument("--icb", help="an ICB (code or name) as every organisation's benchmark; with several "
                       "organisations the pack compares them in a funnel plot")
    where.add_argument("--trust", nargs="+", default=[], metavar="[ORG=]CODE",
                       help="each organisation's trust ODS code: its catchment where the package has it, else its ICB")
    report.add_argument("--previous", nargs="+", default=[], metavar="FILE", help="earlier snapshots, for promotion")
    report.add_argument("--recruitment", nargs="+", default=[], metavar="[ORG=]FILE",
                        help="applications, for WRES indicator 2 and WDES metric 2")
    report.add_argument("--disciplinary", nargs="+", default=[], metavar="[ORG=]FILE",
                        help="disciplinary and capability cases, for WRES indicator 3 and WDES metric 3")
    report.add_argument("--training", nargs="+", default=[], metavar="[ORG=]FILE",
                        help="non-mandatory training, for WRES indicator 4")
    report.add_argument("--board", nargs="+", default=[], metavar="[ORG=]FILE",
                        help="board members, for WRES indicator 9 and WDES metric 10")
    report.add_argument("--service", metavar="FILE", help="a YAML service definition to narrow the staff to")
    _input_options(report, staff=True)
    report.add_argument("--threshold", type=int, default=8, metavar="N",
                        help="counts 1 to N-1 are suppressed (default 8, at least 2)")
    report.add_argument("--no-suppression", action="store_true",
                        help="suppress nothing: every page, sheet and chart file says NOT FOR PUBLICATION")
    report.add_argument("--rounding", type=int, default=None, metavar="N",
                        help="round every published count to the nearest N after suppression (5, as NHS Digital "
                             "publishes); rates stay as computed from the true counts")
    report.add_argument("--publish-board-counts", action="store_true",
                        help="publish the board's counts by ethnicity and disability (WRES 9, WDES 10) whatever "
                             "their size; only where the board's ethnicity and disability are public already")
    report.add_argument("--detailed", type=int, default=None, metavar="N",
                        help="give at most N organisations (the largest) their own parts; the comparison has them "
                             "all (default 10)")
    report.add_argument("--appointments", type=_appointments, default=None, metavar="N",
                        help="the appointments made by the target year, each replacing a leaver, for how many of "
                             "them must come from a group to reach its population share: a number (such as 150) or "
                             "a share of staff a year (such as 12%%); default 10%% of staff a year, a planning "
                             "assumption, not an NHS figure")
    report.add_argument("--target-year", type=_target_year, default=None, metavar="YYYY",
                        help="the year by which to reach the population share (default: the snapshot's year + 3)")
    report.add_argument("--intervention", nargs="+", default=[], metavar="DATE[=WHAT]", type=_intervention,
                        help="over time: the date something began (2024-04-01=\"Positive action programme\"), "
                             "marked on the charts; the control limits are calculated from the points before it")
    report.add_argument("--peers", metavar="FILE",
                        help="other organisations' counts (CSV or Excel: organisation, snapshot_date, measure, "
                             "group_a, a_events, a_total, group_b, b_events, b_total), added to the comparison of "
                             "band 8a and above across organisations")
    report.add_argument("--rebase", nargs="+", default=[], metavar="DATE", type=_day,
                        help="over time: recalculate the control limits from this date (a new process)")
    report.add_argument("--out", required=True, metavar="DIR", help="the folder to write (new, empty or a previous pack)")
    report.add_argument("--slides", action="store_true", help=_SLIDES_HELP)
    demo = commands.add_parser(
        "demo", help="write the board pack for the shipped (fictional) sample data",
        description="Write the board pack for Soar Valley's 25 month-end sample snapshots (March 2023 to March "
        "2025, with its positive action programme from April 2024 marked), its recruitment, disciplinary, training "
        "and board files, and the Leicester benchmark.",
    )
    demo.add_argument("--out", required=True, metavar="DIR", help="the folder to write")
    demo.add_argument("--slides", action="store_true", help=_SLIDES_HELP)
    return parser


def _appointments(text: str) -> tuple[str, float]:
    """``--appointments``: a whole number of appointments, or a yearly rate as a percentage of the staff."""
    value = text.strip()
    try:
        if value.endswith("%"):
            rate = float(value[:-1]) / 100
            if 0 < rate <= 1:
                return "appointment_rate", rate
        elif int(value) >= 1:
            return "appointments", int(value)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{text!r} is not accepted: give a whole number of appointments, at least 1 "
                                     f"(such as 150), or a share of staff a year above 0% and at most 100% (such "
                                     f"as 12%)")


def _day(text: str) -> str:
    """A date given as YYYY-MM-DD, checked before any data are read."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: give it as YYYY-MM-DD (such as 2024-04-01)") from None


def _intervention(text: str) -> str:
    """``--intervention``: DATE or DATE=WHAT, the date checked."""
    when, _, what = text.partition("=")
    return f"{_day(when)}={what.strip() or 'intervention'}"


def _target_year(text: str) -> int:
    """``--target-year``: a year such as 2028."""
    if text.strip().isdigit() and len(text.strip()) == 4:
        return int(text)
    raise argparse.ArgumentTypeError(f"{text!r} is not accepted: give a year such as 2028")


#: Control characters (but tab and newline), and the invisible format characters that reorder or hide text on a
#: terminal (bidirectional overrides and isolates, zero-width characters, the byte-order mark).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


class _Escaped:
    r"""A text stream that writes control characters as visible escapes (such as ``\x1b`` for ESC).

    A cell of a file can hold escape sequences that would change the
    terminal's title, clear it or overprint "Valid."; every message the
    command writes goes through this, so none reaches the terminal as it is.
    A carriage return opening a write (the progress bar's) is kept.
    """

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        head = "\r" if text.startswith("\r") else ""
        return self._stream.write(head + _CONTROL.sub(_escape, text[len(head):]))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _input_options(command: argparse.ArgumentParser, staff: bool = False) -> None:
    """How the exports are read: the options ``validate`` and ``report`` share (every Fix line names them)."""
    what = "staff-in-post exports" if staff else "exports"
    command.add_argument("--sheet", help="the sheet to read (default: the one holding the table)")
    command.add_argument("--schema", action="append", metavar="FILE",
                         help="a YAML file adding header aliases or settings to the schema (repeatable)")
    command.add_argument("--snapshot-date", metavar="YYYY-MM-DD",
                         help=f"the date the {what} describe, if they do not say"
                              + (" (not with --previous: each snapshot has its own date)" if staff else ""))
    command.add_argument("--organisation", help=f"the organisation, if the {what} have no organisation column")


def _another_kind(files: list[str], sheet: str | int | None) -> None:
    """Refuse, with the option to use, a staff export that is another input (a recruitment file, say)."""
    from . import load
    from .errors import WorkforceError

    for f in files:
        kind, _scores = load.guess_kind(f, sheet=sheet)
        if kind != "staff":
            raise WorkforceError(f"{f}: its headers are those of a {kind} file, not a staff-in-post export. Give it "
                                 f"with --{kind} {f}, after the staff-in-post export(s).")


def _sheet_of(args: argparse.Namespace) -> str | int | None:
    """``--sheet``: a name, or a position when it is a number."""
    return int(args.sheet) if args.sheet is not None and args.sheet.isdigit() else args.sheet


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Escaped(out), _Escaped(err)
    try:
        with command_line():   # messages name options as --snapshot-date, not snapshot_date=
            return _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        from ._version import __version__

        print(f"workforce {__version__}")
        return 0
    if args.command is None:
        parser.print_help()
        return 0
    try:
        if args.command in ("report", "demo"):
            return _pack(args)
        return _validate(args)
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not a data problem: still no traceback unless asked for
        if os.environ.get("WORKFORCE_DEBUG"):
            raise
        print(f"workforce stopped on an unexpected error ({type(exc).__name__}: {exc}).\n"
              "This is a fault in workforce, not in your file. Please report it, with the command you ran; "
              "set WORKFORCE_DEBUG=1 to see the details.", file=sys.stderr)
        return EXIT_UNUSABLE


def _validate(args: argparse.Namespace) -> int:
    from . import _early_read
    from .errors import AmbiguousSheetError, WorkforceError

    lines: list[str] = []   # what was assumed, printed before the report
    try:
        from ._paths import expand_paths

        args.files = list(map(str, expand_paths(args.files)))   # a folder or a pattern: the exports in it
        _early_read.start(args.files)   # parse while the rest of the package is imported
        from . import load

        sheet = _sheet_of(args)
        kinds = {f: (args.kind, None) if args.kind else load.guess_kind(f, sheet=sheet) for f in args.files}
        staff_only = [o for o in ("service", "snapshot_date", "organisation") if getattr(args, o)]
        others = sorted({k for k, _ in kinds.values()} - {"staff"})
        if staff_only and others:
            raise WorkforceError(f"--{staff_only[0].replace('_', '-')} is for staff-in-post exports, but the files "
                                 f"include {' and '.join(others)} data; leave it out, or check the --kind.")
        loaded = []   # (files, staff table or input)
        staff_files = [f for f, (k, _) in kinds.items() if k == "staff"]
        if staff_files:
            loaded.append((staff_files, load.load_staff(
                staff_files, sheet=sheet, schema=args.schema, snapshot_date=args.snapshot_date,
                organisation=args.organisation, service=args.service)))
        for f, (kind, _scores) in kinds.items():
            if kind == "staff":
                continue
            loader = getattr(load, f"load_{kind}")
            try:
                loaded.append(([f], loader(f, sheet=sheet, schema=args.schema)))
            except AmbiguousSheetError as exc:   # validate checks each of them; a loader must be told which
                if sheet is not None:
                    raise
                lines.append(f"{os.path.basename(f)}: the sheets {', '.join(repr(x) for x in exc.sheets)} each hold "
                             f"a {kind} table, and each was checked; choose one with --sheet NAME.")
                loaded += [([f], loader(f, sheet=x, schema=args.schema)) for x in exc.sheets]
    except WorkforceError as exc:
        if args.json:
            import json

            print(json.dumps({"valid": False, "usable": False, "error": str(exc)}, indent=2))
        else:
            print(f"Cannot use this file.\n{exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except (ValueError, OSError) as exc:
        print(f"Cannot use this input: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    report = load.ValidationReport.combine([table.report for _files, table in loaded])
    if args.excel:
        report.to_excel(args.excel)
    try:
        _print_report(args, report, loaded, kinds, _kind_lines(kinds) + lines)
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. head)
        sys.stderr.close()
    return EXIT_VALID if report.is_valid else EXIT_PROBLEMS


def _kind_lines(kinds: dict) -> list[str]:
    """Which kind each file was read as, and whether it was guessed."""
    lines = []
    for f, (kind, scores) in kinds.items():
        if scores is None:
            lines.append(f"{os.path.basename(f)}: read as {kind} (--kind).")
        else:
            matched = f"{scores[kind]} of its headers match the {kind} schema" if scores else "it could not be read"
            lines.append(f"{os.path.basename(f)}: read as {kind}, guessed from its headers ({matched}); "
                         "give --kind to choose.")
    return lines


_DEMO_INPUTS = (("recruitment", "2024-25"), ("disciplinary", "2024-25"), ("training", "2024-25"),
                ("board", "2025-03-31"))


def _manifest_id(out: str) -> tuple[int, int] | None:
    """Which manifest ``out`` holds (inode and time), to tell whether a stopped run had put its pack in place."""
    try:
        stat = (Path(out).resolve() / "manifest.json").stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def _pack(args: argparse.Namespace) -> int:
    """``workforce report`` and ``workforce demo``, stopped quietly by SIGTERM (a scheduler, ``timeout``).

    The handler raises nothing (an exception thrown into an import or a
    lock can hang the process): it removes the pack's temporary folder and
    stops the chart workers (:func:`workforce.publish.stop`), says in one
    line that nothing was changed, and ends the process with exit code 2.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():   # signals reach the main thread only
        return _make_pack(args)
    from .publish import stop  # imported now: the handler may run in the middle of an import

    before = _manifest_id(args.out)

    def on_sigterm(signum, frame) -> None:
        placed = _manifest_id(args.out) not in (before, None)   # the pack was put in place as it was stopped
        stop()
        out = Path(args.out).resolve()
        if placed:
            print(f"Board pack written: {out / 'index.html'}")
        else:
            print(f"stopped: the pack was not written; nothing in {out} was changed.", file=sys.stderr)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(EXIT_VALID if placed else EXIT_UNUSABLE)

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        return _make_pack(args)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _make_pack(args: argparse.Namespace) -> int:
    """Read the files, choose the benchmarks, write the pack."""
    from .errors import WorkforceError

    if args.slides:   # before any data are read: a missing package costs nothing
        from .publish import check_slides

        try:
            check_slides()
        except WorkforceError as exc:
            print(f"Cannot make the board pack.\n{exc}", file=sys.stderr)
            return EXIT_UNUSABLE
    if args.command == "demo":
        from . import sample_data

        # the trust's month-end snapshots, March 2023 to March 2025 (the yearly exports' March ones among them)
        args.files, args.previous = [str(sample_data("soar_valley_monthly"))], []
        args.area, args.icb, args.trust = "Leicester", None, []
        args.service, args.threshold, args.no_suppression = None, 8, False
        args.sheet = args.schema = args.snapshot_date = args.organisation = None
        args.rounding, args.publish_board_counts, args.detailed = None, False, None
        args.intervention, args.rebase = [f"{DEMO_PROGRAMME}=Positive action programme starts"], []
        args.peers = None
        for kind, year in _DEMO_INPUTS:
            setattr(args, kind, [str(sample_data(f"soar_valley_{kind}_{year}.xlsx"))])
    from . import _early_read
    from ._paths import expand_paths

    try:   # a folder or a pattern stands for the exports in it
        args.files, args.previous = (list(map(str, expand_paths(f))) for f in (args.files, args.previous))
    except WorkforceError as exc:
        print(f"Cannot make the board pack.\n{exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    _early_read.start([*args.previous, *args.files])   # parse while the rest of the package is imported
    try:
        from .publish import fast_start, on_stop, warm_up

        areas = [args.area or args.icb] if (args.area or args.icb) else [t.partition("=")[2] or t for t in args.trust]
        renderer = fast_start(lambda: warm_up(areas))   # imports and census tables read while the files are parsed
        try:
            with on_stop(renderer.cancel):
                index = _write_pack(args, renderer)
        except BaseException:
            renderer.cancel()
            raise
    except WorkforceError as exc:
        print(f"Cannot make the board pack.\n{exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except (ValueError, OSError) as exc:
        print(f"Cannot make the board pack: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    print(f"Board pack written: {index}")
    quality = _data_quality(index)
    if quality:
        print(f"Data quality: {quality}")
    return EXIT_VALID


def _data_quality(index) -> str:
    """The pack's data-quality sentence when rows were excluded, values set aside or warnings given; else ""."""
    import json

    try:
        recorded = json.loads((index.parent / "manifest.json").read_text(encoding="utf-8"))["data quality"]
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    worth = any(recorded.get(k) for k in ("rows excluded", "values set aside", "warnings"))
    return str(recorded.get("summary", "")) if worth else ""


_INPUT_KINDS = ("recruitment", "disciplinary", "training", "board")
#: When the sample trust's positive action programme began (a built-in truth of the sample data).
DEMO_PROGRAMME = "2024-04-01"


def _write_pack(args: argparse.Namespace, renderer):
    from pathlib import Path

    from . import load
    from .errors import WorkforceError

    given = [("staff", f) for f in args.files] + [("previous", f) for f in args.previous]
    given += [(kind, item if Path(item).is_file() else item.partition("=")[2] or item)
              for kind in _INPUT_KINDS for item in getattr(args, kind)]
    given += [("service", args.service)] if args.service else []
    given += [("peers", args.peers)] if args.peers else []
    for _, path in given:
        if not Path(path).is_file():
            raise WorkforceError(f"no such file: {path}")
    if args.no_suppression:
        args.threshold = None
    elif args.threshold < 2:
        raise WorkforceError(f"--threshold must be at least 2 (counts 1 to N-1 are suppressed, so 1 would suppress "
                             f"nothing), not {args.threshold}; the NHS rule is 8. To write a pack without "
                             "suppression, for use inside the organisation only, give --no-suppression.")
    from .disclosure import check_rounding

    check_rounding(args.rounding, args.threshold)   # before the data are loaded
    from .publish import check_out

    check_out(Path(args.out).resolve())   # before the data are loaded: a wrong folder costs nothing
    peers = load.load_peer_counts(args.peers) if args.peers else None   # a bad peers file, before the exports
    if args.snapshot_date and args.previous:
        raise WorkforceError("--snapshot-date gives every export one date, but --previous snapshots each have their "
                             "own: leave --snapshot-date out and keep each export's 'as at' title row, or put the "
                             "date in each file's name (staff_in_post_2024-03-31.xlsx).")
    try:
        staff = load.load_staff([*args.previous, *args.files], service=args.service, sheet=_sheet_of(args),
                                schema=args.schema, snapshot_date=args.snapshot_date, organisation=args.organisation)
    except WorkforceError:
        _another_kind([*args.previous, *args.files], _sheet_of(args))   # say so, if a file is another input
        raise
    organisations = sorted({str(o) for o in staff.people["organisation"].dropna().unique()})
    shortfall = _shortfall_options(args, staff)
    benchmarks, notes = _benchmarks(organisations, area=args.area, icb=args.icb, trusts=args.trust)
    loaders = {"recruitment": lambda p: load.load_recruitment(p, like=staff),
               "disciplinary": lambda p: load.load_disciplinary(p, like=staff),
               "training": lambda p: load.load_training(p, like=staff), "board": load.load_board}
    inputs: dict[str, dict] = {}
    for kind in _INPUT_KINDS:
        for org, path in _pairs(getattr(args, kind), organisations, f"{kind} file").items():
            inputs.setdefault(org, {})[kind] = loaders[kind](path)
    from .publish import build_pack  # imported by the warm-up thread meanwhile: only now, not to wait for it

    options = {"area": args.area, "icb": args.icb, "trusts": list(args.trust), "threshold": args.threshold,
               "rounding": args.rounding, "board counts": args.publish_board_counts, "service": args.service,
               "sheet": args.sheet, "schema": list(args.schema or []), "snapshot date": args.snapshot_date,
               "organisation": args.organisation, "previous": list(args.previous),
               **{kind: list(getattr(args, kind)) for kind in _INPUT_KINDS}, **shortfall}
    interventions = dict((d.partition("=")[0].strip(), d.partition("=")[2].strip() or "intervention")
                         for d in args.intervention)
    options.update({"interventions": interventions, "rebase": list(args.rebase), "peers": args.peers})
    return build_pack(staff, out=args.out, benchmarks=benchmarks, inputs=inputs, threshold=args.threshold,
                      rounding=args.rounding, board_counts=args.publish_board_counts, notes=notes, renderer=renderer,
                      record={"inputs": given, "options": options}, slides=args.slides,
                      interventions=interventions, rebase=list(args.rebase), peers=peers,
                      **({"detailed": args.detailed} if args.detailed is not None else {}), **shortfall)


def _shortfall_options(args: argparse.Namespace, staff) -> dict:
    """``--appointments`` and ``--target-year`` as the pack's options, the year checked against the snapshots."""
    import pandas as pd

    from .errors import WorkforceError

    options = {}
    if getattr(args, "appointments", None) is not None:   # (name, value) from _appointments
        options[args.appointments[0]] = args.appointments[1]
    year = getattr(args, "target_year", None)
    if year is not None:
        latest = staff.people["snapshot_date"].max()
        if not pd.isna(latest) and year <= latest.year:
            raise WorkforceError(f"--target-year must be a year after the latest snapshot's ({latest.year}), such "
                                 f"as {latest.year + 3}; not {year}.")
        options["target_year"] = year
    return options


def _pairs(items, organisations: list[str], what: str) -> dict[str, str]:
    """``[ORG=]VALUE`` items as {organisation: value}; a bare value needs exactly one organisation."""
    from pathlib import Path

    from .errors import WorkforceError

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


def _benchmarks(organisations: list[str], *, area=None, icb=None, trusts=()) -> tuple[dict, list[str]]:
    """Organisation -> population benchmark, from --area, --icb or --trust, and notes on how each was chosen."""
    from .errors import WorkforceError
    from .populations import population, trust_population

    given = [name for name, value in (("--area", area), ("--icb", icb), ("--trust", trusts)) if value]
    if len(given) > 1:
        raise WorkforceError(f"give one of --area, --icb and --trust, not {' and '.join(given)}.")
    if area or icb:
        benchmark = population(area or icb)
        if icb and benchmark.area_type != "ICB":
            raise WorkforceError(f"--icb {icb!r} is not an ICB but a {benchmark.area_type}; give an ICB's name "
                                 "or code (such as QK1), or use --area for any other area.")
        return {org: benchmark for org in organisations}, []
    if not trusts:
        return {}, []
    codes = _pairs(trusts, organisations, "trust code")
    missing = [o for o in organisations if o not in codes]
    if missing:
        raise WorkforceError(f"no trust code for {missing}: give one ORGANISATION=CODE per organisation.")
    out, notes = {}, []
    for org, code in codes.items():
        out[org], note = trust_population(code)
        notes += [note] if note else []
    return out, notes


def _print_report(args: argparse.Namespace, report, loaded: list, kinds: dict, lines: list[str]) -> None:
    if args.json:
        import json

        data = json.loads(report.to_json())
        data["notes"] = lines + data["notes"]
        data["kinds"] = [{"file": f, "kind": kind, "guessed": scores is not None}
                         for f, (kind, scores) in kinds.items()]
        print(json.dumps(data, indent=2))
        return
    print("\n".join(lines))
    print(report.to_text(max_problems=args.max_problems))
    print()
    for _files, table in loaded:
        if hasattr(table, "people"):
            print(f"{len(table.people):,} people in {len(table.assignments):,} assignments"
                  + (f" in the service '{table.service}'" if table.service else "") + ".")
        else:
            where = table.report.counts.iloc[0]
            sheet = f", sheet '{where['sheet']}'" if where["sheet"] else ""
            print(f"{len(table.table):,} rows of {table.kind} data ({table.layout}) from "
                  f"{os.path.basename(str(where['file']))}{sheet}.")
    print("Valid." if report.is_valid else "Problems found: see above.")


def run() -> None:  # pragma: no cover - the ``workforce`` command (and ``python -m workforce.cli``)
    """Run :func:`main` and end the process without tearing down the interpreter.

    Every file has been written and closed by then; freeing pandas' and
    Vega's memory object by object would only add a quarter of a second
    after a large board pack.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (output piped into head) or a closed stream
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
