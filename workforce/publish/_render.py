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

import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

__all__ = ["FONT", "ChartRenderer", "InProcess", "Renderer", "fast_start", "render_png", "render_svg",
           "vega_bundle"]

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


def render_svg(folder: Path, name: str, spec: dict) -> None:
    """Write the chart as ``name.svg``, drawn by Vega in :data:`FONT`."""
    import vl_convert as vlc

    (folder / f"{name}.svg").write_text(vlc.vegalite_to_svg(_use_font(spec)), encoding="utf-8")


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
    """
    from xml.sax.saxutils import escape

    config = folder / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?>\n<fontconfig><dir>{escape(str(folder))}</dir></fontconfig>\n',
                      encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


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
        self._folder: Path | None = None   # the workers' font configuration, removed when they are done
        self._started = threading.Event()
        if start_after is None:
            self._start(None)
        else:
            threading.Thread(target=self._start, args=(start_after,), name="start renderer", daemon=True).start()

    def _start(self, start_after) -> None:
        """Start the workers, once ``start_after()`` has returned (or raised: they are still needed)."""
        import subprocess

        try:
            if start_after is not None:
                start_after()
        except Exception:  # noqa: S110 - whatever start_after waited for reports its own failure
            pass
        try:
            import tempfile

            self._folder = Path(tempfile.mkdtemp(prefix="workforce-render-"))
            env = _worker_environment(self._folder)
            svg = subprocess.Popen([sys.executable, "-m", "workforce.publish._render", "svg"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True, encoding="utf-8", env=env)
            self._processes.append(svg)
            png = subprocess.Popen([sys.executable, "-m", "workforce.publish._render", "png"], stdin=svg.stdout,
                                   stdout=subprocess.PIPE, text=True, encoding="utf-8", env=env)
            assert svg.stdout is not None  # stdout=PIPE
            svg.stdout.close()   # the png worker holds it now
            self._processes.append(png)
            for process in self._processes:   # the main work comes first: the charts are waited for at the end
                _lower_priority(process.pid)
        finally:
            self._started.set()

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
        self._remove_folder()
        if len(replies) != self._sent:
            raise WorkforceError(f"the chart renderer stopped after {len(replies)} of {self._sent} charts.")
        return {r["name"]: r["error"] for r in replies if not r["ok"]}

    def cancel(self) -> None:
        """See :meth:`ChartRenderer.cancel`."""
        self._started.wait()
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

    def _remove_folder(self) -> None:
        import shutil

        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def _why(exc: BaseException) -> str:
    """One line saying why a chart could not be rendered (vl-convert appends a stack backtrace)."""
    text = str(exc).split("Stack backtrace")[0].strip().splitlines()
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


if __name__ == "__main__":
    _serve(sys.argv[1])
    sys.stdout.flush()
    os._exit(0)   # every chart is written; tearing down Vega's runtime would only keep the pack waiting
