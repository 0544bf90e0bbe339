"""report.html: one self-contained, printable page an auditor reads beside report.json.

The page needs no network: styles are inline, plots are inline SVG (``reductions.plots``)
whose text stays text, and the font stack names system fonts that show Chinese (Noto Sans
CJK, Source Han Sans, Microsoft YaHei, PingFang) before the generic ``sans-serif``; there
are no web fonts and no scripts. It shows the totals; per-interval BE, PE, LE and ER; each
monitored series with its gaps and filled intervals marked; the mass balances of chains as
stacked flows, and profiles along a chain (pressure, temperature) where the ledger has
them; the ER distribution when an uncertainty analysis was run; every ledger quantity
with the formula as the methodology writes it, its reference and its inputs, linked both
ways (``#q-SYMBOL``: inputs link to their rows, each row lists the quantities that use
it); parameters with their sources, defaults and override marks; declared adjustments
(name, value, unit, period, reason, source); findings; data quality;
meter calibrations and corrections; input hashes and software versions.

``render(report)`` works from report.json alone (``verify``, a reader with only the
report); :func:`render` given the ``series`` of a run (``reductions run --series``) plots
the monitored series at their own resolution instead of per reporting interval. The page
is a pure function of its arguments: the same report gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr

from . import plots
from .ledger import TOTALS

esc = html.escape

FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
    '"Hiragino Sans GB", "WenQuanYi Micro Hei", "Noto Sans", "DejaVu Sans", Arial, sans-serif'
)

CSS = f"""
:root{{color-scheme:light}}
body{{font-family:{FONT_STACK};margin:2em auto;max-width:60em;padding:0 1em;color:#111;
line-height:1.4}}
h1{{font-size:1.6em}}h2{{border-bottom:1px solid #999;margin-top:1.6em}}
table{{border-collapse:collapse;margin:0.5em 0;font-size:0.9em}}
td,th{{border:1px solid #bbb;padding:2px 6px;text-align:left;vertical-align:top}}
th{{background:#eee}}td.num{{text-align:right;font-variant-numeric:tabular-nums}}
code{{font-family:"DejaVu Sans Mono","Noto Sans Mono CJK SC",Consolas,monospace}}
.formula{{font-family:"DejaVu Sans Mono","Noto Sans Mono CJK SC",Consolas,monospace;
white-space:pre-wrap}}
.mark{{font-weight:bold;color:#a00}}.pass{{color:#064}}.fail,.overridden{{color:#a00;
font-weight:bold}}.cannot_check{{color:#850}}
figure.plot{{margin:1em 0;break-inside:avoid;page-break-inside:avoid}}
figure.plot svg{{max-width:100%;height:auto;font-family:{FONT_STACK}}}
figure.plot figcaption{{font-size:0.85em;color:#333}}
svg .tick{{font-size:11px;fill:#000}}svg .axis-label{{font-size:12px;fill:#000}}
svg .plot-title{{font-size:13px;font-weight:bold;fill:#000}}
svg .band-gap{{fill:#d00;fill-opacity:0.25}}svg .band-filled{{fill:#e69f00;fill-opacity:0.3}}
svg .bar-0{{fill:#0072B2}}svg .bar-1{{fill:#D55E00}}svg .bar-2{{fill:#009E73}}
svg .bar-3{{fill:#CC79A7}}svg .bar-4{{fill:#E69F00}}svg .bar-5{{fill:#56B4E9}}
svg .bar-6{{fill:#777}}svg .on-bar{{fill:#fff;font-size:10px}}
nav ol{{columns:2}}
tr:target{{background:#ffd}}
@media print{{
body{{margin:0;max-width:none;font-size:10pt}}
nav{{display:none}}
a{{color:inherit;text-decoration:none}}
h2{{break-after:avoid;page-break-after:avoid}}
section.big{{break-before:page;page-break-before:always}}
thead{{display:table-header-group}}tr{{break-inside:avoid;page-break-inside:avoid}}
svg .band-gap,svg .band-filled,svg [class^=bar]{{print-color-adjust:exact;
-webkit-print-color-adjust:exact}}
}}
"""

# --- helpers ------------------------------------------------------------------------------------


def anchor(symbol: str) -> str:
    """The id of a ledger quantity's row: ``q-`` and the symbol (characters outside
    ``[A-Za-z0-9_.-]`` as ``-XX`` hex)."""
    return "q-" + re.sub(r"[^A-Za-z0-9_.]", lambda m: f"-{ord(m.group()):x}", symbol)


def _num(v: Any) -> str:
    if v is None:
        return "NaN"
    if isinstance(v, bool) or not isinstance(v, int | float):
        return esc(str(v))
    if isinstance(v, int):
        return str(v)
    return f"{v:,.6g}" if math.isfinite(v) else str(v)


def _t(v: Any) -> str:
    return f"{v:,.3f}" if v is not None else "NaN"


def _epoch(text: str) -> float:
    """ISO 8601 text (with an offset, or UTC when it has none) -> seconds since the epoch."""
    t = dt.datetime.fromisoformat(text)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.timestamp()


def _axis_seconds(da: xr.DataArray) -> np.ndarray:
    """A series' time coordinate (UTC, naive datetime64) as seconds since the epoch."""
    t = np.asarray(da["time"].values).astype("datetime64[s]")
    return t.astype("int64").astype(float)


def _value_text(q: Mapping[str, Any]) -> str:
    if "value" in q:
        return _num(q["value"])
    s = q["summary"]
    if "total" in s:
        return f"total {_num(s['total'])}"
    return f"mean {_num(s['mean'])} (min {_num(s['min'])}, max {_num(s['max'])})"


def _total(q: Mapping[str, Any]) -> float | None:
    if "value" in q:
        return q["value"]
    return q.get("summary", {}).get("total")


def formulas(report: Mapping[str, Any]) -> dict[str, list[str]]:
    """Equation text by reference, from the methodology's own tags (empty when the
    methodology is not installed here: the page then shows the references alone)."""
    from .errors import ReductionsError
    from .registry import get

    m = report["methodology"]
    try:
        cls = get(m["id"], m["version"])
    except (ReductionsError, LookupError, ValueError):
        return {}
    out: dict[str, list[str]] = {}
    for e in cls.equation_list():
        texts = out.setdefault(e.reference, [])
        if e.text not in texts:
            texts.append(e.text)
    return out


def _lhs_symbol(text: str) -> str:
    lhs = text.split("=", 1)[0].strip() if "=" in text else ""
    return lhs.split(" ")[-1] if lhs else ""


def formula_of(symbol: str, reference: str, texts: Mapping[str, list[str]]) -> list[str]:
    """The formula(s) recorded under ``reference`` for ``symbol``: the one whose left side
    names the symbol (``BE`` for ``BE_y``, ``EG_PJ_y``), else every text of the reference."""
    cands = texts.get(reference, [])
    if len(cands) <= 1:
        return list(cands)
    mine = [
        t
        for t in cands
        if (lhs := _lhs_symbol(t).replace(",", "_"))
        and (lhs == symbol or lhs.startswith(symbol + "_") or symbol.startswith(lhs))
    ]
    return mine[:1] if mine else list(cands)


def _declared_parameters(report: Mapping[str, Any]) -> dict[str, Any]:
    from .errors import ReductionsError
    from .registry import get

    m = report["methodology"]
    try:
        cls = get(m["id"], m["version"])
    except (ReductionsError, LookupError, ValueError):
        return {}
    return {p.symbol: p for p in cls.parameters}


def _table(head: Sequence[str], rows: Sequence[str], cls: str = "") -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    c = f' class="{cls}"' if cls else ""
    return f"<table{c}><thead><tr>{th}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


# --- sections -----------------------------------------------------------------------------------


def _header(report: Mapping[str, Any]) -> str:
    m, p = report["methodology"], report["period"]
    comp = report["compliance"]
    status = (
        '<span class="pass">compliant</span>'
        if comp["compliant"]
        else '<span class="mark">NOT compliant</span>: overridden '
        + esc(", ".join(comp["overridden"]))
    )
    baseline = (
        f"; baseline {esc(p['baseline']['start'])} to {esc(p['baseline']['end'])}"
        if "baseline" in p
        else ""
    )
    return (
        f'<header><h1 id="title">{esc(report["project"]["name"])}</h1>'
        f"<p>{esc(m['id'])} {esc(m['version'])}: {esc(m['title'])}<br>"
        f"Period {esc(p['start'])} to {esc(p['end'])} ({esc(p['timezone'])}), "
        f"reported by {esc(p['reporting'])}{baseline}<br>"
        f"{esc(report['kind'])}; {status}<br>"
        f"Report created {esc(report['created'])}; schema {esc(report['schema'])}</p></header>"
    )


NAV = (
    ("totals", "Totals"),
    ("intervals", "Per reporting interval"),
    ("series", "Monitored series"),
    ("balances", "Balances and profiles"),
    ("uncertainty", "Uncertainty"),
    ("ledger", "Ledger"),
    ("findings", "Findings"),
    ("parameters", "Parameters"),
    ("adjustments", "Adjustments"),
    ("gwps", "GWPs"),
    ("data-quality", "Data quality"),
    ("calibrations", "Meter calibrations and corrections"),
    ("sources", "Sources"),
    ("inputs", "Inputs and software"),
)


def _nav(present: set[str]) -> str:
    items = "".join(f'<li><a href="#{k}">{v}</a></li>' for k, v in NAV if k in present)
    return f'<nav aria-label="contents"><ol>{items}</ol></nav>'


def _totals(report: Mapping[str, Any]) -> str:
    cells = "".join(
        f'<tr id="total-{s}"><th><a href="#{anchor(s)}">{s}</a></th>'
        f'<td class="num">{_t(report["totals"][s])}</td></tr>'
        for s in TOTALS
    )
    line = " &middot; ".join(f"{s} = {_t(report['totals'][s])}" for s in TOTALS)
    return (
        '<section id="totals"><h2>Totals [t CO2e]</h2>'
        f"<p>{line}</p>"
        f"<table>{cells}</table></section>"
    )


def _intervals(report: Mapping[str, Any]) -> str:
    ivs = report["intervals"]
    plot = plots.bar_plot(
        "plot-intervals",
        title="BE, PE, LE and ER per reporting interval",
        categories=[i["label"] for i in ivs],
        groups=[(s, [i[s] for i in ivs]) for s in TOTALS],
        xlabel=f"reporting interval ({report['period']['reporting']}, "
        f"{report['period']['timezone']})",
        ylabel="emissions [t CO2e]",
        caption="Baseline (BE), project (PE) and leakage (LE) emissions and the emission "
        "reductions ER = BE - PE - LE of each reporting interval.",
    )
    rows = [
        f"<tr><td>{esc(i['label'])}</td><td>{esc(i['start'])}</td><td>{esc(i['end'])}</td>"
        + "".join(f'<td class="num">{_t(i[s])}</td>' for s in TOTALS)
        + "</tr>"
        for i in ivs
    ]
    head = ["interval", "start", "end", *[f"{s} [t CO2e]" for s in TOTALS]]
    return (
        '<section id="intervals"><h2>Emission reductions per reporting interval</h2>'
        f"{plot}{_table(head, rows)}</section>"
    )


def _gap_bands(report: Mapping[str, Any], symbol: str) -> list[plots.Band]:
    out = []
    for t in report["data_quality"].values():
        for g in t["gaps"]:
            name = g["variable"]
            if not (name == symbol or name.startswith(symbol + "[") or name == "registers"):
                continue
            kind = "gap" if g["filled_by"] == "nothing" else "filled"
            label = (
                f"{name}: {g['start']} to {g['end']}, {g['intervals']} interval(s), "
                f"filled by {g['filled_by']} ({g['rule']})"
            )
            out.append(plots.Band(_epoch(g["start"]), _epoch(g["end"]), kind, label))
    return out


def _lines_of(symbol: str, da: xr.DataArray) -> list[plots.Line]:
    """One line per label of the dimensions beyond time (at most seven, the rest summed
    into one line)."""
    x = _axis_seconds(da)
    end = None
    if "time_end" in da.coords and x.size:
        last = np.asarray(da["time_end"].values[-1:]).astype("datetime64[s]")
        end = float(last.astype("int64")[0])

    def line(label: str, y: np.ndarray) -> plots.Line:
        """Each interval's value held over the interval (a step from its start to the
        next), to the end of the last interval."""
        if end is None:
            return plots.Line(label, x, y, step=True)
        return plots.Line(label, np.append(x, end), np.append(y, y[-1]), step=True)

    others = [d for d in da.dims if d != "time"]
    if not others:
        return [line(symbol, np.asarray(da.transpose("time").values, float))]
    stacked = da.stack(_label=others).transpose("time", "_label")
    labels = [
        ", ".join(str(v) for v in (lab if isinstance(lab, tuple) else (lab,)))
        for lab in stacked["_label"].values
    ]
    arr = np.asarray(stacked.values, float)
    lines = [line(f"{symbol} [{lab}]", arr[:, k]) for k, lab in enumerate(labels[:7])]
    if len(labels) > 7:
        lines.append(line(f"{symbol} (others, summed)", arr[:, 7:].sum(axis=1)))
    return lines


def _series(report: Mapping[str, Any], series: Mapping[str, xr.DataArray] | None) -> str:
    figs: list[str] = []
    notes: list[str] = []
    tz = report["period"]["timezone"]
    for q in report["quantities"]:
        if q["role"] != "monitored" or "dims" not in q:
            continue
        sym = q["symbol"]
        bands = _gap_bands(report, sym)
        da = series.get(sym) if series is not None else None
        if isinstance(da, xr.DataArray) and "time" in da.dims:
            lines = _lines_of(sym, da)
            what = "each monitoring interval, as the methodology received it"
        elif "by_interval" in q:
            starts = [_epoch(i["start"]) for i in report["intervals"]]
            ends = [_epoch(i["end"]) for i in report["intervals"]]
            vals = [q["by_interval"][i["label"]] for i in report["intervals"]]
            x = np.asarray([*starts, ends[-1]], float)
            y = np.asarray([*[np.nan if v is None else v for v in vals], np.nan], float)
            y[-1] = y[-2]
            lines = [plots.Line(f"{sym}, sum per reporting interval", x, y, step=True)]
            what = (
                "the sum of each reporting interval (run with --series for the series "
                "at its own resolution)"
            )
        else:
            notes.append(
                f"<li><a href='#{anchor(sym)}'><code>{esc(sym)}</code></a>: not summed per "
                "reporting interval in report.json; run with --series to plot it</li>"
            )
            continue
        desc = q["description"] or sym
        figs.append(
            plots.line_plot(
                f"plot-series-{anchor(sym)[2:]}",
                title=f"{sym}: {desc}",
                lines=lines,
                xlabel="time (UTC)",
                ylabel=f"{sym} [{q['unit']}]",
                bands=bands,
                caption=f"{sym} [{q['unit']}], {what}; {q['equation']}. "
                + (
                    f"{len(bands)} gap(s) marked: red not filled, orange filled by the "
                    "methodology's missing-data rule (see Data quality)."
                    if bands
                    else "No gaps."
                )
                + f" Local time zone of the project: {tz}.",
            )
        )
    if not figs and not notes:
        return ""
    extra = f"<ul>{''.join(notes)}</ul>" if notes else ""
    return f'<section id="series"><h2>Monitored series</h2>{"".join(figs)}{extra}</section>'


def _balances(report: Mapping[str, Any], series: Mapping[str, xr.DataArray] | None) -> str:
    """Stacked flows of each mass balance the methodology checked (what enters a node
    against what leaves it, is emitted or stays), and profiles along a chain."""
    by_symbol = {q["symbol"]: q for q in report["quantities"]}
    figs: list[str] = []
    for k, f in enumerate(report["findings"]):
        v = f["values"]
        if not (isinstance(v, dict) and "inflow" in v and "outflow" in v):
            continue
        units = {
            by_symbol[s]["unit"] for g in ("inflow", "outflow") for s in v[g] if s in by_symbol
        }
        unit = ", ".join(sorted(units)) or "t"

        def parts(groups: Sequence[str], v: Mapping[str, Any] = v) -> list[tuple[str, float]]:
            return [
                (s, float(_total(by_symbol[s]) or 0.0))
                for g in groups
                for s in v.get(g, [])
                if s in by_symbol
            ]

        figs.append(
            plots.stacked_bars(
                f"plot-balance-{k}",
                title=f"Balance {f['name']}",
                bars=[
                    ("in", parts(["inflow"])),
                    ("out + emitted + change", parts(["outflow", "emitted", "inventory_change"])),
                ],
                xlabel="flows over the period",
                ylabel=f"mass [{unit}]",
                caption=f"{f['clause']}: {f['message']} ({f['status']}). Each part is a "
                "ledger quantity's total over the period.",
            )
        )
    for q in report["quantities"]:
        da = series.get(q["symbol"]) if series is not None else None
        if not isinstance(da, xr.DataArray) or q["unit"] not in PROFILE_UNITS:
            continue
        along = [d for d in da.dims if d != "time"]
        if len(along) != 1 or da.sizes[along[0]] < 2:
            continue
        d = along[0]
        coord = np.asarray(da[d].values)
        numeric = np.issubdtype(coord.dtype, np.number)
        x = coord.astype(float) if numeric else np.arange(coord.size, dtype=float)
        mean = da.mean("time") if "time" in da.dims else da
        lines = [plots.Line(f"{q['symbol']} (mean over time)", x, np.asarray(mean.values, float))]
        if "time" in da.dims:
            lines += [
                plots.Line(f"{q['symbol']} (min)", x, np.asarray(da.min("time").values, float)),
                plots.Line(f"{q['symbol']} (max)", x, np.asarray(da.max("time").values, float)),
            ]
        figs.append(
            plots.line_plot(
                f"plot-profile-{anchor(q['symbol'])[2:]}",
                title=f"{q['symbol']} along {d}: {q['description']}",
                lines=lines,
                xlabel=f"{d}"
                + ("" if numeric else " (in order: " + ", ".join(map(str, coord)) + ")"),
                ylabel=f"{q['symbol']} [{q['unit']}]",
                time_axis=False,
                caption=f"{q['equation']}",
            )
        )
    if not figs:
        return ""
    return f'<section id="balances"><h2>Balances and profiles</h2>{"".join(figs)}</section>'


#: Units of state along a chain that get a profile plot (pressure and temperature).
PROFILE_UNITS = frozenset({"Pa", "kPa", "MPa", "bar", "K", "degC"})


def _uncertainty(uncertainty: Mapping[str, Any] | None) -> str:
    if uncertainty is None:
        return ""
    from .report import _jsonable
    from .uncertainty.render import html_section

    u = _jsonable(dict(uncertainty))
    mc, g = u["monte_carlo"], u["gum"]
    centre, uc = float(u["central_ER"]), float(g["u_c"])
    lo = min(mc["interval"][0], g["interval"][0], u["conservative_ER"])
    hi = max(mc["interval"][1], g["interval"][1])
    pad = max(hi - lo, 1e-9) * 0.35
    x = np.linspace(lo - pad, hi + pad, 241)
    lines = []
    if "histogram" in mc:
        edges = np.asarray(mc["histogram"]["edges"], float)
        counts = np.asarray(mc["histogram"]["counts"], float)
        dens = counts / max(counts.sum(), 1.0) / np.diff(edges)
        lines.append(
            plots.Line("Monte Carlo draws (histogram)", edges, np.append(dens, dens[-1]), step=True)
        )
    if uc > 0:
        pdf = np.exp(-0.5 * ((x - centre) / uc) ** 2) / (uc * math.sqrt(2 * math.pi))
        lines.append(plots.Line("GUM first order: normal(ER, u_c)", x, pdf))
    p = f"{u['settings']['confidence']:.0%}"
    markers = [
        plots.Marker(mc["interval"][0], f"MC {p} low"),
        plots.Marker(mc["interval"][1], f"MC {p} high"),
        plots.Marker(u["conservative_ER"], "conservative ER"),
    ]
    plot = plots.line_plot(
        "plot-er-distribution",
        title="Distribution of ER",
        lines=lines,
        xlabel="ER over the period [t CO2e]",
        ylabel="probability density [1/(t CO2e)]",
        time_axis=False,
        markers=markers,
        include_zero=True,
        caption=(
            f"The Monte Carlo {p} interval ({mc['draws']:,} draws) and the conservative ER "
            "are marked; the curve is the first-order (GUM) normal density around the "
            "central ER"
            + (
                "; the steps are the histogram of the Monte Carlo draws."
                if "histogram" in mc
                else "."
            )
        ),
    )
    return f'<section id="uncertainty">{html_section(u)}{plot}</section>'


def _ledger(report: Mapping[str, Any], texts: Mapping[str, list[str]]) -> str:
    quantities = report["quantities"]
    known = {q["symbol"] for q in quantities}
    used_by: dict[str, list[str]] = {}
    for q in quantities:
        for s in q["inputs"]:
            used_by.setdefault(s, []).append(q["symbol"])

    def link(s: str) -> str:
        if s in known:
            return f'<a href="#{anchor(s)}"><code>{esc(s)}</code></a>'
        return f"<code>{esc(s)}</code>"

    rows = []
    for q in quantities:
        sym = q["symbol"]
        forms = formula_of(sym, q["equation"], texts)
        formula = "".join(f'<div class="formula">{esc(t)}</div>' for t in forms)
        notes = "".join(f"<li>{esc(n)}</li>" for n in q.get("notes", []))
        dims = ", ".join(f"{d}: {n}" for d, n in q.get("dims", {}).items())
        rows.append(
            f'<tr id="{anchor(sym)}"><td><code>{esc(sym)}</code><br>'
            f"<small>{esc(q['role'])}</small></td>"
            f"<td>{esc(q['description'])}</td><td>{esc(q['unit'])}</td>"
            f'<td class="num">{_value_text(q)}'
            + (f"<br><small>{esc(dims)}</small>" if dims else "")
            + f"</td><td>{formula}<div>{esc(q['equation'])}</div>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + f"</td><td>{', '.join(link(s) for s in q['inputs']) or '-'}</td>"
            f"<td>{', '.join(link(s) for s in used_by.get(sym, [])) or '-'}</td></tr>"
        )
    head = ["symbol", "quantity", "unit", "value", "formula and source", "inputs", "used by"]
    return (
        '<section id="ledger" class="big"><h2>Ledger</h2>'
        "<p>Every number that contributes to ER, with the formula as the methodology writes "
        "it and its reference. Inputs link to their rows; each row lists the quantities "
        "that use it.</p>"
        f"{_table(head, rows, 'ledger')}</section>"
    )


def _findings(report: Mapping[str, Any]) -> str:
    rows = [
        f"<tr><td><code>{esc(f['name'])}</code></td>"
        f'<td class="{esc(f["status"])}">{esc(f["status"])}'
        + (' <span class="mark">[override]</span>' if f["status"] == "overridden" else "")
        + f"</td><td>{esc(f['clause'])}</td><td>{esc(f['message'])}</td>"
        f"<td>{esc(', '.join(f'{k} = {v}' for k, v in f['values'].items()))}</td></tr>"
        for f in report["findings"]
    ]
    comp = report["compliance"]
    verdict = (
        "compliant"
        if comp["compliant"]
        else "NOT compliant: overridden " + esc(", ".join(comp["overridden"]))
    )
    return (
        '<section id="findings"><h2>Findings</h2>'
        "<p>Applicability conditions, data sufficiency, balances and overrides.</p>"
        f"{_table(['finding', 'status', 'clause', 'message', 'values'], rows)}"
        f"<h2>Compliance</h2><p>{verdict}</p></section>"
    )


def _parameters(report: Mapping[str, Any]) -> str:
    declared = _declared_parameters(report)
    known = {q["symbol"] for q in report["quantities"]}
    overridden = {
        f["name"].rsplit(".parameters.", 1)[1]: f
        for f in report["findings"]
        if ".parameters." in f["name"] and f["status"] == "overridden"
    }
    rows = []
    for p in report["parameters"]:
        sym = p["symbol"]
        decl = declared.get(sym)
        if p["given"]:
            origin = "given in the project file"
            if "given_unit" in p:
                origin += f" as {esc(str(p['given_value']))} {esc(p['given_unit'])}"
        else:
            origin = "methodology default"
        default = "-"
        if decl is not None and decl.default is not None:
            default = esc(str(decl.default)) + (" (prescribed)" if decl.prescribed else "")
        mark = ""
        if sym in overridden:
            mark = (
                ' <span class="mark" title="overrides a prescribed value: the result is not '
                f'compliant">[override: {esc(overridden[sym]["message"])}]</span>'
            )
        ledger = f' <a href="#{anchor(sym)}">ledger</a>' if sym in known else ""
        vintage = f" (vintage {p['vintage']})" if "vintage" in p else ""
        rows.append(
            f'<tr id="p-{anchor(sym)[2:]}"><td><code>{esc(sym)}</code>{ledger}</td>'
            f'<td class="num">{_num(p["value"])}</td><td>{esc(p["unit"])}</td>'
            f"<td>{origin}{mark}</td><td>{default}</td><td>{esc(p['source'])}{vintage}</td></tr>"
        )
    head = ["symbol", "value", "unit", "origin", "methodology default", "source"]
    return f'<section id="parameters"><h2>Parameters</h2>{_table(head, rows)}</section>'


def _adjustments(report: Mapping[str, Any]) -> str:
    """The adjustments declared in the project file (``[[adjustment]]``), if any, with the
    part of each inside the period from the ledger quantities over ``adjustment``."""
    declared = report["project"].get("adjustments") or []
    if not declared:
        return ""
    inside: dict[str, list[str]] = {}
    for q in report["quantities"]:
        for name, v in q.get("by_label", {}).get("adjustment", {}).items():
            inside.setdefault(name, []).append(
                f'<a href="#{anchor(q["symbol"])}">{esc(q["symbol"])}</a>: '
                f"{_num(v)} {esc(q['unit'])}"
            )
    rows = []
    for a in declared:
        conv = a.get("converted") or {}
        shown = (
            f" ({_num(conv['value'])} {esc(str(conv['unit']))})"
            if conv and conv.get("unit") != a["unit"]
            else ""
        )
        rows.append(
            f"<tr><td>{esc(a['name'])}</td><td>{esc(a.get('kind', ''))}</td>"
            f'<td class="num">{_num(a["value"])}{shown}</td><td>{esc(a["unit"])}</td>'
            f"<td>{esc(a['start'])} to {esc(a['end'])}</td><td>{esc(a['reason'])}</td>"
            f"<td>{esc(a['source'])}</td>"
            f"<td>{'; '.join(inside.get(a['name'], [])) or '-'}</td></tr>"
        )
    head = ["name", "kind", "value", "unit", "period", "reason", "source", "in this period"]
    return (
        '<section id="adjustments"><h2>Adjustments</h2>'
        "<p>Declared in the project file; a positive value adds to the adjusted baseline. "
        "The last column is the part the methodology counted inside this report's period "
        f"(the ledger quantity, linked).</p>{_table(head, rows)}</section>"
    )


def _gwps(report: Mapping[str, Any]) -> str:
    rows = [
        f"<tr><td>{esc(p['from'])} to {esc(p['to'])}</td><td>{esc(g)}</td>"
        f'<td class="num">{v["value"]}</td><td>{esc(v["set"])}</td><td>{esc(v["source"])}</td>'
        f"<td>{esc(p['rule'])}</td></tr>"
        for p in report["gwp"]
        for g, v in p["values"].items()
    ]
    head = ["part of the period", "gas", "GWP", "set", "source", "rule"]
    return f'<section id="gwps"><h2>GWPs</h2>{_table(head, rows)}</section>'


def _quality_table(name: str, t: Mapping[str, Any]) -> str:
    outside = t["rows_outside_period"]
    items = [
        f"files: {esc(', '.join(t['files']))}; {t['rows']} rows, {t['intervals']} intervals "
        f"({esc(t['period'])} period)",
        f"interval: {esc(t['interval'])}; time zone {esc(t['timezone'])}",
        f"rows outside the period: {outside['before']} before, {outside['after']} after",
        f"rows sorted by time on reading: {'yes' if t.get('sorted_rows') else 'no'}",
    ]
    items += [f"inferred setting: {esc(k)} = {esc(repr(v))}" for k, v in t["detected"].items()]
    items += [f"resampled {esc(r)}" for r in t["resampled"]]
    items += [f"event: {esc(e)}" for e in t["events"]]
    items += [f"filled {n} interval(s) of {esc(k)}" for k, n in t["filled_intervals"].items()]
    gaps = [
        f"<tr><td>{esc(g['variable'])}</td><td>{esc(g['start'])}</td><td>{esc(g['end'])}</td>"
        f'<td class="num">{g["intervals"]}</td><td class="num">{g.get("hours", "")}</td>'
        f"<td>{esc(g['filled_by'])}</td><td>{esc(g['rule'])}</td></tr>"
        for g in t["gaps"]
    ]
    table = (
        _table(["variable", "from", "to", "intervals", "hours", "filled by", "rule"], gaps)
        if gaps
        else "<p>No gaps.</p>"
    )
    return (
        f'<h3 id="dq-{esc(name)}">Table {esc(name)}</h3><ul>'
        + "".join(f"<li>{i}</li>" for i in items)
        + f"</ul>{table}"
    )


def _quality(report: Mapping[str, Any]) -> str:
    body = "".join(_quality_table(n, t) for n, t in report["data_quality"].items())
    return (
        f'<section id="data-quality"><h2>Data quality</h2>{body or "<p>No tables.</p>"}</section>'
    )


def _calibrations(
    report: Mapping[str, Any], calibrations: Sequence[Mapping[str, Any]] | None
) -> str:
    records = list(calibrations or report.get("calibrations") or [])
    rows = [
        f"<tr><td><a href='#{anchor(c['variable'])}'><code>{esc(c['variable'])}</code></a></td>"
        f'<td>{esc(str(c["date"]))}</td><td class="num">{float(c["error"]):+.4%}</td>'
        f'<td class="num">{float(c["mpe"]):.4%}</td>'
        f"<td>{esc(str(c.get('accuracy_class') or '-'))}</td>"
        f"<td>{_class_result(c)}</td>"
        f"<td>{esc(str(c.get('certificate') or '-'))}</td></tr>"
        for c in records
    ]
    corrections = [
        f"<li><a href='#{anchor(q['symbol'])}'><code>{esc(q['symbol'])}</code></a> "
        f"({esc(q['description'])}): " + "; ".join(esc(n) for n in q["notes"]) + "</li>"
        for q in report["quantities"]
        if q.get("notes")
    ]
    if not rows and not corrections:
        return ""
    table = (
        _table(
            [
                "meter (variable)",
                "date",
                "error found",
                "MPE of class",
                "class",
                "result",
                "certificate",
            ],
            rows,
        )
        if rows
        else "<p>No calibration records in the report (they are listed when the page is "
        "written by the run).</p>"
    )
    notes = f"<h3>Corrections applied</h3><ul>{''.join(corrections)}</ul>" if corrections else ""
    return (
        '<section id="calibrations"><h2>Meter calibrations and corrections</h2>'
        f"{table}{notes}</section>"
    )


def _class_result(c: Mapping[str, Any]) -> str:
    if abs(float(c["error"])) > float(c["mpe"]):
        return '<span class="mark">out of class</span>'
    return "within class"


def _sources_inputs(report: Mapping[str, Any]) -> str:
    m = report["methodology"]
    sources = "".join(
        f"<li>{esc(s['code'])} {esc(s['version'])}: {esc(s['title'])}"
        + (f" ({esc(s['note'])})" if s.get("note") else "")
        + (f" &lt;{esc(s['url'])}&gt;" if s.get("url") else "")
        + "</li>"
        for s in m["sources"]
    )
    inputs = [
        f"<tr><td>{esc(i['path'])}</td><td><code>{esc(i['sha256'])}</code></td></tr>"
        for i in report["inputs"]
    ]
    software = [
        f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>"
        for k, v in sorted(report["software"].items())
    ]
    return (
        f'<section id="sources"><h2>Sources</h2><ul>{sources}</ul></section>'
        '<section id="inputs"><h2>Inputs</h2>'
        f"{_table(['file', 'sha256'], inputs)}"
        f"<h3>Software</h3>{_table(['package', 'version'], software)}"
        f"<p>Digest of report.json: <code>{esc(report['digest'])}</code>; verify tolerance "
        f"rtol {report.get('verify', {}).get('rtol', '')}.</p></section>"
    )


def render(
    report: Mapping[str, Any],
    uncertainty: Mapping[str, Any] | None = None,
    *,
    series: Mapping[str, xr.DataArray] | None = None,
    calibrations: Sequence[Mapping[str, Any]] | None = None,
) -> str:
    """The page for ``report`` (as in report.json).

    ``uncertainty``: the section ``reductions uncertainty`` writes (uncertainty.json);
    ``series``: ledger series by symbol (a run's, for ``--series``): the monitored ones are
    plotted at their own resolution, the rest per reporting interval; ``calibrations``:
    the meter calibration records of the run (dicts with variable, date, error, mpe,
    accuracy_class, certificate).
    """
    texts = formulas(report)
    parts = {
        "totals": _totals(report),
        "intervals": _intervals(report),
        "series": _series(report, series),
        "balances": _balances(report, series),
        "uncertainty": _uncertainty(uncertainty),
        "ledger": _ledger(report, texts),
        "findings": _findings(report),
        "parameters": _parameters(report),
        "adjustments": _adjustments(report),
        "gwps": _gwps(report),
        "data-quality": _quality(report),
        "calibrations": _calibrations(report, calibrations),
        "sources": _sources_inputs(report),
        "inputs": "",
    }
    present = {k for k, v in parts.items() if v} | {"inputs"}
    title = f"{report['project']['name']}: {report['methodology']['id']} report"
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>\n"
        + _header(report)
        + _nav(present)
        + "\n".join(v for v in parts.values() if v)
        + "\n</body></html>\n"
    )


def calibration_records(result: Any) -> list[dict[str, Any]]:
    """A run's meter calibration records as dicts (for :func:`render`)."""
    return [
        {
            "variable": c.variable,
            "date": c.date.isoformat(),
            "error": c.error,
            "mpe": c.mpe,
            "accuracy_class": c.accuracy_class,
            "certificate": c.certificate,
        }
        for c in sorted(result.inputs.calibrations, key=lambda c: (c.variable, c.date))
    ]


def ledger_series(result: Any) -> dict[str, xr.DataArray]:
    """Every series of a run's ledger by symbol (for :func:`render`)."""
    return {q.symbol: q.value for q in result.ledger if isinstance(q.value, xr.DataArray)}
