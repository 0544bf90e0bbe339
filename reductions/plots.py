"""Plots for report.html as hand-written inline SVG: no plotting library, no fonts, no
randomness, so the same numbers give the same bytes.

Every plot is a ``<figure class="plot">`` holding an ``<svg>`` whose text stays text (it
takes the page's font stack, CJK included, and prints as vectors): a title, both axes with
tick labels, an x label and a y label with the unit in brackets, and a legend. Series are
told apart by dash pattern and marker as well as colour, so a grey-scale print keeps them
apart. Long series are reduced to the minimum and maximum of each pixel column, which keeps
every spike and every gap visible at a fraction of the size.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

#: Plot area and margins [px, in the SVG's own coordinates; the figure scales to the page].
WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 78, 16, 30, 62
#: Colours (Okabe-Ito, readable by colour-blind readers) and dash patterns, in order.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 2", "8 3 2 3", "1 3", "10 4", "4 2 1 2")
#: Pixel columns a long series is reduced to (minimum and maximum of each).
COLUMNS = 600

esc = html.escape


@dataclass(frozen=True)
class Line:
    """One series: y over x (x in seconds since the epoch for a time axis)."""

    label: str
    x: np.ndarray
    y: np.ndarray
    step: bool = False


@dataclass(frozen=True)
class Band:
    """A marked x range (a gap, a filled interval): drawn behind the data."""

    x0: float
    x1: float
    kind: str  # "gap" or "filled"
    label: str


@dataclass(frozen=True)
class Marker:
    """A vertical line at x with a label (a bound, a mean)."""

    x: float
    label: str


@dataclass
class _Axes:
    x0: float
    x1: float
    y0: float
    y1: float
    parts: list[str] = field(default_factory=list)
    extra: int = 0

    def px(self, x: float) -> float:
        span = self.x1 - self.x0 or 1.0
        return LEFT + (x - self.x0) / span * (WIDTH - LEFT - RIGHT)

    def py(self, y: float) -> float:
        span = self.y1 - self.y0 or 1.0
        return HEIGHT - BOTTOM - (y - self.y0) / span * (HEIGHT - TOP - BOTTOM)


def _f(v: float) -> str:
    """A coordinate with two decimals (fixed text: the bytes do not depend on the platform)."""
    return f"{v:.2f}"


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values from at or below ``lo`` to at or above ``hi``."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0]
    if hi <= lo:
        hi = lo + (abs(lo) if lo else 1.0)
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step + 1e-9) * step
    last = math.ceil(hi / step - 1e-9) * step
    count = round((last - first) / step)
    return [round(first + k * step, 12) for k in range(count + 1)]


def _label(v: float) -> str:
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1e6 or a < 1e-3:
        return f"{v:.3g}"
    return f"{v:,.10g}" if a >= 1000 else f"{v:.6g}"


def _range(values: Sequence[np.ndarray], include_zero: bool) -> tuple[float, float]:
    finite = [v[np.isfinite(v)] for v in values]
    finite = [v for v in finite if v.size]
    if not finite:
        return 0.0, 1.0
    lo = float(min(v.min() for v in finite))
    hi = float(max(v.max() for v in finite))
    if include_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi == lo:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    return lo, hi


def _time_ticks(x0: float, x1: float) -> tuple[list[float], str]:
    """Round tick instants (UTC) between x0 and x1 [s] and the date format they use."""
    span = x1 - x0
    t0 = dt.datetime.fromtimestamp(x0, dt.UTC)
    t1 = dt.datetime.fromtimestamp(x1, dt.UTC)
    ticks: list[dt.datetime] = []
    if span > 120 * 86400:
        months = 1 if span < 400 * 86400 else (3 if span < 1200 * 86400 else 12)
        y, m = t0.year, t0.month
        cur = dt.datetime(y, m, 1, tzinfo=dt.UTC)
        while cur <= t1:
            if cur >= t0 and (cur.month - 1) % months == 0:
                ticks.append(cur)
            m += 1
            if m > 12:
                y, m = y + 1, 1
            cur = dt.datetime(y, m, 1, tzinfo=dt.UTC)
        fmt = "%Y-%m"
    else:
        days = span / 86400
        if days > 4:
            step = dt.timedelta(days=max(1, round(days / 8)))
            cur = dt.datetime(t0.year, t0.month, t0.day, tzinfo=dt.UTC)
            fmt = "%m-%d"
        else:
            hours = max(1, round(span / 3600 / 8))
            step = dt.timedelta(hours=hours)
            cur = dt.datetime(t0.year, t0.month, t0.day, t0.hour, tzinfo=dt.UTC)
            fmt = "%m-%d %H:%M"
        while cur <= t1:
            if cur >= t0:
                ticks.append(cur)
            cur += step
    return [t.timestamp() for t in ticks], fmt


def _reduce(x: np.ndarray, y: np.ndarray, x0: float, x1: float) -> tuple[np.ndarray, np.ndarray]:
    """Minimum and maximum of y in each of COLUMNS x columns (NaN where a column is empty
    or all missing, so that a gap stays a gap)."""
    if x.size <= 2 * COLUMNS:
        return x, y
    col = np.clip(((x - x0) / ((x1 - x0) or 1.0) * COLUMNS).astype(int), 0, COLUMNS - 1)
    xs, ys = [], []
    for c in range(COLUMNS):
        sel = y[col == c]
        xc = x0 + (c + 0.5) / COLUMNS * (x1 - x0)
        good = sel[np.isfinite(sel)]
        if good.size == 0:
            xs += [xc]
            ys += [math.nan]
            continue
        xs += [xc, xc]
        ys += [float(good.min()), float(good.max())]
    return np.asarray(xs), np.asarray(ys)


def _polyline(ax: _Axes, x: np.ndarray, y: np.ndarray, step: bool, style: str) -> str:
    """Polylines through the finite points, broken at NaN."""
    runs: list[list[str]] = []
    cur: list[str] = []
    for k in range(x.size):
        if not math.isfinite(y[k]):
            if cur:
                runs.append(cur)
            cur = []
            continue
        if step and cur:
            cur.append(f"{_f(ax.px(x[k]))},{_f(ax.py(y[k - 1]))}")
        cur.append(f"{_f(ax.px(x[k]))},{_f(ax.py(y[k]))}")
    if cur:
        runs.append(cur)
    return "".join(
        f'<polyline points="{" ".join(r)}" fill="none" {style}/>'
        if len(r) > 1
        else f'<circle cx="{r[0].split(",")[0]}" cy="{r[0].split(",")[1]}" r="1.5" {style}/>'
        for r in runs
    )


def _frame(
    ax: _Axes,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    xticks: Sequence[tuple[float, str]],
    yticks: Sequence[float],
) -> None:
    p = ax.parts
    bottom, top = HEIGHT - BOTTOM, TOP
    right = WIDTH - RIGHT
    for t in yticks:
        y = _f(ax.py(t))
        p.append(
            f'<line x1="{LEFT}" x2="{right}" y1="{y}" y2="{y}" stroke="#ddd" stroke-width="0.6"/>'
            f'<text x="{LEFT - 5}" y="{y}" text-anchor="end" dominant-baseline="middle" '
            f'class="tick">{esc(_label(t))}</text>'
        )
    for x, lab in xticks:
        xp = _f(ax.px(x))
        p.append(
            f'<line x1="{xp}" x2="{xp}" y1="{bottom}" y2="{bottom + 4}" stroke="#000"/>'
            f'<text x="{xp}" y="{bottom + 16}" text-anchor="middle" class="tick">'
            f"{esc(lab)}</text>"
        )
    p.append(
        f'<rect x="{LEFT}" y="{top}" width="{right - LEFT}" height="{bottom - top}" '
        'fill="none" stroke="#000" stroke-width="0.8"/>'
    )
    if ax.y0 < 0 < ax.y1:
        y0 = _f(ax.py(0.0))
        p.append(
            f'<line x1="{LEFT}" x2="{right}" y1="{y0}" y2="{y0}" stroke="#000" stroke-width="0.6"/>'
        )
    p.append(
        f'<text x="{(LEFT + right) / 2:.2f}" y="{HEIGHT - 28}" text-anchor="middle" '
        f'class="axis-label x-label">{esc(xlabel)}</text>'
        f'<text transform="translate(16,{(top + bottom) / 2:.2f}) rotate(-90)" '
        f'text-anchor="middle" class="axis-label y-label">{esc(ylabel)}</text>'
        f'<text x="{LEFT}" y="18" class="plot-title">{esc(title)}</text>'
    )


def _legend(ax: _Axes, entries: Sequence[tuple[str, str]]) -> None:
    """Entries (label, swatch SVG at 0,0) along the bottom edge."""
    x = float(LEFT)
    y = HEIGHT - 10
    for label, swatch in entries:
        width = 34 + 6.5 * len(label)
        if x > LEFT and x + width > WIDTH:
            x, y = float(LEFT), y + 14
            ax.extra += 14
        ax.parts.append(
            f'<g transform="translate({_f(x)},{y - 4})" class="legend">{swatch}'
            f'<text x="22" y="4" class="tick">{esc(label)}</text></g>'
        )
        x += width


def _svg(plot_id: str, title: str, ax: _Axes, caption: str) -> str:
    body = "".join(ax.parts)
    h = HEIGHT + ax.extra
    return (
        f'<figure class="plot" id="{esc(plot_id)}"><svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {h}" width="{WIDTH}" height="{h}" role="img" '
        f'aria-label="{esc(title)}"><title>{esc(title)}</title>{body}</svg>'
        + (f"<figcaption>{esc(caption)}</figcaption>" if caption else "")
        + "</figure>"
    )


def _line_swatch(k: int) -> str:
    dash = f' stroke-dasharray="{DASHES[k % len(DASHES)]}"' if DASHES[k % len(DASHES)] else ""
    colour = COLOURS[k % len(COLOURS)]
    return f'<line x1="0" x2="18" y1="0" y2="0" stroke="{colour}" stroke-width="2"{dash}/>'


def _band_swatch(kind: str) -> str:
    return f'<rect x="0" y="-5" width="18" height="10" class="band-{kind}"/>'


def line_plot(
    plot_id: str,
    *,
    title: str,
    lines: Sequence[Line],
    xlabel: str,
    ylabel: str,
    time_axis: bool = True,
    bands: Sequence[Band] = (),
    markers: Sequence[Marker] = (),
    caption: str = "",
    include_zero: bool = False,
    x_range: tuple[float, float] | None = None,
) -> str:
    """Lines over a time axis (x in s since the epoch, UTC) or a numeric one."""
    xs = [ln.x for ln in lines if ln.x.size]
    if x_range is not None:
        x0, x1 = x_range
    elif xs:
        x0 = float(min(x.min() for x in xs))
        x1 = float(max(x.max() for x in xs))
    else:
        x0, x1 = 0.0, 1.0
    if x1 <= x0:
        x1 = x0 + 1.0
    reduced = [(ln, *_reduce(ln.x, ln.y, x0, x1)) for ln in lines]
    lo, hi = _range([r[2] for r in reduced], include_zero)
    yt = nice_ticks(lo, hi)
    ax = _Axes(x0, x1, min(lo, yt[0]), max(hi, yt[-1]))
    if time_axis:
        ticks, fmt = _time_ticks(x0, x1)
        xt = [(t, dt.datetime.fromtimestamp(t, dt.UTC).strftime(fmt)) for t in ticks]
    else:
        xt = [(t, _label(t)) for t in nice_ticks(x0, x1, 6) if x0 <= t <= x1]
    for b in bands:
        a, z = max(b.x0, x0), min(b.x1, x1)
        if z < a:
            continue
        w = max(ax.px(z) - ax.px(a), 1.5)
        ax.parts.append(
            f'<rect x="{_f(ax.px(a))}" y="{TOP}" width="{_f(w)}" height="{HEIGHT - TOP - BOTTOM}" '
            f'class="band-{esc(b.kind)}"><title>{esc(b.label)}</title></rect>'
        )
    for k, (ln, x, y) in enumerate(reduced):
        dash = DASHES[k % len(DASHES)]
        style = f'stroke="{COLOURS[k % len(COLOURS)]}" stroke-width="1.3"' + (
            f' stroke-dasharray="{dash}"' if dash else ""
        )
        ax.parts.append(f'<g class="series"><title>{esc(ln.label)}</title>')
        ax.parts.append(_polyline(ax, x, y, ln.step and x.size == ln.x.size, style))
        ax.parts.append("</g>")
    for m in markers:
        xp = _f(ax.px(m.x))
        ax.parts.append(
            f'<line x1="{xp}" x2="{xp}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" stroke="#000" '
            f'stroke-dasharray="3 2"/><text x="{xp}" y="{TOP + 10}" class="tick marker" '
            f'transform="rotate(-90 {xp} {TOP + 10})" text-anchor="end" dx="-2" dy="-3">'
            f"{esc(m.label)}</text>"
        )
    _frame(ax, title=title, xlabel=xlabel, ylabel=ylabel, xticks=xt, yticks=yt)
    entries = [(ln.label, _line_swatch(k)) for k, ln in enumerate(lines)]
    kinds = dict.fromkeys(b.kind for b in bands)
    names = {"gap": "gap (not filled)", "filled": "filled by a missing-data rule"}
    entries += [(names.get(k, k), _band_swatch(k)) for k in kinds]
    _legend(ax, entries)
    return _svg(plot_id, title, ax, caption)


def bar_plot(
    plot_id: str,
    *,
    title: str,
    categories: Sequence[str],
    groups: Sequence[tuple[str, Sequence[float | None]]],
    xlabel: str,
    ylabel: str,
    caption: str = "",
) -> str:
    """Grouped bars: one group of bars per category, one bar per series."""
    values = [np.asarray([np.nan if v is None else v for v in vals], float) for _, vals in groups]
    lo, hi = _range(values, include_zero=True)
    yt = nice_ticks(lo, hi)
    n = max(len(categories), 1)
    ax = _Axes(0.0, float(n), min(lo, yt[0]), max(hi, yt[-1]))
    slot = (WIDTH - LEFT - RIGHT) / n
    width = slot * 0.8 / max(len(groups), 1)
    for g, (label, _) in enumerate(groups):
        for c in range(len(categories)):
            v = values[g][c]
            if not math.isfinite(v):
                continue
            x = LEFT + c * slot + slot * 0.1 + g * width
            y0, y1 = ax.py(0.0), ax.py(v)
            ax.parts.append(
                f'<rect x="{_f(x)}" y="{_f(min(y0, y1))}" width="{_f(width)}" '
                f'height="{_f(abs(y1 - y0))}" class="bar bar-{g % len(COLOURS)}">'
                f"<title>{esc(label)} {esc(categories[c])}: {esc(_label(v))}</title></rect>"
            )
    every = max(1, math.ceil(n / 12))
    xt = [(c + 0.5, categories[c]) for c in range(0, len(categories), every)]
    _frame(ax, title=title, xlabel=xlabel, ylabel=ylabel, xticks=xt, yticks=yt)
    swatch = '<rect x="0" y="-5" width="18" height="10" class="bar bar-{}"/>'
    _legend(ax, [(label, swatch.format(g % len(COLOURS))) for g, (label, _) in enumerate(groups)])
    return _svg(plot_id, title, ax, caption)


def stacked_bars(
    plot_id: str,
    *,
    title: str,
    bars: Sequence[tuple[str, Sequence[tuple[str, float]]]],
    ylabel: str,
    xlabel: str,
    caption: str = "",
) -> str:
    """Stacked bars: each bar a category, each part a (label, value >= 0)."""
    tops = [sum(max(v, 0.0) for _, v in parts) for _, parts in bars]
    lo, hi = _range([np.asarray(tops + [0.0])], include_zero=True)
    yt = nice_ticks(lo, hi)
    n = max(len(bars), 1)
    ax = _Axes(0.0, float(n), min(lo, yt[0]), max(hi, yt[-1]))
    slot = (WIDTH - LEFT - RIGHT) / n
    labels = list(dict.fromkeys(label for _, parts in bars for label, _ in parts))
    for c, (_cat, parts) in enumerate(bars):
        base = 0.0
        x = LEFT + c * slot + slot * 0.25
        for label, v in parts:
            v = max(v, 0.0)
            k = labels.index(label) % len(COLOURS)
            y0, y1 = ax.py(base), ax.py(base + v)
            ax.parts.append(
                f'<rect x="{_f(x)}" y="{_f(y1)}" width="{_f(slot * 0.5)}" '
                f'height="{_f(y0 - y1)}" class="bar bar-{k}" stroke="#000" stroke-width="0.5">'
                f"<title>{esc(label)}: {esc(_label(v))}</title></rect>"
            )
            if y0 - y1 > 12:
                ax.parts.append(
                    f'<text x="{_f(x + slot * 0.25)}" y="{_f((y0 + y1) / 2)}" text-anchor="middle" '
                    f'dominant-baseline="middle" class="tick on-bar">{esc(label)}</text>'
                )
            base += v
    xt = [(c + 0.5, cat) for c, (cat, _) in enumerate(bars)]
    _frame(ax, title=title, xlabel=xlabel, ylabel=ylabel, xticks=xt, yticks=yt)
    swatch = '<rect x="0" y="-5" width="18" height="10" class="bar bar-{}"/>'
    _legend(ax, [(label, swatch.format(k % len(COLOURS))) for k, label in enumerate(labels)])
    return _svg(plot_id, title, ax, caption)
