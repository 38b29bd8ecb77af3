"""The board pack's slides: one PowerPoint slide per chart drawn, for board papers made as slides.

:func:`write_slides` writes ``slides.pptx`` (16:9) with python-pptx, an
optional dependency (``pip install 'workforce[slides]'``):

* a title slide: the pack's title, the line under it (snapshot, benchmark,
  small-numbers rule) and the data-quality sentence;
* one slide per chart drawn, in the page's order: the chart's title as the
  slide's title, the part it belongs to above it, the chart's PNG (as the
  pack publishes it in ``charts/``) as large as the slide allows with its
  shape kept, and a source line at the bottom (:func:`source_line`);
* a last slide listing the charts (and parts) left out, with why, if any.

A pack written without suppression says "NOT FOR PUBLICATION" on every slide.

Privacy: the slides hold only the PNG files and the words the pack already
publishes; no table.  The source line names files, never their folders.

Light on purpose (python-pptx imported only when the slides are written):
the command line calls :func:`check_slides` before it reads any data.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._display import sentence
from .._version import __version__
from .._wording import either
from ..errors import WorkforceError
from ._folder import SLIDES_FILE

if TYPE_CHECKING:
    from ._page import Section

__all__ = ["SLIDES_FILE", "SlideText", "check_slides", "chart_title", "source_line", "write_slides"]

#: The fix named when python-pptx is missing.
INSTALL = "pip install 'workforce[slides]'"

# The slide (16:9) and its parts, in inches.
_WIDE, _HIGH = 13.333, 7.5
_MARGIN = 0.4
_BANNER = 0.4            # the NOT FOR PUBLICATION line, when there is one
_KICKER = 0.35           # the part the chart belongs to
_TITLE = 0.95            # the chart's title: two lines
_SOURCE = 0.55           # the source line at the bottom
#: A chart's picture is enlarged at most this much beyond its size on the page (a small chart stays readable,
#: not blown up): the PNG is drawn at twice the page's pixels, so 2 is the PNG's own size at 96 dots per inch.
_MOST_ENLARGED = 2.0
_PAGE_DPI = 96 * 2       # the PNG's pixels per inch at its size on the page
_EMU = 914_400           # English Metric Units per inch
#: The most lines on one "Charts left out" slide (more go on to the next).
_LEFT_OUT_LINES = 10
_GREY = (0x59, 0x59, 0x59)
_RED = (0xC0, 0x00, 0x00)


@dataclass(frozen=True)
class SlideText:
    """The words of a pack that its slides repeat.

    Attributes
    ----------
    title : str
        The pack's title (without "NOT FOR PUBLICATION": ``not_for_publication`` says that).
    lede : str
        The line under the title: the snapshot, the benchmark and the small-numbers rule.
    quality : str
        The data-quality sentence ("" for none).
    source : str
        The source line of every chart's slide (:func:`source_line`).
    footer : str
        The small print of the title slide (made by, when; fictional data).
    not_for_publication : str
        "" for a pack that may be published; else what every slide says at its top.
    """

    title: str
    lede: str
    quality: str = ""
    source: str = ""
    footer: str = ""
    not_for_publication: str = ""


def check_slides() -> None:
    """Raise :class:`~workforce.errors.WorkforceError` naming the fix if python-pptx is not installed.

    Found without being imported (quick: the command line checks before it reads the data).
    """
    from importlib.util import find_spec

    try:
        found = find_spec("pptx") is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise _missing()


def _missing() -> WorkforceError:
    return WorkforceError(f"slides ({either('slides=True', '--slides')}) need the python-pptx package, which is not "
                          f"installed. Install it with: {INSTALL} (or leave {either('slides', '--slides')} out).")


def chart_title(spec: Mapping[str, Any]) -> str:
    """A Vega-Lite chart's title as one line: its ``title`` (text, or ``title.text``: a text or a list of lines).

    Examples
    --------
    >>> chart_title({"title": {"text": ["Asian staff are under-represented: 22% of staff against 45% of", "the "
    ...                                 "population"], "subtitle": "n = 5,805"}})
    'Asian staff are under-represented: 22% of staff against 45% of the population'
    >>> chart_title({"title": "Staff by band"}), chart_title({})
    ('Staff by band', '')
    """
    title = spec.get("title")
    text = title.get("text", "") if isinstance(title, Mapping) else title
    lines = text if isinstance(text, (list, tuple)) else [text]
    return " ".join(str(line).strip() for line in lines if line is not None and str(line).strip())


def source_line(files: Sequence[str], snapshot: dt.date | None, benchmark: Any, threshold: int | None) -> str:
    """The source line of every chart's slide: the files read, the snapshot, the benchmark, the version, the rule.

    Parameters
    ----------
    files : list of str
        The names of the files read, staff-in-post exports first (names only, never their folders: only the
        last part of a path is kept).  Past three, the first is named and the others counted.
    snapshot : date or None
        The latest snapshot.
    benchmark : dict or None
        The benchmark's provenance (``area``), or ``{"by organisation": ...}``.
    threshold : int or None
        The small-numbers threshold (None: nothing suppressed).

    Examples
    --------
    >>> import datetime as dt
    >>> source_line(["/home/me/trust.xlsx"], dt.date(2025, 3, 31), {"area": "Leicester"}, 8)  # doctest: +ELLIPSIS
    'Source: trust.xlsx, snapshot 31 March 2025; benchmark Leicester; workforce ...; counts from 1 to 7 suppressed'
    """
    names = [Path(str(f).replace("\\", "/")).name for f in files]
    named = ", ".join(names) if len(names) <= 3 else f"{names[0]} and {len(names) - 1} other files"
    words = [f"Source: {named}" + (f", snapshot {snapshot.day} {snapshot:%B %Y}" if snapshot else "")]
    if isinstance(benchmark, Mapping) and benchmark.get("area"):
        words.append(f"benchmark {benchmark['area']}")
    elif isinstance(benchmark, Mapping) and benchmark.get("by organisation"):
        words.append("each organisation against its own benchmark")
    words.append(f"workforce {__version__}")
    words.append("small numbers not suppressed" if threshold is None else f"counts from 1 to {threshold - 1} suppressed")
    return "; ".join(words)


def write_slides(path: Path, charts_dir: Path, sections: Sequence[Section], text: SlideText) -> Path:
    """Write ``slides.pptx``: a title slide, a slide per chart drawn, and the charts left out.

    Parameters
    ----------
    path : Path
        The file to write.
    charts_dir : Path
        The pack's ``charts`` folder, holding ``NAME.png`` for every chart drawn.
    sections : list of Section
        The pack's parts, in the page's order: each chart of ``section.charts`` (name -> Vega-Lite spec) has a
        slide; ``section.left_out`` (name -> why) and parts left out are listed on the last slide.
    text : SlideText
        The words the slides repeat from the pack.

    Returns
    -------
    Path
        ``path``.
    """
    try:
        from pptx import Presentation
        from pptx.util import Emu
    except ImportError:
        raise _missing() from None

    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(_emu(_WIDE)), Emu(_emu(_HIGH))
    _title_slide(deck, text)
    left_out: list[str] = []
    for section in sections:
        for name, spec in section.charts.items():
            png = charts_dir / f"{name}.png"
            size = _png_size(png)
            if size is None:
                left_out.append(f"{section.title}: a chart left out (its picture could not be read).")
                continue
            _chart_slide(deck, text, section.title, chart_title(spec) or section.title, png, size)
        left_out += [sentence(f"{section.title}: a chart left out ({why.rstrip('.')})")
                     for why in section.left_out.values()]
        if section.result is None:   # a part that could not be made: its notes say why
            left_out += [sentence(str(note)) for note in section.notes if str(note).strip()]
    for start in range(0, len(left_out), _LEFT_OUT_LINES):
        _left_out_slide(deck, text, left_out[start:start + _LEFT_OUT_LINES], continued=start > 0)
    properties = deck.core_properties
    properties.title, properties.author, properties.last_modified_by = text.title, f"workforce {__version__}", ""
    properties.subject, properties.comments = text.lede, ""
    properties.created = properties.modified = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    deck.save(str(path))
    return path


# ---------------------------------------------------------------- the slides


def _title_slide(deck, text: SlideText) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[0])   # Title Slide
    top = _banner(slide, text)
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    _place(title, _MARGIN, top + 1.6, _WIDE - 2 * _MARGIN, 1.6)
    _words(title.text_frame, [text.title], size=36, bold=True)
    _place(subtitle, _MARGIN, top + 3.3, _WIDE - 2 * _MARGIN, 2.2)
    _words(subtitle.text_frame, [line for line in (text.lede, text.quality) if line], size=18)
    if text.footer:
        _box(slide, [text.footer], _MARGIN, _HIGH - _SOURCE, _WIDE - 2 * _MARGIN, _SOURCE - 0.05, size=10, colour=_GREY)


def _chart_slide(deck, text: SlideText, part: str, title: str, png: Path, size: tuple[int, int]) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[5])   # Title Only
    top = _banner(slide, text)
    _box(slide, [part], _MARGIN, top + 0.1, _WIDE - 2 * _MARGIN, _KICKER, size=12, colour=_GREY)
    top += 0.1 + _KICKER
    heading = slide.shapes.title
    _place(heading, _MARGIN, top, _WIDE - 2 * _MARGIN, _TITLE)
    _words(heading.text_frame, [title], size=_title_size(title), bold=True)
    top += _TITLE + 0.1
    left, top, width, height = fit(size, _MARGIN, top, _WIDE - 2 * _MARGIN, _HIGH - _SOURCE - 0.05 - top)
    picture = slide.shapes.add_picture(str(png), _emu(left), _emu(top), _emu(width), _emu(height))
    picture._element.nvPicPr.cNvPr.set("descr", title)   # the alternative text a screen reader says
    _box(slide, [text.source], _MARGIN, _HIGH - _SOURCE, _WIDE - 2 * _MARGIN, _SOURCE - 0.05, size=9, colour=_GREY)


def _left_out_slide(deck, text: SlideText, lines: list[str], continued: bool) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[5])   # Title Only
    top = _banner(slide, text) + 0.1
    heading = slide.shapes.title
    _place(heading, _MARGIN, top, _WIDE - 2 * _MARGIN, _TITLE)
    _words(heading.text_frame, ["Charts left out" + (" (continued)" if continued else "")], size=28, bold=True)
    top += _TITLE + 0.2
    _box(slide, lines, _MARGIN, top, _WIDE - 2 * _MARGIN, _HIGH - _SOURCE - top, size=14)


def fit(size: tuple[int, int], left: float, top: float, width: float, height: float) -> tuple[float, ...]:
    """A picture of ``size`` pixels as large as the box allows, its shape kept, centred across the box.

    It is enlarged at most :data:`_MOST_ENLARGED` times beyond its size on the page.  Returns its left, top, width
    and height, in inches.

    Examples
    --------
    >>> fit((1920, 960), 0, 0, 12, 5)    # the height limits: 10 by 5 inches
    (1.0, 0, 10.0, 5.0)
    >>> fit((192, 96), 0, 0, 12, 5)      # a small picture: twice its size on the page
    (5.0, 0, 2.0, 1.0)
    """
    pixels_wide, pixels_high = size
    scale = min(width / pixels_wide, height / pixels_high, _MOST_ENLARGED / _PAGE_DPI)
    shown_wide, shown_high = pixels_wide * scale, pixels_high * scale
    return left + (width - shown_wide) / 2, top, shown_wide, shown_high


def _title_size(title: str) -> float:
    """The font size (points) at which a chart's title fits the title's box: in two lines, or three if long."""
    return 22 if len(title) <= 95 else 18 if len(title) <= 210 else 15


def _banner(slide, text: SlideText) -> float:
    """NOT FOR PUBLICATION at the top of the slide, if so; the height it takes."""
    if not text.not_for_publication:
        return 0.0
    _box(slide, [text.not_for_publication], _MARGIN, 0.05, _WIDE - 2 * _MARGIN, _BANNER - 0.05, size=14, bold=True,
         colour=_RED)
    return _BANNER


def _box(slide, lines: list[str], left: float, top: float, width: float, height: float, **style: Any) -> None:
    shape = slide.shapes.add_textbox(_emu(left), _emu(top), _emu(width), _emu(height))
    _words(shape.text_frame, lines, **style)


def _words(frame, lines: list[str], *, size: float, bold: bool = False, colour: tuple[int, int, int] | None = None
           ) -> None:
    """``lines`` as the paragraphs of a text frame, left-aligned and wrapped, in one style."""
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    frame.clear()
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = PP_ALIGN.LEFT
        run = paragraph.add_run()
        run.text = line
        run.font.size, run.font.bold = Pt(size), bold
        if colour is not None:
            run.font.color.rgb = RGBColor(*colour)


def _place(shape, left: float, top: float, width: float, height: float) -> None:
    shape.left, shape.top, shape.width, shape.height = _emu(left), _emu(top), _emu(width), _emu(height)


def _emu(inches: float) -> int:
    return int(round(inches * _EMU))


def _png_size(path: Path) -> tuple[int, int] | None:
    """A PNG file's width and height in pixels, from its header; None if it is not a PNG that can be read."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    wide, high = struct.unpack(">II", head[16:24])
    return (wide, high) if wide > 0 and high > 0 else None
