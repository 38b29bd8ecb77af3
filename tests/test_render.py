"""Rendering charts to SVG and PNG (workforce.publish._render), in-process and in the worker process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time

import pytest

from workforce.errors import WorkforceError
from workforce.publish import _render

SPEC = {"data": {"values": [{"group": "Asian", "share": 0.22}, {"group": "White", "share": 0.62}]},
        "mark": "bar", "title": "Shares by group",
        "encoding": {"y": {"field": "group", "type": "nominal"}, "x": {"field": "share", "type": "quantitative"}},
        "config": {"font": "Arial, Helvetica, sans-serif"}}


def test_the_font_goes_first_and_the_spec_is_not_changed():
    out = _render._use_font(SPEC)
    assert out["config"]["font"] == "Liberation Sans, Arial, Helvetica, sans-serif"
    assert SPEC["config"]["font"] == "Arial, Helvetica, sans-serif"
    assert _render._use_font({"mark": "bar"})["config"]["font"] == "Liberation Sans, Arial, Helvetica, sans-serif"


def test_render_writes_svg_and_png_in_the_font(tmp_path):
    _render.render_svg(tmp_path, "shares", SPEC)
    _render.render_png(tmp_path, "shares")
    svg = (tmp_path / "shares.svg").read_text(encoding="utf-8")
    families = set(re.findall(r'font-family="([^"]*)"', svg))
    assert families == {"Liberation Sans, Arial, Helvetica, sans-serif"}
    assert "Shares by group" in svg
    png = (tmp_path / "shares.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    width = int.from_bytes(png[16:20], "big")
    assert width == 2 * int(float(re.search(r'<svg[^>]*width="([\d.]+)"', svg).group(1)))   # twice the size


def test_workers_are_kept_from_the_machines_fonts(tmp_path):
    env = _render._worker_environment(tmp_path)
    assert env["PATH"] == os.environ["PATH"]                     # the rest of the environment is passed on
    config = tmp_path / "fonts.conf"
    assert env["FONTCONFIG_FILE"] == str(config)
    assert re.findall(r"<dir>(.*?)</dir>", config.read_text(encoding="utf-8")) == [str(tmp_path)]
    assert [p.name for p in tmp_path.iterdir()] == ["fonts.conf"]   # the only font folder holds no fonts


def test_text_is_drawn_without_the_machines_fonts(tmp_path):
    """vl-convert's own copy of the font draws the text when the machine's fonts are out of sight."""
    env = _render._worker_environment(tmp_path)
    script = ("import json, sys, vl_convert as vlc\n"
              "from workforce.publish import _render\n"
              "for name in ('words', 'blank'):\n"
              "    spec = {**json.loads(sys.argv[1]), 'title': 'Shares by group' if name == 'words' else ''}\n"
              "    svg = vlc.vegalite_to_svg(_render._use_font(spec))\n"
              "    open(sys.argv[2] + '/' + name + '.png', 'wb').write(vlc.svg_to_png(svg, scale=2))\n")
    subprocess.run([sys.executable, "-c", script, json.dumps(SPEC), str(tmp_path)], env=env, check=True,
                   capture_output=True)
    words, blank = ((tmp_path / f"{n}.png").read_bytes() for n in ("words", "blank"))
    assert len(words) > len(blank) + 1000    # the title's letters are in the image


def test_workers_font_folder_is_removed_when_they_are_done(tmp_path):
    finished, cancelled = _render.Renderer(), _render.Renderer()
    folders = [finished._folder, cancelled._folder]
    assert all(f is not None and (f / "fonts.conf").exists() for f in folders)
    finished.submit(tmp_path, "one", SPEC)
    finished.finish()
    cancelled.cancel()
    assert not any(f.exists() for f in folders)


def test_worker_renders_every_chart_it_is_sent(tmp_path):
    renderer = _render.Renderer()
    for name in ("one", "two"):
        renderer.submit(tmp_path, name, SPEC)
    renderer.finish()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.png", "one.svg", "two.png", "two.svg"]


def test_a_chart_that_fails_is_reported_by_name_and_the_others_are_rendered(tmp_path):
    for renderer in (_render.Renderer(), _render.InProcess()):
        folder = tmp_path / type(renderer).__name__
        folder.mkdir()
        renderer.submit(folder, "broken", {"mark": "no such mark"})
        renderer.submit(folder, "fine", SPEC)
        failed = renderer.finish()
        assert list(failed) == ["broken"] and failed["broken"].split(":")[0].endswith("Error")
        assert "Stack backtrace" not in failed["broken"] and "\n" not in failed["broken"]
        assert sorted(p.name for p in folder.iterdir()) == ["fine.png", "fine.svg"]


def test_a_renderer_that_breaks_down_is_a_plain_error(tmp_path):
    renderer = _render.Renderer()
    renderer.submit(tmp_path, "one", SPEC)
    renderer._sent += 1   # a reply that will never come: the workers stopped early
    with pytest.raises(WorkforceError, match="the chart renderer stopped after 1 of 2 charts"):
        renderer.finish()


def test_workers_start_only_once_start_after_has_returned(tmp_path):
    gate = threading.Event()
    renderer = _render.Renderer(start_after=gate.wait)
    time.sleep(0.2)
    assert renderer._processes == []          # still waiting
    gate.set()
    renderer.submit(tmp_path, "late", SPEC)
    renderer.finish()
    assert (tmp_path / "late.png").exists()


def test_workers_start_even_when_start_after_fails(tmp_path):
    def fails():
        raise RuntimeError("the parse failed; the reader will say why")

    renderer = _render.Renderer(start_after=fails)
    renderer.submit(tmp_path, "anyway", SPEC)
    renderer.finish()
    assert (tmp_path / "anyway.svg").exists()


def test_workers_run_at_lower_priority(tmp_path):
    renderer = _render.Renderer()
    try:
        own = os.getpriority(os.PRIO_PROCESS, 0)
        if own >= 19:
            pytest.skip("this process already runs at the lowest priority")
        assert all(os.getpriority(os.PRIO_PROCESS, p.pid) > own for p in renderer._workers())
    finally:
        renderer.cancel()


# ---------------------------------------------------------------- a chart with nothing to draw (issue 13)

#: Vega sizes a chart with no data and an untitled legend at 1.8e308 pixels ("SVG has an invalid size").
EMPTY = {"data": {"values": []}, "mark": "point", "encoding": {"color": {"field": "key", "title": None}}}


def _layered(rows: list[dict]) -> dict:
    """A ladder-like chart: a datum rule over points and intervals drawn from ``rows`` (a named dataset)."""
    return {"data": {"name": "d"}, "datasets": {"d": rows},
            "layer": [{"mark": "rule", "encoding": {"x": {"datum": 0.4}}},
                      {"mark": "point", "encoding": {"x": {"field": "share", "type": "quantitative"},
                                                     "y": {"field": "band", "type": "nominal"}}}]}


@pytest.mark.parametrize("spec, draws", [
    (SPEC, True),
    (EMPTY, False),
    (_layered([]), False),                                                      # only the datum rule is left
    (_layered([{"share": None, "band": "5"}, {"share": float("nan"), "band": "6"}]), False),   # all suppressed
    (_layered([{"share": None, "band": "5"}, {"share": 0.3, "band": "6"}]), True),
    (_layered([{"share": 0.3, "band": None}]), False),
    ({"hconcat": [_layered([]), SPEC]}, True),                                  # one of two views draws
    ({"data": {"url": "elsewhere.csv"}, "mark": "point", "encoding": {"x": {"field": "a", "type": "quantitative"}}},
     True),                                                                     # data not in the spec: drawn
    ({**_layered([{"other": 1}]), "transform": [{"calculate": "0.5", "as": "share"}]}, True),  # made by a transform
])
def test_a_chart_with_nothing_to_draw_is_found_before_it_is_rendered(spec, draws):
    reason = _render.nothing_to_draw(spec)
    assert (reason == "") == draws, reason
    if not draws:
        assert reason.startswith("nothing to draw") and "\n" not in reason


def test_a_chart_vega_cannot_size_is_refused_with_a_plain_reason_and_no_file(tmp_path):
    """The last guard: what Vega sizes at 1.8e308 pixels is not written (it used to fail in the PNG, with a
    Rust stack backtrace in the message)."""
    for renderer in (_render.Renderer(), _render.InProcess()):
        folder = tmp_path / type(renderer).__name__
        folder.mkdir()
        renderer.submit(folder, "empty", EMPTY)
        renderer.submit(folder, "fine", SPEC)
        failed = renderer.finish()
        assert list(failed) == ["empty"] and failed["empty"].startswith("nothing to draw"), failed
        assert sorted(p.name for p in folder.iterdir()) == ["fine.png", "fine.svg"]


def test_the_workers_run_without_rust_backtraces_and_their_stderr_is_kept_from_the_terminal(tmp_path, capfd):
    env = _render._worker_environment(tmp_path)
    assert env["RUST_BACKTRACE"] == "0" and env["RUST_LIB_BACKTRACE"] == "0"
    renderer = _render.Renderer()
    renderer.submit(tmp_path, "broken", {"mark": "no such mark"})
    renderer.finish()
    assert capfd.readouterr().err == ""


def test_a_worker_that_loses_the_main_process_stops_without_a_traceback(tmp_path):
    """The png worker's reader gone (the main process stopped): no BrokenPipeError traceback."""
    done = subprocess.run([sys.executable, "-c", "import sys, subprocess\n"
                           "p = subprocess.Popen([sys.executable, '-m', 'workforce.publish._render', 'png'], "
                           "stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
                           "p.stdout.close()\n"
                           "p.stdin.write(b'{\"ok\": false, \"name\": \"x\", \"error\": \"e\"}\\n' * 1000)\n"
                           "p.stdin.close()\n"
                           "print(p.wait(), p.stderr.read().decode())\n"],
                          capture_output=True, text=True, timeout=60)
    assert "Traceback" not in done.stdout and done.stdout.split()[0] in ("0", "1"), done.stdout
