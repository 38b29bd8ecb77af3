"""Rendering charts to SVG and PNG (workforce._render), in-process and in the worker process."""

from __future__ import annotations

import os
import re
import threading
import time

import pytest

from workforce import _render
from workforce.errors import WorkforceError

SPEC = {"data": {"values": [{"group": "Asian", "share": 0.22}, {"group": "White", "share": 0.62}]},
        "mark": "bar", "title": "Shares by group",
        "encoding": {"y": {"field": "group", "type": "nominal"}, "x": {"field": "share", "type": "quantitative"}},
        "config": {"font": "Arial, Helvetica, sans-serif"}}


def test_shipped_fonts_and_licence_are_in_the_package():
    names = sorted(p.name for p in _render._FONTS.iterdir())
    assert {"WorkforceArimo-Regular.ttf", "WorkforceArimo-Bold.ttf", "OFL.txt", "README.md"} <= set(names)
    assert "SIL OPEN FONT LICENSE Version 1.1" in (_render._FONTS / "OFL.txt").read_text(encoding="utf-8")
    for font in ("WorkforceArimo-Regular.ttf", "WorkforceArimo-Bold.ttf"):
        data = (_render._FONTS / font).read_bytes()
        assert data[:4] == b"\x00\x01\x00\x00"          # a TrueType font
        assert "Workforce Arimo".encode("utf-16-be") in data   # its family name (Windows name records)


def test_the_shipped_font_goes_first_and_the_spec_is_not_changed():
    out = _render._use_font(SPEC)
    assert out["config"]["font"] == "Workforce Arimo, Arial, Helvetica, sans-serif"
    assert SPEC["config"]["font"] == "Arial, Helvetica, sans-serif"
    assert _render._use_font({"mark": "bar"})["config"]["font"] == "Workforce Arimo, Arial, Helvetica, sans-serif"


def test_render_writes_svg_and_png_in_the_shipped_font(tmp_path):
    _render.render_svg(tmp_path, "shares", SPEC)
    _render.render_png(tmp_path, "shares")
    svg = (tmp_path / "shares.svg").read_text(encoding="utf-8")
    families = set(re.findall(r'font-family="([^"]*)"', svg))
    assert families == {"Workforce Arimo, Arial, Helvetica, sans-serif"}
    assert "Shares by group" in svg
    png = (tmp_path / "shares.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    width = int.from_bytes(png[16:20], "big")
    assert width == 2 * int(float(re.search(r'<svg[^>]*width="([\d.]+)"', svg).group(1)))   # twice the size


def test_worker_renders_every_chart_it_is_sent(tmp_path):
    renderer = _render.Renderer()
    for name in ("one", "two"):
        renderer.submit(tmp_path, name, SPEC)
    renderer.finish()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.png", "one.svg", "two.png", "two.svg"]


def test_worker_failure_is_a_plain_error(tmp_path):
    renderer = _render.Renderer()
    renderer.submit(tmp_path, "broken", {"mark": "no such mark"})
    with pytest.raises(WorkforceError, match="could not be rendered to SVG and PNG.*broken"):
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
