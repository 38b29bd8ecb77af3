"""Rendering charts to SVG and PNG, the Vega script bundle, and the board pack's speed machinery.

:func:`workforce.publish.build_pack` is given a :class:`ChartRenderer`: by
default :class:`InProcess`, which draws each chart when it is drawn, or the
worker processes of :class:`Renderer`, which render beside the main work.
:func:`fast_start` is the one interface to the speed machinery that
``workforce report`` uses in a new process: imports and the benchmark's census
tables read on a thread while the exports are parsed (the parse itself is
started by :mod:`workforce._early_read`), then the two chart workers.

Kept apart from :mod:`workforce.publish._pack` so that the worker processes can
import it without pandas or Altair.
"""

from __future__ import annotations

import math
import os
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

__all__ = ["FONT", "NOTHING_TO_DRAW", "ChartRenderer", "InProcess", "NothingToDraw", "Renderer", "fast_start", "nothing_to_draw",
           "render_png", "render_svg", "vega_bundle"]

#: The font the SVG and PNG files are drawn in: Liberation Sans (metric-compatible
#: with Arial), of which vl-convert carries its own copy, so that the files look
#: the same on every machine.  Viewers of the SVG without it fall back to
#: Arial, whose widths are the same.
FONT = "Liberation Sans"


def _use_font(spec: dict) -> dict:
    """The spec with :data:`FONT` first in its configured font list."""
    config = dict(spec.get("config") or {})
    config["font"] = f"{FONT}, {config.get('font') or 'Arial, Helvetica, sans-serif'}"
    return {**spec, "config": config}


# ---------------------------------------------------------------- a chart with nothing to draw

#: The channels that place a mark: a mark is drawn only where each of them has a value.
_POSITIONS = ("x", "y", "x2", "y2", "theta", "theta2", "radius", "radius2", "latitude", "longitude", "latitude2",
              "longitude2")
#: The largest chart drawn, in pixels each way (Vega sizes a chart with no marks and an untitled legend at 1.8e308).
_LARGEST = 100_000
#: How the reason for leaving out a chart with nothing to draw begins.
NOTHING_TO_DRAW = "nothing to draw"
_NOTHING = f"{NOTHING_TO_DRAW}: every figure it would show is suppressed or missing"


class NothingToDraw(ValueError):
    """A chart with no mark to draw: left out of the pack, with why."""


def nothing_to_draw(spec: dict) -> str:
    """Why the Vega-Lite chart ``spec`` would draw no mark from its data; ``""`` when it draws one.

    A view draws a mark where a row of its data has a value in every field
    that places it (``x``, ``y``, ...): a suppressed or missing figure places
    nothing, and a rule placed at a fixed value (``datum``) shows no data.
    Data not held in the spec (a URL), a field the rows do not have (made by
    a transform) and any spec not understood here count as drawn: the
    renderer is the last guard (:func:`render_svg`).
    """
    given = spec.get("datasets")
    datasets: dict = given if isinstance(given, dict) else {}
    return "" if _draws(spec, None, datasets) else _NOTHING


def _draws(view: Any, rows: list | None, datasets: dict) -> bool:
    """Whether ``view`` (a unit, layer, concatenation or facet) draws a mark; ``rows``: its parent's data."""
    if not isinstance(view, dict):
        return True
    data = view.get("data")
    if isinstance(data, dict):
        if isinstance(data.get("values"), list):
            rows = data["values"]
        elif isinstance(data.get("name"), str) and isinstance(datasets.get(data["name"]), list):
            rows = datasets[data["name"]]
        else:
            rows = None   # a URL, a generator, or a name without values: not known here
    elif data is not None:
        rows = None
    if "mark" in view:
        return _unit_draws(view, rows)
    children = [c for key in ("layer", "concat", "hconcat", "vconcat") for c in (view.get(key) or [])]
    if isinstance(view.get("spec"), dict):   # facet and repeat
        children.append(view["spec"])
    return any(_draws(child, rows, datasets) for child in children) if children else True


def _unit_draws(view: dict, rows: list | None) -> bool:
    if rows is None:
        return True
    given = view.get("encoding")
    encoding: dict = given if isinstance(given, dict) else {}
    placing = [encoding[c] for c in _POSITIONS if c in encoding]
    if any(not isinstance(c, dict) or "aggregate" in c or not isinstance(c.get("field", ""), str)
           for c in placing):
        return bool(rows)   # counted, repeated or not understood: drawn if there are rows
    fields = [c["field"] for c in placing if "field" in c]
    if not fields:   # placed at fixed values only (a reference rule), or not placed: no data shown
        return bool(rows) and not placing
    return any(all(_present(row, f) for f in fields) for row in rows)


def _present(row: Any, field: str) -> bool:
    """Whether ``row`` has a value to place a mark at in ``field`` (a field it does not have counts as present)."""
    if not isinstance(row, dict) or field not in row:
        return True
    value = row[field]
    return value is not None and not (isinstance(value, float) and not math.isfinite(value))


def _check_size(svg: str) -> None:
    """Refuse an SVG that Vega sized without bounds: its chart had nothing to draw."""
    head = svg[:svg.find(">") + 1]
    for dimension in ("width", "height"):
        found = re.search(rf'\s{dimension}="([^"]*)"', head)
        try:
            size = float(found.group(1)) if found else 0.0
        except ValueError:
            size = math.inf
        if not 0 < size <= _LARGEST:
            raise NothingToDraw(f"{_NOTHING} (Vega gave the chart no size)")


def render_svg(folder: Path, name: str, spec: dict) -> None:
    """Write the chart as ``name.svg``, drawn by Vega in :data:`FONT`; :class:`NothingToDraw` if it has no size."""
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(_use_font(spec))
    _check_size(svg)
    (folder / f"{name}.svg").write_text(svg, encoding="utf-8")


def render_png(folder: Path, name: str) -> None:
    """Write ``name.png`` (twice the size) from ``name.svg``: Vega runs once per chart."""
    import vl_convert as vlc

    svg = (folder / f"{name}.svg").read_text(encoding="utf-8")
    (folder / f"{name}.png").write_bytes(vlc.svg_to_png(svg, scale=2))


def _worker_environment(folder: Path) -> dict[str, str]:
    """The environment of the worker processes: this one's, with the machine's fonts out of sight.

    vl-convert opens and maps a font file again for every character it
    measures or draws, about 40,000 times for the charts of one pack, and
    half of rendering went on that; its own copy of :data:`FONT` is held in
    memory.  On Linux the machine's fonts are found through fontconfig, so
    ``FONTCONFIG_FILE`` names a configuration (written in ``folder``) whose
    only font folder is ``folder``, which holds no fonts; vl-convert then
    draws with its own copy.  Elsewhere the machine's fonts stay in sight,
    and its own copy is still the one chosen unless the machine has a
    Liberation Sans of its own.  Characters outside Liberation Sans (it
    covers Latin, Greek and Cyrillic text) are not drawn in the PNG files.
    Rust's stack backtraces are turned off.
    """
    from xml.sax.saxutils import escape

    config = folder / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?>\n<fontconfig><dir>{escape(str(folder))}</dir></fontconfig>\n',
                      encoding="utf-8")
    # no Rust stack backtraces, whatever the user's environment sets: a failure is reported in one line
    return {**os.environ, "FONTCONFIG_FILE": str(config), "RUST_BACKTRACE": "0", "RUST_LIB_BACKTRACE": "0"}


def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script, from vl-convert.

    Bundling takes more than a second, so the bundle is kept in the user's
    cache folder (``$XDG_CACHE_HOME/workforce`` or ``~/.cache/workforce``),
    one file per vl-convert version; where that folder cannot be written, it
    is bundled each time.
    """
    from importlib import metadata

    import vl_convert as vlc

    version = metadata.version("vl-convert-python")
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "workforce"
    path = folder / f"vega-bundle-vl-convert-{version}.js"
    try:
        cached = path.read_text(encoding="utf-8")
        if "vegaEmbed" in cached:
            return cached
    except OSError:
        pass
    bundle = vlc.javascript_bundle()  # type: ignore[call-arg]  # the snippet is optional; the stub marks it required
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_text(bundle, encoding="utf-8")
        partial.replace(path)
    except OSError:
        pass
    return bundle


# ---------------------------------------------------------------- renderers


class ChartRenderer(Protocol):
    """What the board pack needs of a renderer: each chart submitted as drawn, then all of them finished."""

    def submit(self, folder: Path, name: str, spec: dict) -> None:
        """Render ``spec`` to ``folder/name.svg`` and ``folder/name.png`` (now or later)."""

    def finish(self) -> dict[str, str]:
        """Wait for every chart submitted: the charts that could not be rendered, with why (name -> error).

        Raises if the renderer itself broke down.
        """

    def cancel(self) -> None:
        """Stop: the folder is about to be removed."""


class InProcess:
    """Renders each chart in this process when it is submitted (SVG, then the PNG from it)."""

    def __init__(self) -> None:
        self._failed: dict[str, str] = {}

    def submit(self, folder: Path, name: str, spec: dict) -> None:
        """See :meth:`ChartRenderer.submit`."""
        try:
            render_svg(folder, name, spec)
            render_png(folder, name)
        except Exception as exc:  # reported by finish: one chart does not sink the pack
            self._failed[name] = _why(exc)

    def finish(self) -> dict[str, str]:
        """See :meth:`ChartRenderer.finish`."""
        return dict(self._failed)

    def cancel(self) -> None:
        """See :meth:`ChartRenderer.cancel`."""


def fast_start(first: Callable[[], object] | None = None) -> Renderer:
    """The board pack's speed machinery in a new process: a :class:`Renderer` whose workers start after ``warm_up``.

    ``first`` (:func:`workforce.publish.warm_up`: importing what the findings, charts and
    workbook need, and reading the benchmark's census tables, about a second
    in a new process) runs on a thread at once, while the exports are parsed; the two chart
    workers start when it is done (until then both cores are busy parsing and
    importing).  Give the renderer to :func:`workforce.publish.build_pack`.
    """
    if first is None:
        return Renderer()
    from concurrent.futures import Future

    done: Future = Future()

    def run() -> None:
        try:
            done.set_result(first())
        except BaseException as exc:  # reported where it matters, when the work itself runs
            done.set_exception(exc)

    threading.Thread(target=run, name="warm up", daemon=True).start()
    return Renderer(start_after=done.result)


# ---------------------------------------------------------------- the worker processes


class Renderer:
    """Charts rendered by two worker processes, beside the main work.

    ``python -m workforce.publish._render svg`` runs Vega and writes each chart's
    SVG; its output is piped into ``python -m workforce.publish._render png``, which
    draws each SVG as a PNG.  vl-convert holds Python's lock while it works,
    so threads would slow the main computation down; processes use the other
    core, and both cores once the main work is done.  Jobs go to the first
    worker's stdin as JSON lines and replies come back on the second one's
    stdout; :meth:`finish` waits for all of them and raises on the first
    failure.  :meth:`cancel` stops both workers.

    Parameters
    ----------
    start_after : callable, optional
        The workers start once it has returned (the pack waits for its
        imports: until then both cores are busy parsing and importing).
    """

    def __init__(self, start_after: Callable[[], object] | None = None) -> None:
        self._sent = 0
        self._processes: list = []
        self._lock = threading.RLock()   # the workers are started, or cancelled, once (a handler may cancel)
        self._cancelled = False
        self._folder: Path | None = None   # the workers' font configuration, removed when they are done
        self._started = threading.Event()
        if start_after is None:
            self._start(None)
        else:
            threading.Thread(target=self._start, args=(start_after,), name="start renderer", daemon=True).start()

    def _start(self, start_after) -> None:
        """Start the workers, once ``start_after()`` has returned (or raised: they are still needed)."""
        try:
            if start_after is not None:
                start_after()
        except Exception:  # noqa: S110 - whatever start_after waited for reports its own failure
            pass
        try:
            with self._lock:
                if not self._cancelled:
                    self._launch()
        except Exception:  # noqa: S110 - no workers: the pack says "the chart renderer could not be started"
            pass
        finally:
            self._started.set()

    def _launch(self) -> None:
        """Start the two workers (the lock held)."""
        import subprocess
        import tempfile

        self._folder = Path(tempfile.mkdtemp(prefix="workforce-render-"))
        env = _worker_environment(self._folder)
        # what the workers write to stderr (a crash's last words) is kept from the terminal, and read by finish
        errors = open(self._folder / "errors.txt", "w", encoding="utf-8")
        with errors:
            svg = subprocess.Popen([sys.executable, "-m", "workforce.publish._render", "svg"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=errors, text=True, encoding="utf-8", env=env)
            self._processes.append(svg)
            png = subprocess.Popen([sys.executable, "-m", "workforce.publish._render", "png"], stdin=svg.stdout,
                                   stdout=subprocess.PIPE, stderr=errors, text=True, encoding="utf-8", env=env)
        assert svg.stdout is not None  # stdout=PIPE
        svg.stdout.close()   # the png worker holds it now
        self._processes.append(png)
        for process in self._processes:   # the main work comes first: the charts are waited for at the end
            _lower_priority(process.pid)

    def _workers(self):
        self._started.wait()
        if len(self._processes) != 2:
            from ..errors import WorkforceError

            self.cancel()
            raise WorkforceError("the chart renderer could not be started.")
        return self._processes

    def submit(self, folder: Path, name: str, spec: dict) -> None:
        """See :meth:`ChartRenderer.submit`."""
        import json

        line = json.dumps({"folder": str(folder), "name": name, "spec": spec}, default=str)
        svg, _png = self._workers()
        svg.stdin.write(line + "\n")
        svg.stdin.flush()
        self._sent += 1

    def finish(self) -> dict[str, str]:
        """Wait for every chart: those that could not be rendered, with why; raises if a worker broke down."""
        import json

        from ..errors import WorkforceError

        svg, png = self._workers()
        svg.stdin.close()
        with png.stdout:
            replies = [json.loads(line) for line in png.stdout]
        for process in (svg, png):
            process.wait()
        last_words = self._last_words()
        self._remove_folder()
        if len(replies) != self._sent:
            raise WorkforceError(f"the chart renderer stopped after {len(replies)} of {self._sent} charts"
                                 + (f" ({last_words})." if last_words else "."))
        return {r["name"]: r["error"] for r in replies if not r["ok"]}

    def cancel(self) -> None:
        """See :meth:`ChartRenderer.cancel`: the workers are stopped, or never started."""
        with self._lock:
            self._cancelled = True
        for process in self._processes:
            process.kill()
            process.wait()
            for pipe in (process.stdin, process.stdout):   # closed here, not left to the garbage collector
                if pipe is not None and not pipe.closed:
                    try:
                        pipe.close()
                    except OSError:   # a killed worker cannot take what was still buffered
                        pass
        self._remove_folder()

    def _last_words(self) -> str:
        """The last line the workers wrote to stderr ("" if none)."""
        if self._folder is None:
            return ""
        try:
            lines = (self._folder / "errors.txt").read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        lines = [line.strip() for line in lines if line.strip()]
        return lines[-1][:200] if lines else ""

    def _remove_folder(self) -> None:
        import shutil

        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def _why(exc: BaseException) -> str:
    """One line saying why a chart could not be rendered (vl-convert appends a stack backtrace)."""
    text = str(exc).split("Stack backtrace")[0].strip().splitlines()
    if isinstance(exc, NothingToDraw):
        return text[0]
    return f"{type(exc).__name__}: {text[0] if text else ''}".strip()


def _lower_priority(pid: int) -> None:
    """Ten steps nicer than this process (at most 19)."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10))
    except (AttributeError, OSError):  # not on Windows; or the worker has already stopped
        pass


_WARM_UP = {"data": {"values": [{"a": "A", "b": 1}]}, "mark": "bar",
            "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}}}


def _serve(stage: str) -> None:
    """Run one worker: ``svg`` (a chart spec in, its SVG written) or ``png`` (an SVG in, its PNG written).

    Each reads JSON lines on stdin and writes one JSON line per job on
    stdout: ``{"ok": true, "folder", "name"}`` or ``{"ok": false, "name",
    "error"}``; the png worker passes failures of the svg worker on.
    """
    import json

    import vl_convert as vlc

    if stage == "svg":
        vlc.vegalite_to_svg(_use_font(_WARM_UP))   # Vega starts (about half a second) before the first chart
    for line in sys.stdin:
        job = json.loads(line)
        reply = {"ok": True, "folder": job.get("folder"), "name": job["name"]}
        try:
            if stage == "svg":
                render_svg(Path(job["folder"]), job["name"], job["spec"])
            elif job["ok"]:
                render_png(Path(job["folder"]), job["name"])
            else:
                reply = job
        except Exception as exc:  # reported to the main process, which notes it in the pack
            reply = {"ok": False, "name": job["name"], "error": _why(exc)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def _quietly(stage: str) -> int:
    """Run one worker; 0 when it is done, 1 when the main process has gone (stopped: nothing more to say)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C stops the main process, which stops the workers
    try:
        _serve(stage)
        sys.stdout.flush()
    except (BrokenPipeError, KeyboardInterrupt):
        return 1
    return 0


if __name__ == "__main__":
    # every chart is written; tearing down Vega's runtime would only keep the pack waiting
    os._exit(_quietly(sys.argv[1]))
