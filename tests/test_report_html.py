"""report.html (issue 13, item 1): self-contained, printable, deterministic, every ledger
quantity linked both ways, every plot with labelled axes and units; and, where a Chromium
can run, checked in a real headless browser (renders, no console messages, every plot
present, a screenshot with the page's text and plots on it, a PDF print).

The projects are the repository's examples, copied and changed one thing at a time: the
offshore wind farm under a Chinese name with the prescribed weights overridden, and the
manure project with one month of its operating days missing (filled with zero by its
rule, AMS-III.D table 17).
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr

from reductions import html_report, plots
from reductions.cli import main
from reductions.report import render_html

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CHINESE_NAME = "示例：山东海上风电场 300 MW（合成数据）"


# --- fixtures -----------------------------------------------------------------------------------


def _wind(tmp: Path) -> Path:
    src = tmp / "wind"
    shutil.copytree(EXAMPLES / "ccer-01-002-offshore-wind", src)
    toml = src / "project.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace(
        'name = "Example 300 MW offshore wind farm (synthetic data)"', f'name = "{CHINESE_NAME}"'
    ).replace("EF_grid_vintage = 2019", "EF_grid_vintage = 2019\nw_OM = 0.6\nw_BM = 0.4")
    toml.write_text(text, encoding="utf-8")
    return toml


def _manure(tmp: Path) -> Path:
    src = tmp / "manure"
    shutil.copytree(EXAMPLES / "ams-iii-d-manure", src)
    csv = src / "monitoring.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(",")
    assert cells[0] == "2024-03-01"
    cells[1] = ""  # days_operational of March 2024
    lines[3] = ",".join(cells)
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return src / "project.toml"


def _run(project: Path, out: Path, *extra: str) -> Path:
    assert main(["run", str(project), "-o", str(out), *extra]) == 0
    return out


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("html")
    wind, manure = _wind(tmp), _manure(tmp)
    return {
        "wind": _run(wind, tmp / "wind-out", "--series"),
        "wind-intervals": _run(wind, tmp / "wind-out-intervals"),
        "manure": _run(manure, tmp / "manure-out", "--series"),
        "building": _run(EXAMPLES / "ipmvp-option-c-building" / "project.toml", tmp / "b"),
    }


def _page(out: Path) -> str:
    return (out / "report.html").read_text(encoding="utf-8")


def _report(out: Path) -> dict[str, Any]:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


class Tree(HTMLParser):
    """Elements with their attributes, text per element, and nesting errors."""

    VOID = {"meta", "br", "img", "link", "input", "hr", "col", "source", "wbr"}
    SVG_LEAVES = {"rect", "line", "polyline", "circle", "path"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.svg_texts: list[tuple[str, str]] = []
        self._text_class: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        if tag == "text":
            self._text_class = a.get("class", "")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag == "text":
            self._text_class = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._text_class is not None:
            self.svg_texts.append((self._text_class, data))


def _parse(page: str) -> Tree:
    tree = Tree()
    tree.feed(page)
    tree.close()
    return tree


# --- without a browser --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["wind", "wind-intervals", "manure", "building"])
def test_page_parses_and_is_self_contained(outputs: dict[str, Path], name: str) -> None:
    """Well nested; no script, no stylesheet or image or font from anywhere; no http(s)
    address in any src or href (the only addresses are sources' URLs in plain text)."""
    page = _page(outputs[name])
    tree = _parse(page)
    assert tree.errors == [] and tree.stack == []
    tags = {t for t, _ in tree.elements}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed"}
    for _, attrs in tree.elements:
        for key in ("src", "href", "xlink:href", "action"):
            value = attrs.get(key, "")
            assert not re.match(r"\s*(https?:)?//", value), (key, value)
            if key == "href" and key in attrs:
                assert value.startswith("#"), value
    assert "@import" not in page and "url(" not in page and "@font-face" not in page


def test_chinese_name_and_cjk_font_stack(outputs: dict[str, Path]) -> None:
    page = _page(outputs["wind"])
    tree = _parse(page)
    assert f'<h1 id="title">{CHINESE_NAME}</h1>' in page
    assert CHINESE_NAME in "".join(tree.text)
    assert page.startswith('<!doctype html>\n<html lang="en"><head><meta charset="utf-8">')
    for font in ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC"):
        assert f'"{font}"' in html_report.FONT_STACK
    assert "@media print" in page and "break-before:page" in page


@pytest.mark.parametrize("name", ["wind", "wind-intervals", "manure", "building"])
def test_every_plot_has_a_title_axis_labels_with_units_and_ticks(
    outputs: dict[str, Path], name: str
) -> None:
    page = _page(outputs[name])
    figures = re.findall(r'<figure class="plot" id="([^"]+)">(.*?)</figure>', page, re.S)
    assert figures
    for fid, body in figures:
        tree = _parse(body)
        by_class: dict[str, list[str]] = {}
        for cls, text in tree.svg_texts:
            by_class.setdefault(cls, []).append(text)
        assert by_class.get("plot-title"), fid
        (xlabel,) = by_class["axis-label x-label"]
        (ylabel,) = by_class["axis-label y-label"]
        assert re.search(r"\[[^\]]+\]|\(UTC\)|\(month", xlabel + ylabel), (fid, xlabel, ylabel)
        assert re.search(r"\[[^\]]+\]$", ylabel), (fid, ylabel)
        assert len(by_class.get("tick", [])) >= 4, fid
        assert "<title>" in body and 'role="img"' in body


def test_plots_of_a_run(outputs: dict[str, Path]) -> None:
    """Per-interval BE/PE/LE/ER always; each monitored series; with --series at its own
    resolution (15 minutes: reduced to the min and max of each pixel column)."""
    wind = _page(outputs["wind"])
    assert 'id="plot-intervals"' in wind
    for sym in ("EG_export", "EG_import"):
        assert f'id="plot-series-{sym}"' in wind
    assert "each monitoring interval, as the methodology received it" in wind
    assert len(wind) < 400_000  # 35 136 quarter-hours do not go into the page one by one
    per_interval = _page(outputs["wind-intervals"])
    assert 'id="plot-series-EG_export"' in per_interval
    assert "the sum of each reporting interval (run with --series" in per_interval
    manure = _report(outputs["manure"])
    page = _page(outputs["manure"])
    for q in manure["quantities"]:
        if q["role"] == "monitored":
            assert f'id="plot-series-{html_report.anchor(q["symbol"])[2:]}"' in page


def test_gaps_and_filled_intervals_are_marked(outputs: dict[str, Path]) -> None:
    """March 2024 without operating days: filled with zero under table 17, shaded on the
    plot of nd_y with the rule in its tooltip, and listed under Data quality."""
    page = _page(outputs["manure"])
    (gap,) = _report(outputs["manure"])["data_quality"]["monitoring"]["gaps"]
    assert gap["variable"] == "nd_y" and gap["filled_by"] == "0 (conservative value)"
    fig = re.search(r'<figure class="plot" id="plot-series-nd_y">(.*?)</figure>', page, re.S)
    assert fig is not None
    assert 'class="band-filled"' in fig.group(1) and "filled by a missing-data rule" in fig.group(1)
    assert "filled by 0 (conservative value) (AMS-III.D v21.0 Data / Parameter table 17" in (
        fig.group(1)
    )
    assert "1 gap(s) marked" in fig.group(1)
    assert "filled 1 interval(s) of nd_y" in page
    assert "rows outside the period: 0 before, 0 after" in page
    assert "inferred setting: monitoring.csv: delimiter = &#x27;,&#x27;" in page


@pytest.mark.parametrize("name", ["wind", "manure", "building"])
def test_ledger_rows_link_both_ways(outputs: dict[str, Path], name: str) -> None:
    """Each quantity has id="q-SYMBOL"; its inputs link to their rows, and each row lists
    the quantities that use it, linked back."""
    page = _page(outputs[name])
    report = _report(outputs[name])
    ids = {a["id"] for _, a in _parse(page).elements if "id" in a}
    ledger = page[page.index('<section id="ledger"') :]
    ledger = ledger[: ledger.index("</section>")]
    rows = dict(re.findall(r'<tr id="(q-[^"]+)">(.*?)</tr>', ledger, re.S))
    assert len(rows) == len(report["quantities"])
    for q in report["quantities"]:
        a = html_report.anchor(q["symbol"])
        assert a in ids and a in rows
        cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[a], re.S)
        inputs_cell, used_by_cell = cells[-2], cells[-1]
        for s in q["inputs"]:
            assert f'href="#{html_report.anchor(s)}"' in inputs_cell, (q["symbol"], s)
            back = re.findall(r"<td[^>]*>(.*?)</td>", rows[html_report.anchor(s)], re.S)[-1]
            assert f'href="#{a}"' in back, (s, q["symbol"])
        assert (used_by_cell == "-") == (
            not any(q["symbol"] in r["inputs"] for r in report["quantities"])
        )
    # every in-page link lands on an element
    for _, attrs in _parse(page).elements:
        if attrs.get("href", "").startswith("#"):
            assert attrs["href"][1:] in ids, attrs["href"]


def test_formulas_as_the_methodology_writes_them(outputs: dict[str, Path]) -> None:
    page = _page(outputs["wind"])
    for symbol, formula in (
        ("BE", "BE_y = EG_PJ_y * EF_grid_CM_y"),
        ("EG_PJ_y", "EG_PJ_y = EG_export_y - EG_import_y"),
        ("EF_grid_CM_y", "EF_grid_CM_y = EF_grid_OM_y * w_OM + EF_grid_BM_y * w_BM"),
        ("EG_export_y", "EG_export_y = EG_export x (1 - |e_EG_export|)"),
    ):
        row = re.search(rf'<tr id="q-{symbol}">(.*?)</tr>', page, re.S)
        assert row is not None and f'<div class="formula">{formula}</div>' in row.group(1)


def test_parameters_defaults_overrides_calibrations(outputs: dict[str, Path]) -> None:
    """The weights given against the prescribed 0.5 are marked as overrides, with the
    prescribed default beside them; the calibration records and the correction notes of
    the meters are listed, the out-of-class one marked."""
    page = _page(outputs["wind"])
    row = re.search(r'<tr id="p-w_OM">(.*?)</tr>', page, re.S)
    assert row is not None
    assert "[override: parameters.w_OM = 0.6 overrides the value 0.5 prescribed" in row.group(1)
    assert "0.5 (prescribed)" in row.group(1) and 'href="#q-w_OM"' in row.group(1)
    assert "NOT compliant" in page
    distance = re.search(r'<tr id="p-distance_from_shore">(.*?)</tr>', page, re.S)
    assert distance is not None and "given in the project file as 38 km" in distance.group(1)
    cal = page[page.index('<section id="calibrations">') :]
    cal = cal[: cal.index("</section>")]
    assert cal.count("<tr><td><a href='#q-EG_export'>") == 3
    assert "-0.3500%" in cal and cal.count('<span class="mark">out of class</span>') == 1
    assert "4992 interval(s) without a valid calibration" in cal


def test_inputs_hashes_software_and_sections(outputs: dict[str, Path]) -> None:
    page = _page(outputs["building"])
    report = _report(outputs["building"])
    for entry in report["inputs"]:
        assert f"<td>{entry['path']}</td><td><code>{entry['sha256']}</code></td>" in page
    for k, v in report["software"].items():
        assert f"<tr><td>{k}</td><td>{v}</td></tr>" in page
    for heading in ("Ledger", "Findings", "Parameters", "GWPs", "Data quality", "Inputs"):
        assert f"<h2>{heading}</h2>" in page


def test_bytes_are_deterministic(outputs: dict[str, Path], tmp_path: Path) -> None:
    """Two writes of the same run give the same page, apart from the report's own
    ``created``; render_html from report.json alone gives the same bytes twice."""
    again = _run(_manure(tmp_path), tmp_path / "again", "--series")
    first, second = _report(outputs["manure"]), _report(again)

    def strip(page: str, report: dict[str, Any]) -> str:
        return page.replace(report["created"], "CREATED").replace(report["digest"], "DIGEST")

    assert strip(_page(again), second) == strip(_page(outputs["manure"]), first)
    report = _report(outputs["wind"])
    assert render_html(report) == render_html(json.loads(json.dumps(report)))


def test_render_from_report_json_alone(outputs: dict[str, Path]) -> None:
    """verify and readers without the run: the page from report.json has the same sections
    (series per reporting interval; no calibration records, the corrections still)."""
    report = _report(outputs["wind"])
    page = render_html(report)
    assert 'id="plot-series-EG_export"' in page and "<h2>Ledger</h2>" in page
    assert "Corrections applied" in page and "No calibration records in the report" in page


def test_check_and_uncertainty_sections_still_land(tmp_path: Path) -> None:
    """`reductions check` puts its section before the ledger; `reductions uncertainty`
    adds its section and the ER distribution plot."""
    ex = EXAMPLES / "ccer-01-002-offshore-wind"
    assert main(
        [
            "check",
            str(ex / "project.toml"),
            "--claimed",
            str(ex / "claim.toml"),
            "-o",
            str(tmp_path / "c"),
        ]
    ) in (0, 1)
    page = _page(tmp_path / "c")
    assert page.index("Check of a claimed result") < page.index("<h2>Ledger</h2>")
    assert _parse(page).errors == []
    rc = main(
        ["uncertainty", str(ex / "uncertainty.toml"), "-o", str(tmp_path / "u"), "--draws", "500"]
    )
    assert rc == 0
    page = _page(tmp_path / "u")
    assert "share of the variance of ER by input" in page and 'id="plot-er-distribution"' in page
    fig = re.search(r'id="plot-er-distribution">(.*?)</figure>', page, re.S)
    assert fig is not None and "conservative ER" in fig.group(1)


def test_balance_and_profile_plots() -> None:
    """A chain's mass balance (a finding with inflow/outflow, as Ledger.balance records)
    becomes stacked flows; a pressure along a pipeline's segments becomes a profile."""
    report = json.loads(json.dumps(_minimal_report()))
    seg = xr.DataArray(
        [[12.0e6, 11.0e6, 10.2e6]] * 2,
        dims=("time", "segment"),
        coords={
            "time": np.array(["2024-01-01", "2024-01-02"], "datetime64[ns]"),
            "segment": [0.0, 40.0, 80.0],
        },
    )
    page = html_report.render(report, series={"p_seg": seg})
    fig = re.search(r'id="plot-balance-0">(.*?)</figure>', page, re.S)
    assert fig is not None
    for part in ("m_captured", "m_stored", "m_vented"):
        assert part in fig.group(1)
    assert "mass [t]" in fig.group(1)
    prof = re.search(r'id="plot-profile-p_seg">(.*?)</figure>', page, re.S)
    assert prof is not None and "p_seg [Pa]" in prof.group(1)


def _minimal_report() -> dict[str, Any]:
    def q(symbol: str, unit: str, total: float, inputs: list[str] = []) -> dict[str, Any]:  # noqa: B006
        return {
            "symbol": symbol,
            "unit": unit,
            "role": "calculated",
            "equation": f"eq. {symbol}",
            "inputs": inputs,
            "description": symbol,
            "value": total,
        }

    quantities = [q("m_captured", "t", 100.0), q("m_stored", "t", 97.0), q("m_vented", "t", 3.0)]
    quantities += [
        {**q("p_seg", "Pa", 0.0), "value": None},
        q("BE", "t", 100.0, ["m_captured"]),
        q("PE", "t", 3.0, ["m_vented"]),
        q("LE", "t", 0.0),
        q("ER", "t", 97.0, ["BE", "PE", "LE"]),
    ]
    return {
        "schema": "reductions.report/2",
        "created": "2024-01-01T00:00:00+00:00",
        "project": {"name": "链 chain", "file": None},
        "kind": "monitored result",
        "methodology": {"id": "not.installed", "version": "1", "title": "t", "sources": []},
        "period": {
            "start": "2024-01-01",
            "end": "2024-01-02",
            "timezone": "UTC",
            "reporting": "period",
        },
        "unit": "t CO2e",
        "totals": {"BE": 100.0, "PE": 3.0, "LE": 0.0, "ER": 97.0},
        "intervals": [
            {
                "label": "2024",
                "start": "2024-01-01T00:00:00+00:00",
                "end": "2024-01-03T00:00:00+00:00",
                "BE": 100.0,
                "PE": 3.0,
                "LE": 0.0,
                "ER": 97.0,
            }
        ],
        "quantities": quantities,
        "parameters": [],
        "gwp": [],
        "findings": [
            {
                "name": "chain.balance.site",
                "clause": "ISO 27916 8.2",
                "status": "pass",
                "message": "balance closes to 0.0e+00",
                "values": {
                    "max_relative_residual": 0.0,
                    "rtol": 1e-9,
                    "inflow": ["m_captured"],
                    "outflow": ["m_stored"],
                    "emitted": ["m_vented"],
                    "inventory_change": [],
                },
            }
        ],
        "compliance": {"compliant": True, "overridden": []},
        "data_quality": {},
        "inputs": [],
        "software": {"python": "3"},
        "verify": {"rtol": 1e-9},
        "digest": "0" * 64,
    }


def test_nice_ticks_cover_the_range() -> None:
    assert plots.nice_ticks(0.0, 85_860.7) == [
        0.0,
        20_000.0,
        40_000.0,
        60_000.0,
        80_000.0,
        100_000.0,
    ]
    assert plots.nice_ticks(-3.0, 7.0) == [-4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 8.0]


# --- in a browser -------------------------------------------------------------------------------

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _browser() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip(
        f"no headless browser: none of {', '.join(BROWSERS)} is on PATH (.ci/run installs "
        "Debian's chromium with apt-get where it can; install it to run this check)"
    )


def _chromium(browser: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def _png(path: Path) -> np.ndarray:
    """An 8-bit RGB(A), non-interlaced PNG (what Chromium writes) as an array (h, w, 3)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert header is not None
    w, h, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0
    ch = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    out = np.zeros((h, w * ch), np.int32)
    stride = w * ch
    prev = np.zeros(stride, np.int32)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = np.frombuffer(raw, np.uint8, stride, y * (stride + 1) + 1).astype(np.int32)
        if f == 0:
            cur = line
        elif f == 2:
            cur = (line + prev) & 255
        else:
            cur = np.zeros(stride, np.int32)
            for i in range(stride):
                a = cur[i - ch] if i >= ch else 0
                b = prev[i]
                c = prev[i - ch] if i >= ch else 0
                if f == 1:
                    pred = a
                elif f == 3:
                    pred = (a + b) // 2
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[i] = (line[i] + pred) & 255
        out[y] = cur
        prev = cur
    return out.reshape(h, w, ch)[:, :, :3]


def test_in_a_headless_browser(outputs: dict[str, Path], tmp_path: Path) -> None:
    """The page renders in Chromium with no console message; the DOM it built holds every
    plot; a screenshot shows dark text at the top (the title), the plots' blue and orange
    and mostly white paper; printing gives a PDF of several pages."""
    browser = _browser()
    page = outputs["manure"] / "report.html"
    url = page.resolve().as_uri()
    dom = _chromium(browser, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert _console(dom.stderr) == []
    figures = re.findall(r'<figure class="plot" id="([^"]+)"', page.read_text(encoding="utf-8"))
    assert len(figures) >= 3
    for fid in figures:
        assert f'id="{fid}"' in dom.stdout
    assert dom.stdout.count("<svg") >= len(figures)
    shot = Path(__file__).resolve().parents[1] / ".pytest_cache" / "report-html-screenshot.png"
    shot.parent.mkdir(exist_ok=True)
    res = _chromium(browser, "--window-size=1100,1800", f"--screenshot={shot}", url)
    assert res.returncode == 0 and shot.exists(), res.stderr[-2000:]
    assert _console(res.stderr) == []
    img = _png(shot)
    assert img.shape[:2] == (1800, 1100)
    white = (img > 235).all(axis=2).mean()
    assert 0.6 < white < 0.995, white
    top = img[:120]
    assert ((top < 80).all(axis=2)).sum() > 500  # the title's dark glyphs
    blue = (abs(img - np.array([0, 114, 178])) < 30).all(axis=2).sum()
    orange = (abs(img - np.array([213, 94, 0])) < 30).all(axis=2).sum()
    assert blue > 200 and orange > 20, (blue, orange)
    pdf = tmp_path / "report.pdf"
    res = _chromium(browser, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", url)
    assert res.returncode == 0 and pdf.exists(), res.stderr[-2000:]
    assert pdf.read_bytes().count(b"/Type /Page\n") + pdf.read_bytes().count(b"/Type /Page ") >= 0
    assert len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes())) >= 3


def test_console_messages_are_caught(tmp_path: Path) -> None:
    """The console check above sees a page's console.error (so an empty list means
    something)."""
    browser = _browser()
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><p>x</p><script>console.error("boom-1")</script>', "utf-8")
    res = _chromium(browser, "--dump-dom", bad.as_uri())
    assert any("boom-1" in line for line in _console(res.stderr))
