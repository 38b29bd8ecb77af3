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

Without Chromium the tests are skipped, unless the ``CI`` environment variable is set.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
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


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def pack(demo_pack) -> Path:
    """The demo pack, built once per run through the command line (tests/conftest.py; test_pack.py uses it too)."""
    out, done = demo_pack
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
