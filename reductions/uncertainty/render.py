"""The uncertainty section of report.html: results, conservative ER and a bar plot of the
inputs' shares of the variance of ER."""

from __future__ import annotations

import html
from typing import Any


def html_section(u: dict[str, Any]) -> str:
    """HTML for the ``uncertainty`` section of a report (as in report.json)."""
    esc = html.escape
    mc, g, s = u["monte_carlo"], u["gum"], u["settings"]
    p = f"{s['confidence']:.0%}"
    rows = [
        ("ER (central)", f"{u['central_ER']:,.3f}"),
        (
            f"Monte Carlo: mean, u, {p} interval",
            f"{mc['mean']:,.3f}, {mc['std']:,.3f}, [{mc['interval'][0]:,.3f}, "
            f"{mc['interval'][1]:,.3f}]",
        ),
        (
            "Monte Carlo draws",
            f"{mc['draws']:,} in {mc['sequences']} sequence(s), "
            + (
                "fixed number"
                if s["draws"] is not None
                else ("stabilised" if mc["stabilised"] else "NOT stabilised")
            )
            + f" (seed {s['seed']}, {esc(s['generator'])})",
        ),
        (
            f"GUM first order: u_c, {p} interval",
            f"{g['u_c']:,.3f}, [{g['interval'][0]:,.3f}, {g['interval'][1]:,.3f}]"
            + ("" if g["complete"] else " (incomplete)"),
        ),
        ("GUM validated by Monte Carlo", "yes" if u["validation"]["validated"] else "no"),
        (
            f"Conservative ER ({esc(u['conservative_rule'])})",
            f"<b>{u['conservative_ER']:,.3f}</b>",
        ),
    ]
    for d in u["deductions"]:
        rows.append(
            (
                f"{esc(d['rule'])} ({esc(d['applies_to'])})",
                f"uncertainty {d['uncertainty_fraction']:.2%}, deduction "
                f"{d['deduction_fraction']:.2%}: {d['conservative_ER']:,.3f}",
            )
        )
    table = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows)
    ranking = u["ranking"]
    width, bar_h = 320, 18
    bars = "".join(
        f'<text x="0" y="{k * bar_h + 13}" font-size="12">{esc(r["input"])}</text>'
        f'<rect x="230" y="{k * bar_h + 3}" width="{max(r["share"], 0) * width:.1f}" '
        f'height="{bar_h - 6}" fill="#37a"><title>{esc(r["input"])}: '
        f"{r['share']:.2%} of the variance of ER</title></rect>"
        f'<text x="{236 + max(r["share"], 0) * width:.1f}" y="{k * bar_h + 13}" '
        f'font-size="11">{r["share"]:.1%}</text>'
        for k, r in enumerate(ranking)
    )
    svg = (
        f'<svg width="{230 + width + 60}" height="{len(ranking) * bar_h + 6}" role="img" '
        f'aria-label="share of the variance of ER by input">{bars}</svg>'
    )
    rank_rows = "".join(
        f"<tr><td><code>{esc(r['input'])}</code></td><td>{r['share']:.2%}</td><td>"
        + (f"{r['mc_r2']:.2%}" if r["mc_r2"] is not None else "-")
        + "</td></tr>"
        for r in ranking
    )
    inputs = "".join(
        f"<tr><td><code>{esc(i['symbol'])}</code></td><td>{esc(i['role'])}</td>"
        f"<td>{esc(i['distribution'])}</td><td>{i['standard_uncertainty']:.6g}</td>"
        f"<td>{esc(i['source'])}</td></tr>"
        for i in u["inputs"]
    )
    warnings = "".join(f"<li>{esc(w)}</li>" for w in u["warnings"])
    not_coded = "".join(f"<li>{esc(w)}</li>" for w in u["deductions_not_coded"])
    return f"""<h2>Uncertainty [t CO2e]</h2>
<p>{esc(u["method"])}. The Monte Carlo interval is the answer.</p>
<table>{table}</table>
<h3>Share of the variance of ER by input</h3>{svg}
<table><tr><th>input</th><th>first-order share</th><th>MC squared correlation</th></tr>
{rank_rows}</table>
<h3>Declared input uncertainties</h3>
<table><tr><th>input</th><th>role</th><th>distribution</th><th>u</th><th>source</th></tr>
{inputs}</table>
{f"<h3>Warnings</h3><ul>{warnings}</ul>" if warnings else ""}
<h3>Programme deductions not coded</h3><ul>{not_coded}</ul>
"""
