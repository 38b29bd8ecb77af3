"""The board pack's slides (``--slides``): one PowerPoint slide per chart drawn, with its title and source line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pptx = pytest.importorskip("pptx")
from PIL import Image  # noqa: E402 - installed with python-pptx

from workforce import cli  # noqa: E402
from workforce.errors import WorkforceError  # noqa: E402
from workforce.publish import _pack  # noqa: E402
from workforce.publish._page import Section  # noqa: E402
from workforce.publish._slides import SlideText, write_slides  # noqa: E402

EMU = 914_400
WIDE, HIGH = int(13.333 * EMU), int(7.5 * EMU)


def joined(spec: dict) -> str:
    """The chart's title as the test expects it, worked out here: the lines of title.text joined by spaces."""
    text = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]
    return " ".join(text) if isinstance(text, list) else text


def png(path: Path, size: tuple[int, int]) -> Path:
    Image.new("RGB", size, "white").save(path)
    return path


def texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def pictures(slide) -> list:
    return [shape for shape in slide.shapes if shape.shape_type == pptx.enum.shapes.MSO_SHAPE_TYPE.PICTURE]


def check_picture(slide, size: tuple[int, int]) -> None:
    """One picture, its shape kept, inside the slide, below the title and above the source line."""
    (picture,) = pictures(slide)
    assert picture.width / picture.height == pytest.approx(size[0] / size[1], rel=0.01)
    assert 0 <= picture.left and picture.left + picture.width <= WIDE
    title = slide.shapes.title
    source = [s for s in slide.shapes if s.has_text_frame and s.text_frame.text.startswith("Source: ")]
    assert picture.top >= title.top + title.height
    assert picture.top + picture.height <= source[0].top <= HIGH


# ---------------------------------------------------------------- hand-made parts (quick)


@pytest.fixture
def made(tmp_path):
    """Slides of two parts: three charts (wide, tall, small) and a chart left out; and a part left out."""
    charts = tmp_path / "charts"
    charts.mkdir()
    sizes = {"wide": (3000, 500), "tall": (700, 2400), "small": (200, 100)}
    for name, size in sizes.items():
        png(charts / f"{name}.png", size)
    specs = {"wide": {"title": {"text": ["A wide chart whose title", "runs over two lines"], "subtitle": "n = 9"}},
             "tall": {"title": {"text": "A tall chart"}},
             "small": {"title": "A small chart"}}
    sections = [Section("one", "Representation", object(), charts={n: specs[n] for n in ("wide", "tall")},
                        left_out={"gone": "nothing to draw: every figure it would show is suppressed or missing"}),
                Section("two", "Ladder — Trust A", object(), charts={"small": specs["small"]}),
                Section("three", "WRES — Trust A", None, notes=["WRES — Trust A: left out (no inputs)."])]
    text = SlideText("Workforce diversity board pack: Trust A", "Snapshot 31 March 2025 · counts from 1 to 7 suppressed",
                     "6,041 rows read, 6,041 used.", "Source: trust.xlsx, snapshot 31 March 2025", "Made by workforce.")
    path = write_slides(tmp_path / "slides.pptx", charts, sections, text)
    return pptx.Presentation(str(path)), specs, sizes


def test_a_slide_per_chart_with_its_title_and_picture(made):
    deck, specs, sizes = made
    slides = list(deck.slides)
    assert len(slides) == 1 + 3 + 1   # title, the charts drawn, the charts left out
    assert [s.shapes.title.text_frame.text for s in slides[1:4]] == [joined(specs[n]) for n in ("wide", "tall", "small")]
    assert slides[1].shapes.title.text_frame.text == "A wide chart whose title runs over two lines"
    for slide, name in zip(slides[1:4], ("wide", "tall", "small"), strict=True):
        check_picture(slide, sizes[name])
        assert "Source: trust.xlsx, snapshot 31 March 2025" in texts(slide)
    assert "Ladder — Trust A" in texts(slides[3])   # the part (and organisation) the chart belongs to
    assert (deck.slide_width, deck.slide_height) == (WIDE, HIGH)   # 16:9


def test_pictures_fill_the_slide_where_they_can(made):
    deck, _, sizes = made
    wide, tall, small = (pictures(s)[0] for s in list(deck.slides)[1:4])
    assert wide.width > 12 * EMU      # limited by the slide's width
    assert tall.height > 5 * EMU      # limited by the height left under the title
    assert small.width == pytest.approx(sizes["small"][0] / 96 * EMU, rel=0.01)   # at most twice its page size


def test_the_title_slide_and_the_charts_left_out(made):
    deck, _, _ = made
    first, last = deck.slides[0], list(deck.slides)[-1]
    assert first.shapes.title.text_frame.text == "Workforce diversity board pack: Trust A"
    words = "\n".join(texts(first))
    assert "Snapshot 31 March 2025" in words and "6,041 rows read" in words
    assert last.shapes.title.text_frame.text == "Charts left out"
    listed = "\n".join(texts(last))
    assert "Representation: a chart left out (nothing to draw: every figure it would show is suppressed" in listed
    assert "WRES — Trust A: left out (no inputs)." in listed
    assert not pictures(last)


def test_not_for_publication_on_every_slide(tmp_path):
    charts = tmp_path / "charts"
    charts.mkdir()
    png(charts / "c.png", (800, 600))
    text = SlideText("Pack", "Snapshot", not_for_publication="NOT FOR PUBLICATION: small numbers not suppressed")
    sections = [Section("one", "Part", object(), charts={"c": {"title": "C"}}, left_out={"d": "why"})]
    deck = pptx.Presentation(str(write_slides(tmp_path / "s.pptx", charts, sections, text)))
    assert len(deck.slides) == 3
    for slide in deck.slides:
        assert "NOT FOR PUBLICATION: small numbers not suppressed" in texts(slide)


def test_many_charts_left_out_go_on_over_several_slides(tmp_path):
    sections = [Section("one", "Part", object(), left_out={f"c{i}": f"reason {i}" for i in range(20)})]
    deck = pptx.Presentation(str(write_slides(tmp_path / "s.pptx", tmp_path, sections, SlideText("Pack", ""))))
    titles = [s.shapes.title.text_frame.text for s in deck.slides]
    assert titles == ["Pack", "Charts left out", "Charts left out (continued)"]
    listed = "\n".join(t for s in list(deck.slides)[1:] for t in texts(s))
    assert all(f"reason {i})" in listed for i in range(20))


# ---------------------------------------------------------------- without python-pptx


@pytest.fixture
def no_pptx(monkeypatch):
    """python-pptx as if not installed: importing it fails."""
    for name in [m for m in sys.modules if m == "pptx" or m.startswith("pptx.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pptx", None)


def test_build_pack_without_python_pptx_says_what_to_install(no_pptx, tmp_path):
    with pytest.raises(WorkforceError, match=r"python-pptx.*pip install 'workforce\[slides\]'") as caught:
        _pack.build_pack(None, out=tmp_path / "pack", slides=True)   # checked first, before the staff
    assert "slides=True" in str(caught.value)
    assert not (tmp_path / "pack").exists()


@pytest.mark.parametrize("command", [["report", "no-such-export.xlsx", "--area", "Leicester"], ["demo"]])
def test_the_command_line_without_python_pptx_stops_plainly_before_reading(no_pptx, tmp_path, capsys, command):
    code = cli.main([*command, "--slides", "--out", str(tmp_path / "pack")])
    err = capsys.readouterr().err
    assert code == 2
    assert "python-pptx" in err and "pip install 'workforce[slides]'" in err and "--slides" in err
    assert "no such file" not in err   # checked before the export is looked at
    assert "Traceback" not in err and "slides=True" not in err
    assert not (tmp_path / "pack").exists()


def test_the_command_line_passes_slides_on(monkeypatch, messy_export, tmp_path):
    asked = []
    monkeypatch.setattr(_pack, "build_pack", lambda staff, **options: asked.append(options["slides"]))
    for extra in (["--slides"], []):
        args = cli._parser().parse_args(["report", str(messy_export), "--out", str(tmp_path / "p"), *extra])
        cli._write_pack(args, renderer=None)
    assert asked == [True, False]
    assert cli._parser().parse_args(["demo", "--out", "x", "--slides"]).slides


# ---------------------------------------------------------------- a pack with slides


class Pictures:
    """A renderer that draws each chart as a blank PNG, alternately wide and tall; ``fail``: charts it cannot render."""

    def __init__(self, fail=()):
        self.sent, self.sizes, self.fail = {}, {}, set(fail)

    def submit(self, folder, name, spec):
        self.sent[name] = spec
        self.sizes[name] = (2400, 700) if len(self.sizes) % 2 == 0 else (900, 1800)
        png(folder / f"{name}.png", self.sizes[name])
        (folder / f"{name}.svg").write_text("<svg/>")

    def finish(self):
        return {name: "RuntimeError: SVG has an invalid size" for name in self.fail if name in self.sent}

    def cancel(self):
        pass


@pytest.fixture(scope="module")
def pack(soar, tmp_path_factory):
    """Soar Valley's pack against Leicester with slides; the age profile could not be rendered."""
    import workforce

    out = tmp_path_factory.mktemp("slides") / "pack"
    renderer = Pictures(fail={"age_profile"})
    _pack.build_pack(soar, out=out, benchmarks=workforce.population("Leicester"), renderer=renderer, slides=True,
                     progress=False)
    return out, renderer, pptx.Presentation(str(out / "slides.pptx"))


@pytest.mark.slow
def test_the_pack_has_a_slide_per_chart_drawn(pack):
    out, renderer, deck = pack
    manifest = json.loads((out / "manifest.json").read_text())
    drawn = [name for name in renderer.sent if name not in renderer.fail]
    assert sorted(drawn) == manifest["charts"] and len(drawn) >= 4   # the ladders of one 2025 snapshot: suppressed
    slides = list(deck.slides)
    assert len(slides) == 1 + len(drawn) + 1
    assert [s.shapes.title.text_frame.text for s in slides[1:-1]] == [joined(renderer.sent[n]) for n in drawn]
    for slide, name in zip(slides[1:-1], drawn, strict=True):
        check_picture(slide, renderer.sizes[name])
    left_out = "\n".join(texts(slides[-1]))
    assert "could not be rendered (RuntimeError: SVG has an invalid size)" in left_out
    assert "no WRES relative likelihood could be worked out" in left_out


@pytest.mark.slow
def test_the_source_line_names_files_not_folders(pack):
    out, _, deck = pack
    (source,) = {t for s in list(deck.slides)[1:-1] for t in texts(s) if t.startswith("Source: ")}
    assert source.startswith("Source: soar_valley_staff_in_post_2025-03-31.xlsx, snapshot 31 March 2025; "
                             "benchmark Leicester (E06000016); workforce ")
    assert source.endswith("; counts from 1 to 7 suppressed")
    assert "/" not in source and "\\" not in source
    assert str(Path.home()) not in source and str(out.parent) not in source
    assert deck.slides[0].shapes.title.text_frame.text == "Workforce diversity board pack: Soar Valley Hospitals NHS Trust"


@pytest.mark.slow
def test_the_manifest_lists_the_slides_and_a_pack_without_them_removes_them(pack, soar, tmp_path):
    out, _, _ = pack
    assert json.loads((out / "manifest.json").read_text())["slides"] == "slides.pptx"
    again = tmp_path / "pack"
    _pack.build_pack(soar, out=again, renderer=Pictures(), slides=True, progress=False)
    (again / "minutes.pptx").write_bytes(b"the board's own file")
    _pack.build_pack(soar, out=again, renderer=Pictures(), progress=False)
    assert not (again / "slides.pptx").exists()
    assert (again / "minutes.pptx").read_bytes() == b"the board's own file"
    assert json.loads((again / "manifest.json").read_text())["slides"] is None
