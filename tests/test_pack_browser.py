"""The demo board pack in a real browser (headless Chromium).

Two promises of the pack page are checked where only a browser can check them:

* every chart is drawn: each ``<div class="chart" id="chart-NAME">`` holds the ``<svg>`` that
  vega-embed renders (renderer 'svg'), as many as there are ``script.vega-spec`` elements and
  charts in ``manifest.json``, with no error in the page or on the console;
* the page fetches nothing from the network (Vega, Vega-Lite and vega-embed are inlined).

Chromium is driven from the command line only (no new dependencies): ``--dump-dom`` after a
virtual-time budget gives the DOM once the charts are drawn, ``--log-net-log`` records every
request, socket and host lookup the browser made, and ``--enable-logging=stderr`` gives the
page's console. Chromium also talks to Google on its own behalf (network time, account list,
component updates) even with ``--disable-background-networking``; those requests are told
apart from the page's by the net log itself (the page's carry its origin as initiator and the
page's site, ``file://``, in their network partition key). Control tests prove each check can
fail: a page loading an image from a host is flagged, and a pack with a broken chart spec is
too.

The layout is checked the same way (marked slow: each pack is loaded at 1400 px and 800 px): a copy
of the page with a measuring script (:data:`LAYOUT_SCRIPT`) waits until every chart is drawn, then
writes what it measured (each chart's SVG box, the boxes of its text elements and points along its
lines, in page coordinates; the page's widths) as JSON into ``<pre id="layout-report">``, read back
from ``--dump-dom``.  :func:`layout_problems` says what does not fit: text outside its chart's SVG,
two texts of a chart overlapping, axis labels run together, text cut with "…", a mark's label
struck through by a line, and the page scrolling sideways (except inside a ``.table-wrap``, the
box a wide table scrolls in).  Control tests prove each check can fail.

Without Chromium the tests are skipped, unless the ``CI`` environment variable is set.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-quic")
BROWSER_TIMEOUT = 60          # seconds for one page
VIRTUAL_TIME_MS = 20000       # virtual time given to the page before the DOM is dumped
# Schemes that never leave the machine.
LOCAL_SCHEMES = {"file", "data", "blob", "about", "chrome", "chrome-extension", "chrome-untrusted",
                 "devtools", "javascript", "filesystem"}
BROKEN_SPEC = '{"mark": "nonsense", "data": {"values": [{"a": 1}]}}'
ROOT = Path(__file__).parent.parent
SAMPLES = ROOT / "sample_data"
#: The ICB pack's exports: three organisations given one benchmark (--icb QK1).
ICB_EXPORTS = ("soar_valley_staff_in_post_2025-03-31.xlsx", "rutland_vale_staff_in_post_2025-03-31.xlsx",
               "charnwood_staff_in_post_2025-03-31.csv")
WIDTHS = (1400, 800)          # window widths the pack must fit: a desktop, and the narrowest supported
OVERLAP_TOLERANCE = 1.5       # px two text boxes may share (a glyph box is a little taller than its ink)
LABEL_GAP = 3                 # px at least between two labels of one axis, side by side


# ---------------------------------------------------------------- Chromium

def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        reason = f"headless Chromium not found on PATH (looked for {', '.join(CHROMIUM_NAMES)})"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI must run the browser tests (.ci/run installs Debian's chromium)")
        pytest.skip(reason)
    return found


@dataclass
class Visit:
    """What Chromium left behind after loading one page."""
    dom: str          # the DOM once the virtual-time budget ran out
    netlog: dict      # the parsed net log
    console: list[str]  # the page's console messages
    stderr: str


def load_netlog(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        # A browser that did not shut down cleanly leaves the events list open.
        return json.loads(text.rstrip().rstrip(",") + "]}")


def console_messages(stderr: str) -> list[str]:
    """The page's console messages from Chromium's log (``...:CONSOLE...] "message", source: ...``)."""
    return [m.group(1) for m in re.finditer(r':CONSOLE[^\]]*\] "(.*)", source: ', stderr)]


def visit(chromium: str, page: Path, workdir: Path) -> Visit:
    workdir.mkdir(parents=True, exist_ok=True)
    netlog = workdir / "netlog.json"
    command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={workdir / 'profile'}",
               f"--log-net-log={netlog}", "--net-log-capture-mode=Default",
               "--enable-logging=stderr", "--v=0",
               f"--virtual-time-budget={VIRTUAL_TIME_MS}", "--dump-dom", page.resolve().as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT)
    assert done.returncode == 0, f"chromium exited {done.returncode}:\n{done.stderr[-3000:]}"
    assert "<html" in done.stdout, f"chromium dumped no DOM:\n{done.stderr[-3000:]}"
    assert netlog.exists(), f"chromium wrote no net log:\n{done.stderr[-3000:]}"
    return Visit(dom=done.stdout, netlog=load_netlog(netlog), console=console_messages(done.stderr),
                 stderr=done.stderr)


# ---------------------------------------------------------------- reading the DOM

class _ChartParser(HTMLParser):
    """Each chart div, what was drawn in it, and the page's text outside scripts and styles."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.charts: dict[str, dict] = {}
        self.spec_targets: list[str] = []
        self.text: list[str] = []
        self._stack: list[tuple[str, str | None]] = []   # (tag, chart name opened by it)
        self._chart: str | None = None                   # chart div we are inside
        self._svg_depth = 0                              # depth inside that chart's first svg
        self._raw = 0                                    # inside script / style

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "script" and "vega-spec" in classes:
            self.spec_targets.append(a.get("data-target") or "")
        if tag in ("script", "style"):
            self._raw += 1
        opened = None
        if tag == "div" and "chart" in classes and (a.get("id") or "").startswith("chart-"):
            opened = a["id"][len("chart-"):]
            self.charts[opened] = {"svg": 0, "marks": 0, "width": 0.0, "height": 0.0, "text": []}
            self._chart = opened
        elif self._chart is not None:
            chart = self.charts[self._chart]
            if tag == "svg":
                chart["svg"] += 1
                if chart["svg"] == 1:
                    chart["width"] = _number(a.get("width"))
                    chart["height"] = _number(a.get("height"))
            if any(c.startswith("mark-") for c in classes):
                chart["marks"] += 1
        if tag not in self.VOID:
            self._stack.append((tag, opened))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._raw = max(0, self._raw - 1)
        # Pop to the matching open tag (tolerates unclosed elements).
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                for _, opened in self._stack[i:]:
                    if opened is not None and opened == self._chart:
                        self._chart = None
                del self._stack[i:]
                break

    def handle_data(self, data):
        if self._raw:
            return
        self.text.append(data)
        if self._chart is not None:
            self.charts[self._chart]["text"].append(data)


def _number(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError:
        return 0.0


def read_charts(dom: str) -> _ChartParser:
    parser = _ChartParser()
    parser.feed(dom)
    parser.close()
    return parser


# Vega, Vega-Lite and vega-embed errors as text in the page (not the word "error" in a narrative).
ERROR_TEXT = re.compile(r"\bUncaught\b|\b\w*Error: |\bInvalid specification\b|\bUnrecognized (?:signal|data set|scale)")
# Console errors: uncaught exceptions, Vega's logger ("ERROR ..."), any "...Error: ...".
CONSOLE_ERROR = re.compile(r"^\s*(?:ERROR|Uncaught)\b|\b\w*Error: ")


def chart_problems(dom: str, console: list[str] = ()) -> list[str]:
    """Why the page's charts are not all drawn; empty when they are."""
    page = read_charts(dom)
    problems = []
    if not page.charts:
        problems.append("no chart div in the page")
    for name, chart in page.charts.items():
        if not chart["svg"]:
            problems.append(f"chart {name!r}: no <svg> rendered")
        elif chart["width"] <= 0 or chart["height"] <= 0 or not chart["marks"]:
            problems.append(f"chart {name!r}: empty <svg> (size {chart['width']}x{chart['height']}, "
                            f"{chart['marks']} mark groups)")
        text = " ".join(chart["text"])
        if ERROR_TEXT.search(text):
            problems.append(f"chart {name!r} shows error text: {text.strip()[:200]}")
    divs = {f"chart-{name}" for name in page.charts}
    targets = set(page.spec_targets)
    if divs != targets or len(page.spec_targets) != len(page.charts):
        problems.append(f"chart divs {sorted(divs)} do not match the vega-spec targets {sorted(page.spec_targets)}")
    text = " ".join(page.text)
    for m in ERROR_TEXT.finditer(text):
        problems.append(f"error text in the page: ...{text[max(0, m.start() - 80):m.end() + 80].strip()}...")
    for message in console:
        if CONSOLE_ERROR.search(message):
            problems.append(f"console: {message}")
    return problems


# ---------------------------------------------------------------- reading the net log

@dataclass
class Network:
    page: list[str]      # requests, connections and lookups made for the page: must be none
    browser: list[str]   # Chromium's own traffic (network time, accounts, updates): reported only
    events: int


def _scheme(url: str) -> str:
    return url.split(":", 1)[0].lower() if ":" in url else ""


def network_activity(netlog: dict) -> Network:
    """Every URL request and host lookup in a Chromium net log, split into the page's and the browser's own.

    A URL request is the browser's own only when Chromium started it itself (initiator
    "not an origin") outside the page's network partition; everything else with a scheme that
    leaves the machine is the page's. A host lookup is the page's when it is made in the page's
    network partition (a ``file://`` top-frame site; this catches preconnect and DNS prefetch,
    which make no URL request) or is for a host none of the browser's own requests explain.
    """
    names = {number: name for name, number in netlog["constants"]["logEventTypes"].items()}
    page, browser, browser_hosts = [], [], set()
    lookups = []
    events = netlog.get("events", [])
    for event in events:
        kind = names.get(event.get("type"), "")
        params = event.get("params") or {}
        if kind == "URL_REQUEST_START_JOB" and "url" in params:
            url = params["url"]
            if _scheme(url) in LOCAL_SCHEMES:
                continue
            own = (params.get("initiator") == "not an origin"
                   and "file:" not in str(params.get("network_isolation_key", "")))
            line = f"{params.get('method', '?')} {url} (initiator {params.get('initiator')!r})"
            if own:
                browser.append(line)
                browser_hosts.add(_host(url))
            else:
                page.append(line)
        elif kind in ("HOST_RESOLVER_MANAGER_REQUEST", "HOST_RESOLVER_MANAGER_JOB") and "host" in params:
            lookups.append((params["host"], str(params.get("network_anonymization_key", ""))))
        elif kind in ("WEBSOCKET_SEND_HANDSHAKE_REQUEST", "HTTP_STREAM_JOB_CONTROLLER") and "url" in params:
            # Preconnects and websockets reach a host without a URL_REQUEST_START_JOB.
            lookups.append((params["url"], ""))
    for host, partition in lookups:
        if _scheme(host) in LOCAL_SCHEMES:
            continue
        if "file:" in partition or _host(host) not in browser_hosts:
            line = f"host lookup / connection: {host} (partition {partition!r})"
            if line not in page:
                page.append(line)
    return Network(page=page, browser=browser, events=len(events))


def _host(url: str) -> str:
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[0].split("?", 1)[0].lower()



# ---------------------------------------------------------------- measuring the layout

#: Injected at the end of a copy of the page: waits until every ``.chart`` holds its SVG (polling with
#: setTimeout, at most 15 s of virtual time), then measures and writes ``<pre id="layout-report">``.
LAYOUT_SCRIPT = r"""(function () {
  function visible(el, stop) {
    for (var e = el; e && e !== stop.parentNode; e = e.parentNode) {
      if (e.nodeType !== 1) continue;
      var s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.opacity) === 0) return false;
      var o = e.getAttribute('opacity') || e.getAttribute('fill-opacity');
      if (o !== null && parseFloat(o) === 0) return false;
    }
    return true;
  }
  function box(r) { return {left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX, bottom: r.bottom + scrollY}; }
  function role(t) {
    var g = t.closest('g[class*="role-"]');
    return g ? (g.getAttribute('class').match(/role-[\w-]+/) || [''])[0] : '';
  }
  function measure() {
    var report = {innerWidth: innerWidth, clientWidth: document.documentElement.clientWidth,
                  scrollWidth: document.documentElement.scrollWidth, charts: [], wide: []};
    document.querySelectorAll('.chart').forEach(function (chart) {
      var svg = chart.querySelector('svg');
      var entry = {id: chart.id, drawn: !!svg, texts: []};
      if (svg) {
        entry.svg = box(svg.getBoundingClientRect());
        entry.width = parseFloat(svg.getAttribute('width')) || 0;
        svg.querySelectorAll('text').forEach(function (t) {
          var words = (t.textContent || '').trim();
          if (!words || !visible(t, svg)) return;
          var r = t.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) return;
          entry.texts.push({text: words, role: role(t), box: box(r)});
        });
        // points along every line and rule drawn as a mark (not gridlines or axes), in page coordinates
        entry.lines = [];
        svg.querySelectorAll('g.mark-line.role-mark path, g.mark-rule.role-mark line, g.mark-rule.role-mark path').forEach(function (el) {
          if (!visible(el, svg) || typeof el.getTotalLength !== 'function') return;
          var total = 0, m = el.getScreenCTM();
          try { total = el.getTotalLength(); } catch (e) { return; }
          if (!m || !isFinite(total) || total <= 0) return;
          for (var d = 0; d <= total; d += 2) {
            var p = el.getPointAtLength(d), q = new DOMPoint(p.x, p.y).matrixTransform(m);
            entry.lines.push([q.x + scrollX, q.y + scrollY]);
          }
        });
      }
      report.charts.push(entry);
    });
    var limit = document.documentElement.clientWidth;
    document.querySelectorAll('body *').forEach(function (el) {
      if (el.closest('.table-wrap') || el.closest('svg') && el.tagName.toLowerCase() !== 'svg') return;
      var r = el.getBoundingClientRect();
      if (r.width > 0 && r.right + scrollX > limit + 0.5) {
        report.wide.push({tag: el.tagName.toLowerCase(), id: el.id || '', cls: String(el.className && el.className.baseVal !== undefined ? el.className.baseVal : el.className || ''),
                          right: r.right + scrollX});
      }
    });
    var pre = document.createElement('pre');
    pre.id = 'layout-report';
    pre.textContent = JSON.stringify(report);
    document.body.appendChild(pre);
  }
  function ready() {
    var charts = document.querySelectorAll('.chart');
    for (var i = 0; i < charts.length; i++) if (!charts[i].querySelector('svg')) return false;
    return true;
  }
  var tries = 0;
  function poll() {
    tries += 1;
    if (ready() || tries > 300) { setTimeout(measure, 200); } else { setTimeout(poll, 50); }
  }
  if (document.readyState === 'complete') poll(); else addEventListener('load', poll);
})();
"""


def layout(chromium: str, page: Path, width: int, workdir: Path, height: int = 3000) -> dict:
    """What the measuring script found on ``page`` in a window ``width`` px wide (see :data:`LAYOUT_SCRIPT`)."""
    workdir.mkdir(parents=True, exist_ok=True)
    text = page.read_text(encoding="utf-8")
    end = text.rfind("</body>")   # the last one: the inlined libraries hold the string too
    end = end if end >= 0 else len(text)
    probe = page.parent / f".layout-{width}-{page.name}"   # beside the page: it may load files next to it
    probe.write_text(text[:end] + f"<script>{LAYOUT_SCRIPT}</script>" + text[end:], encoding="utf-8")
    try:
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={workdir / 'profile'}",
                   f"--window-size={width},{height}", f"--virtual-time-budget={VIRTUAL_TIME_MS}", "--dump-dom",
                   probe.resolve().as_uri()]
        done = subprocess.run(command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT)
    finally:
        probe.unlink()
    assert done.returncode == 0, f"chromium exited {done.returncode}:\n{done.stderr[-3000:]}"
    found = re.search(r'<pre id="layout-report">(.*?)</pre>', done.stdout, flags=re.S)
    assert found, f"the measuring script wrote no report:\n{done.stderr[-3000:]}"
    return json.loads(html.unescape(found.group(1)))


def _overlap(a: dict, b: dict) -> tuple[float, float]:
    """How far two boxes overlap across and down, in px (negative: the gap between them)."""
    return (min(a["right"], b["right"]) - max(a["left"], b["left"]),
            min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]))


def layout_problems(report: dict) -> list[str]:
    """What does not fit in a measured page (see :func:`layout`); empty when everything does."""
    problems = []
    for chart in report["charts"]:
        name = chart["id"]
        if not chart["drawn"]:
            problems.append(f"{name}: not drawn")
            continue
        svg, texts = chart["svg"], chart["texts"]
        for t in texts:
            b, words = t["box"], t["text"][:70]
            if (b["left"] < svg["left"] - OVERLAP_TOLERANCE or b["right"] > svg["right"] + OVERLAP_TOLERANCE
                    or b["top"] < svg["top"] - OVERLAP_TOLERANCE or b["bottom"] > svg["bottom"] + OVERLAP_TOLERANCE):
                problems.append(f"{name}: {words!r} ({t['role']}) runs outside the chart")
            if "…" in t["text"]:
                problems.append(f"{name}: {words!r} ({t['role']}) is cut short")
            if t["role"] == "role-mark":
                struck = [p for p in chart.get("lines", []) if b["left"] + 1 < p[0] < b["right"] - 1
                          and b["top"] + 1 < p[1] < b["bottom"] - 1]
                if struck:
                    problems.append(f"{name}: {words!r} is struck through by a line")
        for i, a in enumerate(texts):
            for b in texts[i + 1:]:
                across, down = _overlap(a["box"], b["box"])
                both_labels = a["role"] == b["role"] == "role-axis-label"
                if (across > OVERLAP_TOLERANCE and down > OVERLAP_TOLERANCE) or (
                        both_labels and down > OVERLAP_TOLERANCE and across > -LABEL_GAP):
                    problems.append(f"{name}: {a['text'][:40]!r} ({a['role']}) and {b['text'][:40]!r} ({b['role']}) "
                                    + ("overlap" if across > OVERLAP_TOLERANCE else "run together"))
    if report["scrollWidth"] > report["clientWidth"]:
        problems.append(f"the page scrolls sideways: {report['scrollWidth']} px wide in a window of "
                        f"{report['clientWidth']} px")
    for element in report["wide"]:
        problems.append(f"<{element['tag']} id={element['id']!r} class={element['cls']!r}> reaches "
                        f"{element['right']:.0f} px, past the window's {report['clientWidth']} px")
    return problems


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def pack(demo_pack) -> Path:
    """The demo pack, built once per run through the command line (tests/conftest.py; test_pack.py uses it too)."""
    out, done = demo_pack
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def icb_pack(tmp_path_factory) -> Path:
    """A pack of three organisations of one ICB, each given the ICB's benchmark (--icb QK1), built once."""
    out = tmp_path_factory.mktemp("icb") / "pack"
    done = subprocess.run([sys.executable, "-m", "workforce.cli", "report", *(str(SAMPLES / f) for f in ICB_EXPORTS),
                           "--icb", "QK1", "--out", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def pack_visit(chromium, pack, tmp_path_factory) -> Visit:
    return visit(chromium, pack / "index.html", tmp_path_factory.mktemp("chromium-pack"))


# ---------------------------------------------------------------- the pack

def test_every_chart_is_drawn(chromium, pack, pack_visit):
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    page = read_charts(pack_visit.dom)
    assert chart_problems(pack_visit.dom, pack_visit.console) == []
    drawn = sorted(name for name, chart in page.charts.items() if chart["svg"] and chart["marks"])
    assert drawn == sorted(manifest["charts"])
    assert len(drawn) == len(page.spec_targets) == len(manifest["charts"]) > 0
    # The SVGs really are vega-embed's, drawn in the browser, not part of the file as written.
    assert "<svg" not in re.sub(r"<script.*?</script>", "", (pack / "index.html").read_text(encoding="utf-8"),
                                flags=re.S)


def test_the_pack_makes_no_network_request(chromium, pack_visit):
    network = network_activity(pack_visit.netlog)
    assert network.events > 0, "the net log recorded nothing: the network check would prove nothing"
    assert network.page == [], "the pack page reached for the network:\n" + "\n".join(network.page)


# ---------------------------------------------------------------- the checks can fail

def test_network_check_flags_a_page_that_loads_from_a_host(chromium, tmp_path):
    page = tmp_path / "remote.html"
    page.write_text('<!DOCTYPE html><html><head><link rel="preconnect" href="https://pre.example.invalid">'
                    '</head><body><img src="http://example.invalid/x.png"></body></html>', encoding="utf-8")
    network = network_activity(visit(chromium, page, tmp_path / "chromium").netlog)
    flagged = "\n".join(network.page)
    assert "http://example.invalid/x.png" in flagged
    assert "pre.example.invalid" in flagged     # a preconnect makes no URL request, only a lookup
    assert not any("example.invalid" in line for line in network.browser)


def test_chart_check_flags_a_pack_with_a_broken_chart(chromium, pack, tmp_path):
    html_text = (pack / "index.html").read_text(encoding="utf-8")
    spec = re.search(r'<script type="application/json" class="vega-spec" data-target="chart-([^"]+)">(.*?)</script>',
                     html_text, flags=re.S)
    broken = tmp_path / "index.html"
    broken.write_text(html_text[:spec.start(2)] + BROKEN_SPEC + html_text[spec.end(2):], encoding="utf-8")
    seen = visit(chromium, broken, tmp_path / "chromium")
    problems = chart_problems(seen.dom, seen.console)
    assert f"chart {spec.group(1)!r}: no <svg> rendered" in problems
    assert any(p.startswith("console: Uncaught") for p in problems)
    # Only the broken chart is missing: the others still draw.
    assert sum(p.endswith("no <svg> rendered") for p in problems) == 1


def test_chart_check_needs_an_svg_in_every_chart_div():
    spec = '<script type="application/json" class="vega-spec" data-target="chart-{0}">{{}}</script>'
    drawn = ('<div class="chart vega-embed" id="chart-a"><svg width="300" height="200" class="marks">'
             '<g class="mark-rect role-mark"></g></svg></div>' + spec.format("a"))
    empty = '<div class="chart" id="chart-b"></div>' + spec.format("b")
    # An svg only in a script (the inlined vega-embed bundle has some) does not count.
    in_script = '<div class="chart" id="chart-c"></div><script>var s = "<svg></svg>";</script>' + spec.format("c")
    assert chart_problems(f"<html><body>{drawn}</body></html>") == []
    assert chart_problems(f"<html><body>{drawn}{empty}</body></html>") == ["chart 'b': no <svg> rendered"]
    assert chart_problems(f"<html><body>{in_script}</body></html>") == ["chart 'c': no <svg> rendered"]
    assert chart_problems("<html><body><p>nothing</p></body></html>") == ["no chart div in the page"]
    assert chart_problems(f"<html><body>{drawn}</body></html>", ["Uncaught (in promise) Error: x"]) \
        == ["console: Uncaught (in promise) Error: x"]


# ---------------------------------------------------------------- the layout fits


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
def test_the_demo_pack_fits_the_window(chromium, pack, width, tmp_path):
    report = layout(chromium, pack / "index.html", width, tmp_path)
    assert report["innerWidth"] == width   # the window really is this wide
    assert len(report["charts"]) > 5 and all(chart["texts"] for chart in report["charts"] if chart["drawn"])
    assert layout_problems(report) == []


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
def test_the_icb_pack_fits_the_window(chromium, icb_pack, width, tmp_path):
    report = layout(chromium, icb_pack / "index.html", width, tmp_path)
    assert report["innerWidth"] == width
    assert any(chart["id"] == "chart-funnel" and chart["lines"] for chart in report["charts"])
    assert layout_problems(report) == []


# ---------------------------------------------------------------- the layout checks can fail

_SVG_PAGE = """<!DOCTYPE html><html><head><style>body{{margin:0;padding:0 16px}}
.table-wrap{{overflow-x:auto;max-width:100%}}</style></head><body>{body}</body></html>"""


def _svg_chart(name: str, inside: str, width: int = 300) -> str:
    return (f'<div class="chart" id="chart-{name}"><svg width="{width}" height="100" viewBox="0 0 {width} 100">'
            f'{inside}</svg></div>')


def test_layout_checks_flag_text_outside_overlapping_cut_struck_and_a_page_too_wide(chromium, tmp_path):
    label = '<g class="mark-text role-mark"><text x="{x}" y="{y}" font-size="12">{t}</text></g>'
    axis = '<g class="role-axis-label"><text x="{x}" y="50" font-size="12">{t}</text></g>'
    body = "".join([
        _svg_chart("clean", label.format(x=10, y=30, t="fits") + label.format(x=10, y=70, t="fits too")),
        _svg_chart("outside", label.format(x=280, y=50, t="runs past the right edge")),
        _svg_chart("overlap", label.format(x=10, y=50, t="one label") + label.format(x=20, y=52, t="another")),
        _svg_chart("crowded", axis.format(x=10, t="60%") + axis.format(x=38, t="65%")),
        _svg_chart("cut", label.format(x=10, y=50, t="WRES 4: White staff are more likely to access non…")),
        _svg_chart("struck", label.format(x=10, y=50, t="Soar Valley Hospitals NHS Trust")
                   + '<g class="mark-line role-mark"><path d="M0,46L300,46" stroke="black"></path></g>'),
        '<div id="too-wide" style="width:2000px">a row wider than any window</div>',
    ])
    page = tmp_path / "bad.html"
    page.write_text(_SVG_PAGE.format(body=body), encoding="utf-8")
    report = layout(chromium, page, 800, tmp_path / "chromium")
    assert report["innerWidth"] == 800
    problems = layout_problems(report)
    text = "\n".join(problems)
    assert not [p for p in problems if p.startswith("chart-clean")], text
    assert "chart-outside: 'runs past the right edge' (role-mark) runs outside the chart" in problems
    assert "chart-overlap: 'one label' (role-mark) and 'another' (role-mark) overlap" in problems
    assert "chart-crowded: '60%' (role-axis-label) and '65%' (role-axis-label) run together" in problems
    assert any(p.startswith("chart-cut: ") and p.endswith("is cut short") for p in problems), text
    assert "chart-struck: 'Soar Valley Hospitals NHS Trust' is struck through by a line" in problems
    assert any(p.startswith("the page scrolls sideways") for p in problems), text
    assert any(p.startswith("<div id='too-wide'") for p in problems), text


@pytest.mark.slow
def test_layout_checks_let_a_wide_table_scroll_in_its_box(chromium, tmp_path):
    wide = '<div class="table-wrap"><table><tr><td style="min-width:2000px">a wide table</td></tr></table></div>'
    page = tmp_path / "table.html"
    page.write_text(_SVG_PAGE.format(body=_svg_chart("clean", "") + wide), encoding="utf-8")
    report = layout(chromium, page, 800, tmp_path / "chromium")
    assert layout_problems(report) == []
    page.write_text(_SVG_PAGE.format(body=wide.replace('class="table-wrap"', "")), encoding="utf-8")
    assert any(p.startswith("the page scrolls sideways")
               for p in layout_problems(layout(chromium, page, 800, tmp_path / "chromium")))
