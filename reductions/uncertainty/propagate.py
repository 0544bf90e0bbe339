"""Monte Carlo (JCGM 101:2008) and first-order (JCGM 100:2008) propagation to ER,
the comparison of the two, conservative results and the variance ranking.

Monte Carlo
    Draws from ``numpy.random.Generator(PCG64(seed))``. Correlated inputs are drawn as
    standard normal scores with the declared correlation matrix (its Cholesky factor, or
    an eigen-factor when it is only semi-definite, r = 1) and mapped to each marginal by
    its inverse distribution function: a Gaussian copula. Draws are evaluated by the
    unchanged plugin, vectorised over a ``draw`` dimension, in chunks whose size bounds
    memory (values per chunk = draws x values per draw of the largest series). The number
    of draws follows the adaptive procedure of JCGM 101:2008 7.9.4: sequences of
    M = max(100 / (1 - p), 10^4) draws until twice the standard deviation of the estimates
    of y, u(y), y_low and y_high over the sequences is within the numerical tolerance of
    u(y) for ``digits`` significant digits (7.9.2); or a fixed number of draws.
    The coverage interval is probabilistically symmetric (7.7), so it is asymmetric about
    ER where ER's distribution is skewed, and it never extends beyond what the draws reach.

First order (GUM)
    u_c^2 = sum_i sum_j c_i c_j r_ij u_i u_j (JCGM 100:2008 eqs. (13), (16)), with the
    sensitivity coefficients c_i = dER/dx_i from central differences of the plugin itself
    at the declared values (step 0.01 u_i; all 2k evaluations in one vectorised call).
    A random error per reading is k = (readings) inputs: its contribution sum_t (c_t u_t)^2
    is taken from one pair of evaluations that perturbs every reading, valid when each ER
    time step depends only on the readings of that step; that is checked with a second
    pair that perturbs every other reading, and where it fails the GUM is incomplete
    (said so) and Monte Carlo stands alone. The interval is ER +/- k u_c with the normal
    coverage factor k.

Validation (JCGM 101:2008 8.2)
    The GUM interval is validated against the Monte Carlo one when both end-point
    differences are within the numerical tolerance of u(y); otherwise the report says it
    is not, and the Monte Carlo interval is the answer in every case.

Sensitivity
    Inputs are ranked by their first-order share of the variance of ER,
    c_i^2 u_i^2 / u_c^2 (JCGM 100:2008 5.1.3); beside it the Monte Carlo estimate, the
    squared correlation of the input's draws with ER's (equal to the share for a linear
    model with independent inputs).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import xarray as xr
from scipy import special

from ..project import Project
from ..run import Available
from .declarations import Declarations, InputUncertainty, UncertaintyError, parse_declarations
from .deductions import NOT_CODED, Deduction, vm0033_deduction
from .model import DRAW, Element, Model

#: Values per chunk of draws (draws x values per draw of the largest series).
CHUNK_VALUES = 4_000_000
#: Central-difference step, in standard uncertainties.
STEP = 1e-2
#: Relative tolerance of the check that ER's time steps depend on their own readings.
LOCALITY_RTOL = 1e-6


@dataclass(frozen=True)
class Component:
    """One scalar uncertain input."""

    element: Element
    decl: InputUncertainty

    @property
    def label(self) -> str:
        return self.element.label


def components(model: Model, decls: Declarations) -> list[Component]:
    out = []
    for symbol, d in decls.inputs.items():
        for e in model.elements(symbol, d.shared):
            out.append(Component(e, d))
    return out


def correlation_factor(comps: Sequence[Component], decls: Declarations, label: str) -> np.ndarray:
    """A factor L with L L^T = R, the correlation matrix of the components' normal scores."""
    k = len(comps)
    r = np.eye(k)
    where = {
        c.element.symbol: [i for i, x in enumerate(comps) if x.element.symbol == c.element.symbol]
        for c in comps
    }
    for c in decls.correlations:
        ia, ib = where[c.a], where[c.b]
        if len(ia) != 1 or len(ib) != 1:
            raise UncertaintyError(
                f"the correlation of {c.a} and {c.b} joins a variable of several meters",
                file=label,
                variable="uncertainty.correlation",
                rule="declare shared = true for one error common to its meters, or correlate "
                "single inputs",
            )
        r[ia[0], ib[0]] = r[ib[0], ia[0]] = c.r
    if k == 0:
        return r
    try:
        return np.linalg.cholesky(r)
    except np.linalg.LinAlgError:
        w, v = np.linalg.eigh(r)
        if w.min() < -1e-10:
            names = sorted({x for c in decls.correlations for x in (c.a, c.b)})
            raise UncertaintyError(
                f"the correlation matrix of {', '.join(names)} is not positive semi-definite "
                f"(smallest eigenvalue {w.min():.3g})",
                file=label,
                variable="uncertainty.correlation",
                rule="a correlation matrix is positive (semi-)definite (JCGM 101:2008 6.4.8)",
            ) from None
        return np.asarray(v * np.sqrt(np.clip(w, 0.0, None)))


def draw_inputs(
    rng: np.random.Generator, comps: Sequence[Component], factor: np.ndarray, n: int
) -> np.ndarray:
    """``n`` draws of every component, shape (n, k)."""
    k = len(comps)
    if k == 0:
        return np.zeros((n, 0))
    z = rng.standard_normal((n, k)) @ factor.T
    return np.column_stack(
        [c.decl.distribution.from_normal_scores(z[:, i]) for i, c in enumerate(comps)]
    )


def _split(
    comps: Sequence[Component], x: np.ndarray
) -> tuple[dict[str, np.ndarray], dict[str, dict[tuple[tuple[str, Any], ...], np.ndarray]]]:
    params: dict[str, np.ndarray] = {}
    systematic: dict[str, dict[tuple[tuple[str, Any], ...], np.ndarray]] = {}
    for i, c in enumerate(comps):
        if c.decl.role == "parameter":
            params[c.element.symbol] = x[:, i]
        else:
            delta = x[:, i]
            if c.decl.distribution.kind == "lognormal":
                delta = delta - 1.0  # the factor (1 + delta) was drawn
            systematic.setdefault(c.element.symbol, {})[c.element.index] = delta
    return params, systematic


def evaluate(
    model: Model,
    comps: Sequence[Component],
    x: np.ndarray,
    decls: Declarations,
    rng: np.random.Generator | None,
) -> np.ndarray:
    """ER for each row of ``x``, in chunks; with ``rng``, also with the random error of
    each reading drawn."""
    n = x.shape[0]
    chunk = max(1, CHUNK_VALUES // max(model.steps(), 1))
    random = {
        s: d.random_rel_std
        for s, d in decls.inputs.items()
        if d.random_rel_std > 0 and rng is not None
    }
    out = np.empty(n)
    for a in range(0, n, chunk):
        b = min(n, a + chunk)
        params, systematic = _split(comps, x[a:b])
        out[a:b] = model.evaluate(b - a, params, systematic, random, rng)
    return out


# --- Monte Carlo -------------------------------------------------------------------------------


def tolerance(u: float, digits: int) -> float:
    """Numerical tolerance of ``u`` expressed to ``digits`` significant digits
    (JCGM 101:2008 7.9.2): u = c x 10^l with c a ``digits``-digit integer; delta = 10^l / 2."""
    if u <= 0 or not math.isfinite(u):
        return 0.0
    exponent = math.floor(math.log10(u)) - (digits - 1)
    return 0.5 * 10.0**exponent


def _interval(y: np.ndarray, p: float) -> tuple[float, float]:
    lo, hi = np.quantile(y, [(1 - p) / 2, (1 + p) / 2], method="inverted_cdf")
    return float(lo), float(hi)


@dataclass(frozen=True)
class MonteCarlo:
    draws: int
    sequences: int
    stabilised: bool
    mean: float
    std: float
    interval: tuple[float, float]
    lower_bound: float
    tolerance: float
    y: np.ndarray = field(repr=False)
    x: np.ndarray = field(repr=False)


def monte_carlo(
    model: Model, comps: Sequence[Component], factor: np.ndarray, decls: Declarations
) -> MonteCarlo:
    rng = np.random.Generator(np.random.PCG64(decls.seed))
    p, q = decls.confidence, decls.lower_confidence

    def block(n: int) -> tuple[np.ndarray, np.ndarray]:
        x = draw_inputs(rng, comps, factor, n)
        return x, evaluate(model, comps, x, decls, rng)

    if decls.draws is not None:
        x, y = block(decls.draws)
        stable, h = True, 1
    else:
        m = max(math.ceil(100 / (1 - p)), 10_000)  # 7.9.4 b)
        xs: list[np.ndarray] = []
        ys: list[np.ndarray] = []
        stats: list[tuple[float, float, float, float]] = []
        stable = False
        while True:
            xb, yb = block(m)
            xs.append(xb)
            ys.append(yb)
            lo, hi = _interval(yb, p)
            stats.append((float(yb.mean()), float(yb.std(ddof=1)), lo, hi))
            h = len(ys)
            if h >= 2:
                s = np.asarray(stats)
                sd = s.std(axis=0, ddof=1) / math.sqrt(h)  # 7.9.4 f)
                u_all = float(np.concatenate(ys).std(ddof=1))  # 7.9.4 g)
                delta = tolerance(u_all, decls.digits)  # 7.9.4 h)
                if np.all(2 * sd <= delta):  # 7.9.4 i)
                    stable = True
                    break
            if h * m >= decls.max_draws:
                break
        x, y = np.concatenate(xs), np.concatenate(ys)
    u = float(y.std(ddof=1)) if y.size > 1 else 0.0
    lower = float(np.quantile(y, 1 - q, method="inverted_cdf"))
    return MonteCarlo(
        int(y.size),
        h,
        stable,
        float(y.mean()),
        u,
        _interval(y, p),
        lower,
        tolerance(u, decls.digits),
        y,
        x,
    )


# --- first order -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gum:
    u: float
    k: float
    interval: tuple[float, float]
    lower_bound: float
    coefficients: tuple[tuple[str, float, float], ...]  # label, c_i, u_i
    random: tuple[tuple[str, float], ...]  # label, sqrt(sum (c_t u_t)^2)
    complete: bool
    notes: tuple[str, ...]
    shares: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))


def gum(
    model: Model,
    comps: Sequence[Component],
    factor: np.ndarray,
    decls: Declarations,
    central: float,
) -> Gum:
    k = len(comps)
    x0 = np.array([c.decl.value for c in comps])
    u = np.array([c.decl.std for c in comps])
    notes: list[str] = []
    c = np.zeros(k)
    if k:
        x = np.tile(x0, (2 * k, 1))
        for i in range(k):
            x[2 * i, i] += STEP * u[i]
            x[2 * i + 1, i] -= STEP * u[i]
        # The evaluation takes the distribution's variable: the factor for a lognormal
        # relative error.
        for i, comp in enumerate(comps):
            if comp.decl.role == "monitored" and comp.decl.distribution.kind == "lognormal":
                x[:, i] += 1.0
        y = evaluate(model, comps, x, decls, None)
        c = (y[0::2] - y[1::2]) / (2 * STEP * u)
    r = factor @ factor.T if k else np.eye(0)
    cu = c * u
    var = float(cu @ r @ cu) if k else 0.0
    shares = {comp.label: float(cu[i] ** 2) for i, comp in enumerate(comps)}
    random_terms: list[tuple[str, float]] = []
    complete = True
    for symbol, d in decls.inputs.items():
        if d.random_rel_std <= 0:
            continue
        term = _random_term(model, symbol, d.random_rel_std)
        if term is None:
            complete = False
            notes.append(
                f"{symbol}: ER's time steps do not depend on their own readings alone, so "
                "the first-order contribution of the random error per reading is not "
                "computed; the Monte Carlo result includes it"
            )
            continue
        random_terms.append((f"{symbol} (random, per reading)", math.sqrt(term)))
        shares[f"{symbol} (random, per reading)"] = term
        var += term
    total = var if var > 0 else 1.0
    shares = {key: v / total for key, v in shares.items()}
    uc = math.sqrt(max(var, 0.0))
    kp = float(special.ndtri((1 + decls.confidence) / 2))
    kq = float(special.ndtri(decls.lower_confidence))
    return Gum(
        uc,
        kp,
        (central - kp * uc, central + kp * uc),
        central - kq * uc,
        tuple((comp.label, float(c[i]), float(u[i])) for i, comp in enumerate(comps)),
        tuple(random_terms),
        complete,
        tuple(notes),
        MappingProxyType(shares),
    )


def _random_term(model: Model, symbol: str, rel: float) -> float | None:
    """sum_t (c_t u_t)^2 over every reading of ``symbol``, or None where ER's steps do not
    depend on their own readings alone."""
    total = 0.0
    for e in model.elements(symbol, shared=False):
        explicit = []
        for part in model.parts:
            v = part.template[symbol].value
            if not isinstance(v, xr.DataArray) or "time" not in v.dims:
                return None
            mask = np.zeros(v.shape, dtype=bool)
            sel: list[Any] = [slice(None)] * v.ndim
            for d, label in e.index:
                axis = v.dims.index(d)
                sel[axis] = int(np.flatnonzero(v[d].values == label)[0])
            mask[tuple(sel)] = True
            tpos = v.dims.index("time")
            even = np.zeros(v.shape, dtype=bool)
            idx: list[Any] = [slice(None)] * v.ndim
            idx[tpos] = slice(0, None, 2)
            even[tuple(idx)] = True
            h = STEP * rel
            full, half = mask * h, (mask & even) * h
            arr = np.stack([full, -full, half, -half], axis=-1)
            explicit.append(arr)
        steps = model.evaluate(4, {}, {}, readings={symbol: explicit}, per_step=True)
        for part, er in zip(model.parts, steps, strict=True):
            v = part.template[symbol].value
            if not isinstance(v, xr.DataArray):
                return None
            if not isinstance(er, xr.DataArray) or DRAW not in er.dims or "time" not in er.dims:
                if isinstance(er, xr.DataArray) and DRAW in er.dims:
                    return None
                continue  # ER does not depend on it in this part
            ax_er, ax_v = part.central.axis_of(er), part.central.axis_of(v)
            if ax_er is None or ax_er is not ax_v:
                return None
            d_all = (er.isel({DRAW: 0}) - er.isel({DRAW: 1})).values / (2 * STEP)
            d_even = (er.isel({DRAW: 2}) - er.isel({DRAW: 3})).values / (2 * STEP)
            tpos = er.isel({DRAW: 0}).dims.index("time")
            t_even = np.zeros(d_all.shape, dtype=bool)
            idx2: list[Any] = [slice(None)] * d_all.ndim
            idx2[tpos] = slice(0, None, 2)
            t_even[tuple(idx2)] = True
            scale = float(np.max(np.abs(d_all))) if d_all.size else 0.0
            expected = np.where(t_even, d_all, 0.0)
            if np.any(np.abs(d_even - expected) > LOCALITY_RTOL * scale + 1e-300):
                return None
            total += float(np.sum(d_all**2))
    return total


# --- everything --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Uncertainty:
    """The uncertainty of ER: Monte Carlo, first order, their comparison, conservative
    results and the variance ranking."""

    methodology: str
    central: float
    declarations: Declarations
    components: tuple[Component, ...]
    mc: MonteCarlo
    gum: Gum
    deductions: tuple[Deduction, ...]
    warnings: tuple[str, ...]
    ranking: tuple[dict[str, Any], ...]
    validated: bool
    differences: Mapping[str, float]

    def as_dict(self) -> dict[str, Any]:
        """The ``uncertainty`` section of report.json."""
        d = self.declarations
        mc, g = self.mc, self.gum
        return {
            "method": "JCGM 101:2008 Monte Carlo (adaptive, 7.9) and JCGM 100:2008 first "
            "order; Gaussian copula for correlations",
            "settings": {
                "seed": d.seed,
                "generator": "numpy PCG64",
                "confidence": d.confidence,
                "lower_confidence": d.lower_confidence,
                "digits": d.digits,
                "draws": d.draws,
                "max_draws": d.max_draws,
            },
            "central_ER": self.central,
            "conservative_ER": mc.lower_bound,
            "conservative_rule": f"Monte Carlo one-sided lower bound at "
            f"{d.lower_confidence:.0%} confidence",
            "inputs": [
                {
                    "symbol": s,
                    "role": x.role,
                    "declared": x.declared,
                    "distribution": x.distribution.describe(),
                    "standard_uncertainty": x.std,
                    "random_rel_std": x.random_rel_std,
                    "source": x.source,
                }
                for s, x in d.inputs.items()
            ],
            "correlations": [{"inputs": [c.a, c.b], "r": c.r} for c in d.correlations],
            "monte_carlo": {
                "draws": mc.draws,
                "sequences": mc.sequences,
                "stabilised": mc.stabilised,
                "mean": mc.mean,
                "std": mc.std,
                "interval": list(mc.interval),
                "lower_bound": mc.lower_bound,
                "numerical_tolerance": mc.tolerance,
            },
            "gum": {
                "u_c": g.u,
                "coverage_factor": g.k,
                "interval": list(g.interval),
                "lower_bound": g.lower_bound,
                "complete": g.complete,
                "sensitivity": [{"input": lab, "c": c, "u": u} for lab, c, u in g.coefficients],
                "notes": list(g.notes),
            },
            "validation": {
                "validated": self.validated,
                "rule": "JCGM 101:2008 8.2: |end-point differences| <= numerical tolerance",
                **dict(self.differences),
            },
            "answer": "Monte Carlo",
            "deductions": [x.as_dict() for x in self.deductions],
            "deductions_not_coded": list(NOT_CODED),
            "ranking": list(self.ranking),
            "warnings": list(self.warnings),
        }

    def lines(self) -> list[str]:
        """A summary for the command line."""
        d, mc, g = self.declarations, self.mc, self.gum
        p = f"{d.confidence:.0%}"
        out = [
            f"  ER (central)            = {self.central:,.3f} t CO2e",
            f"  Monte Carlo             : mean {mc.mean:,.3f}, u {mc.std:,.3f}, {p} interval "
            f"[{mc.interval[0]:,.3f}, {mc.interval[1]:,.3f}]",
            f"                            {mc.draws:,} draws in {mc.sequences} sequence(s), "
            + (
                "a fixed number of draws"
                if d.draws is not None
                else ("stabilised" if mc.stabilised else "NOT stabilised")
                + f" to {d.digits} digit(s) of u"
            )
            + f", seed {d.seed}",
            f"  GUM (first order)       : u_c {g.u:,.3f}, {p} interval "
            f"[{g.interval[0]:,.3f}, {g.interval[1]:,.3f}] (k = {g.k:.3f})"
            + ("" if g.complete else " INCOMPLETE"),
            "  GUM validated by MC     : "
            + ("yes" if self.validated else "NO")
            + f" (tolerance {mc.tolerance:.3g}; low {self.differences['d_low']:.3g}, "
            f"high {self.differences['d_high']:.3g})",
            f"  conservative ER         = {mc.lower_bound:,.3f} t CO2e (Monte Carlo lower "
            f"bound, {d.lower_confidence:.0%} one-sided)",
        ]
        for x in self.deductions:
            out.append(
                f"  {x.rule}: uncertainty {x.uncertainty:.2%} (allowable "
                f"{x.allowable:.0%}), deduction {x.deduction:.2%} -> {x.conservative_er:,.3f}"
                f" t CO2e [{x.applies_to}]"
            )
        out.append("  variance of ER by input (first-order share; MC squared correlation):")
        for row in self.ranking:
            mcr = row["mc_r2"]
            out.append(
                f"    {row['input']:<32} {row['share']:8.2%}"
                + (f"   {mcr:8.2%}" if mcr is not None else "        -")
            )
        for w in self.warnings:
            out.append(f"  warning: {w}")
        return out


def declarations_for(model: Model, raw: Mapping[str, Any] | None = None) -> Declarations:
    project = model.project
    raw = project.uncertainty if raw is None else raw
    roles = model.input_symbols()
    monitored = [s for s, r in roles.items() if r == "monitored"]
    extra: dict[str, float] = {}
    declared = {p.symbol for p in model.methodology.parameters}
    for s, role in roles.items():
        value = model.numeric_value(s)
        if role == "parameter" and s not in declared and value is not None:
            extra[s] = value
    return parse_declarations(
        raw, model.methodology, model.parameters, monitored, project.file_label, extra=extra
    )


def propagate(
    project: Project,
    raw: Mapping[str, Any] | None = None,
    *,
    available: Available | None = None,
    **settings: Any,
) -> Uncertainty:
    """The uncertainty of a project's ER from the declarations of its ``[uncertainty]``
    table (or ``raw``); ``settings`` override ``seed``, ``draws``, ``digits``,
    ``confidence``, ``lower_confidence`` and ``max_draws``."""
    import dataclasses

    model = Model(project, available)
    decls = declarations_for(model, raw)
    if settings:
        decls = dataclasses.replace(decls, **{k: v for k, v in settings.items() if v is not None})
    if not decls.inputs:
        raise UncertaintyError(
            "no uncertainty is declared",
            file=project.file_label,
            variable="uncertainty.inputs",
            rule="declare the uncertainty of at least one parameter or monitored variable",
        )
    comps = components(model, decls)
    factor = correlation_factor(comps, decls, project.file_label)
    central = model.central_er()
    warnings: list[str] = []
    depends = model.dependence()
    for s in decls.inputs:
        if s not in depends:
            warnings.append(
                f"{s}: ER does not depend on it through the ledger's equations; its "
                "uncertainty does not reach ER (a methodology reading it from its inputs "
                "outside the ledger is not propagated)"
            )
    mc = monte_carlo(model, comps, factor, decls)
    g = gum(model, comps, factor, decls, central)
    for lab, c, _u in g.coefficients:
        sym = lab.split("[")[0]
        if c == 0.0 and sym in depends:
            warnings.append(
                f"{lab}: ER's equations list it, but ER does not change with it (used outside "
                "the ledger, or at a kink)"
            )
    if not mc.stabilised and decls.draws is None:
        warnings.append(
            f"the adaptive Monte Carlo procedure did not stabilise within {decls.max_draws:,} "
            "draws (JCGM 101:2008 7.9.4); raise max_draws or lower digits"
        )
    d_low = abs(g.interval[0] - mc.interval[0])
    d_high = abs(g.interval[1] - mc.interval[1])
    d_mean = abs(mc.mean - central)
    validated = g.complete and d_low <= mc.tolerance and d_high <= mc.tolerance
    if not validated:
        warnings.append(
            "the first-order (GUM) interval is not validated by Monte Carlo "
            f"(end-point differences {d_low:.4g} and {d_high:.4g} against a tolerance of "
            f"{mc.tolerance:.4g}, JCGM 101:2008 8.2): the model is not linear enough or the "
            "output not normal enough over the declared ranges; the Monte Carlo interval is "
            "the answer"
        )
    if d_mean > max(mc.tolerance, 3 * mc.std / math.sqrt(max(mc.draws, 1))):
        warnings.append(
            f"the Monte Carlo mean differs from the central ER by {d_mean:.4g} t CO2e "
            "(a non-linear model, or skewed inputs whose expectation differs from the value "
            "used)"
        )
    if g.interval[0] < 0 <= float(mc.y.min()):
        warnings.append(
            "the symmetric first-order interval runs below zero where no Monte Carlo draw "
            "does; it is not reported as the answer"
        )
    ranking = _ranking(comps, mc, g)
    deductions = (vm0033_deduction(central, mc.y, 0.90), vm0033_deduction(central, mc.y, 0.95))
    return Uncertainty(
        model.methodology.label(),
        central,
        decls,
        tuple(comps),
        mc,
        g,
        deductions,
        tuple(warnings),
        ranking,
        validated,
        MappingProxyType(
            {"d_low": d_low, "d_high": d_high, "mean_minus_central": mc.mean - central}
        ),
    )


def _ranking(comps: Sequence[Component], mc: MonteCarlo, g: Gum) -> tuple[dict[str, Any], ...]:
    rows: list[dict[str, Any]] = []
    y = mc.y
    sy = float(y.std())
    for i, comp in enumerate(comps):
        xi = mc.x[:, i]
        sx = float(xi.std())
        r2 = float(np.corrcoef(xi, y)[0, 1] ** 2) if sx > 0 and sy > 0 and y.size > 2 else 0.0
        rows.append({"input": comp.label, "share": g.shares.get(comp.label, 0.0), "mc_r2": r2})
    for lab, _ in g.random:
        rows.append({"input": lab, "share": g.shares.get(lab, 0.0), "mc_r2": None})
    rows.sort(key=lambda r: (-float(r["share"]), str(r["input"])))
    return tuple(rows)


__all__ = [
    "Component",
    "Gum",
    "MonteCarlo",
    "Uncertainty",
    "propagate",
]
