"""Rendering charts to SVG and PNG, and the Vega script bundle, for the board pack.

Kept apart from :mod:`workforce._pack` so that a worker process can import
it without pandas or Altair: the pack renders its charts in a second process
while the main one computes the other findings and writes the tables.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

__all__ = ["render", "vega_bundle", "FONT"]

#: The font the SVG and PNG files are drawn in: Arimo (metric-compatible with
#: Arial), cut down to Latin text and shipped in ``workforce/data/fonts``, so
#: that the files look the same on every machine, with or without system
#: fonts.  Viewers without it fall back to Arial, whose widths are the same.
FONT = "Workforce Arimo"
_FONTS = Path(__file__).resolve().parent / "data" / "fonts"
_fonts_registered = False


def _use_font(spec: dict) -> dict:
    """The spec with :data:`FONT` first in its configured font list."""
    config = dict(spec.get("config") or {})
    config["font"] = f"{FONT}, {config.get('font') or 'Arial, Helvetica, sans-serif'}"
    return {**spec, "config": config}


def _register_fonts() -> None:
    global _fonts_registered
    if not _fonts_registered:
        import vl_convert as vlc

        vlc.register_font_directory(str(_FONTS))
        _fonts_registered = True


def render(folder: Path, name: str, spec: dict) -> None:
    """The chart as SVG, and as PNG (twice the size) from that SVG: Vega runs once per chart.

    Drawn in :data:`FONT`.  vl-convert reads the font file again for every
    piece of text; with this small file rendering takes a fifth less time
    than with the system's full fonts.
    """
    import vl_convert as vlc

    _register_fonts()
    svg = vlc.vegalite_to_svg(_use_font(spec))
    (folder / f"{name}.svg").write_text(svg, encoding="utf-8")
    (folder / f"{name}.png").write_bytes(vlc.svg_to_png(svg, scale=2))


def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script, from vl-convert.

    Bundling takes more than a second, so the bundle is kept in the user's
    cache folder (``$XDG_CACHE_HOME/workforce`` or ``~/.cache/workforce``),
    one file per vl-convert version; where that folder cannot be written, it
    is bundled each time.
    """
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
    bundle = vlc.javascript_bundle()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_text(bundle, encoding="utf-8")
        partial.replace(path)
    except OSError:
        pass
    return bundle


# ---------------------------------------------------------------- the worker process


class Renderer:
    """Charts rendered in a worker process (``python -m workforce._render``), beside the main work.

    vl-convert holds Python's lock for part of each render, so threads slow
    the main computation down; a separate process uses the second core
    instead.  Jobs go to the worker's stdin as JSON lines and replies come
    back on its stdout; :meth:`finish` waits for all of them and raises on
    the first failure.  :meth:`cancel` stops the worker.
    """

    def __init__(self, start_after: Callable[[], object] | None = None) -> None:
        self._sent = 0
        self._process = None
        self._started = threading.Event()
        if start_after is None:
            self._start(None)
        else:
            threading.Thread(target=self._start, args=(start_after,), name="start renderer", daemon=True).start()

    def _start(self, start_after) -> None:
        """Start the worker, once ``start_after()`` has returned (or raised: the worker is still needed)."""
        import subprocess

        try:
            if start_after is not None:
                start_after()
        except Exception:  # noqa: S110 - whatever start_after waited for reports its own failure
            pass
        try:
            self._process = subprocess.Popen([sys.executable, "-m", "workforce._render"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, text=True, encoding="utf-8")
        finally:
            self._started.set()

    def _worker(self):
        self._started.wait()
        if self._process is None:
            from .errors import WorkforceError

            raise WorkforceError("the chart renderer could not be started.")
        return self._process

    def submit(self, folder: Path, name: str, spec: dict) -> None:
        import json

        line = json.dumps({"folder": str(folder), "name": name, "spec": spec}, default=str)
        process = self._worker()
        process.stdin.write(line + "\n")
        process.stdin.flush()
        self._sent += 1

    def finish(self) -> None:
        import json

        from .errors import WorkforceError

        process = self._worker()
        process.stdin.close()
        replies = [json.loads(line) for line in process.stdout]
        process.wait()
        failed = [r for r in replies if not r["ok"]]
        if failed or len(replies) != self._sent:
            why = failed[0]["error"] if failed else f"the renderer stopped after {len(replies)} of {self._sent} charts"
            raise WorkforceError(f"a chart could not be rendered to SVG and PNG ({why}).")

    def cancel(self) -> None:
        self._started.wait()
        if self._process is not None:
            self._process.kill()
            self._process.wait()


_WARM_UP = {"data": {"values": [{"a": "A", "b": 1}]}, "mark": "bar",
            "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}}}


def _serve() -> None:
    import json

    import vl_convert as vlc

    _register_fonts()
    vlc.vegalite_to_svg(_use_font(_WARM_UP))   # Vega starts (about half a second) before the first chart arrives
    for line in sys.stdin:
        job = json.loads(line)
        try:
            render(Path(job["folder"]), job["name"], job["spec"])
            reply = {"ok": True, "name": job["name"]}
        except Exception as exc:  # reported to the main process, which stops the pack
            reply = {"ok": False, "name": job["name"], "error": f"{job['name']}: {type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _serve()
    sys.stdout.flush()
    os._exit(0)   # every chart is written; tearing down Vega's runtime would only keep the pack waiting
