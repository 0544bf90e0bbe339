"""Uncertainty declarations of a project file (``[uncertainty]``), checked and frozen.

::

    [uncertainty]
    seed = 20240101          # PCG64 seed; the report records it
    confidence = 0.95        # coverage probability of the two-sided interval
    lower_confidence = 0.95  # one-sided confidence of the conservative lower bound
    digits = 2               # significant digits of u(ER) the adaptive rule stabilises
    # draws = 1000000        # a fixed number of draws instead of the adaptive rule

    [uncertainty.inputs]
    EF_grid_OM_y = { distribution = "lognormal", range95 = [0.85, 1.05], source = "..." }
    EF_grid_BM_y = { std = 0.03, unit = "t/MWh" }
    EG_export = { accuracy_class = "0.2S", random_rel_std = 0.001 }
    EG_import = { mpe = 0.002 }

    [[uncertainty.correlation]]
    inputs = ["EG_export", "EG_import"]   # meters calibrated against one reference
    r = 0.5

A **parameter**'s declaration is the probability distribution of its value. A
**monitored variable**'s declaration is the distribution of a relative error ``delta`` of
its readings, systematic (one value per meter, shared by every reading of the period:
reading x (1 + delta)); ``random_rel_std`` adds an independent normal relative error per
reading. For a monitored variable every magnitude below is of that relative error
(``std = 0.001`` is 0.1 % of the readings). The magnitude is given by exactly one of:

- ``std``: standard uncertainty (absolute, in ``unit`` or the input's unit);
- ``rel_std``: standard uncertainty relative to the value;
- ``range95 = [lo, hi]``: the 2.5 % and 97.5 % quantiles (absolute), as IPCC default
  ranges are given;
- ``rel_range95 = [lo, hi]``: the same relative to the value (``[-0.3, 0.3]`` for
  "+/- 30 %");
- ``lower``, ``upper`` (and ``mode`` for a triangular distribution): bounds (absolute);
- ``mpe``: maximum permissible error, relative (a meter's class); rectangular by default
  (JCGM 100:2008 4.3.7: u = a / sqrt(3));
- ``accuracy_class``: ``"0.2S"``, ``"0.5S"``, ``"0.2"``, ``"0.5"``, ``"1"``, ``"2"``...: the
  class index is the limit of the permissible percentage error (IEC 62052-11 / IEC
  62053-21, -22), so class 0.2S means mpe = 0.002.

``distribution`` is ``normal`` (default), ``lognormal``, ``uniform`` (rectangular) or
``triangular``. Correlations are between the normal scores of the inputs (a Gaussian
copula): for normal inputs ``r`` is the correlation of the values; for other
distributions the correlation of the values is close to, and below, ``r``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
from scipy import special

from ..errors import InputError, did_you_mean
from ..methodology import Methodology
from ..project import ParameterValue
from ..units import conversion_factor

DistributionKind = Literal["normal", "lognormal", "uniform", "triangular"]
DISTRIBUTIONS: tuple[str, ...] = ("normal", "lognormal", "uniform", "triangular")
MAGNITUDE_KEYS = (
    "std",
    "rel_std",
    "range95",
    "rel_range95",
    "lower",
    "mpe",
    "accuracy_class",
)
INPUT_KEYS = frozenset(
    {
        *MAGNITUDE_KEYS,
        "upper",
        "mode",
        "distribution",
        "unit",
        "source",
        "random_rel_std",
        "shared",
    }
)
SETTING_KEYS = frozenset(
    {
        "seed",
        "confidence",
        "lower_confidence",
        "digits",
        "draws",
        "max_draws",
        "inputs",
        "correlation",
    }
)
#: z of the 97.5 % quantile of the standard normal distribution.
Z975 = float(special.ndtri(0.975))
RULE = "[uncertainty] declarations (reductions.uncertainty)"


class UncertaintyError(InputError):
    """An uncertainty declaration is malformed, impossible or names no input."""


@dataclass(frozen=True)
class Distribution:
    """A probability distribution of one scalar input (JCGM 101:2008 6.4).

    ``a``, ``b``, ``c`` are: normal mean, std; lognormal mu, sigma (of the log);
    uniform lower, upper; triangular lower, upper, mode.
    """

    kind: DistributionKind
    a: float
    b: float
    c: float = 0.0

    @property
    def mean(self) -> float:
        if self.kind == "normal":
            return self.a
        if self.kind == "lognormal":
            return math.exp(self.a + self.b**2 / 2)
        if self.kind == "uniform":
            return (self.a + self.b) / 2
        return (self.a + self.b + self.c) / 3

    @property
    def std(self) -> float:
        """Standard uncertainty (JCGM 100:2008 4.3.7, 4.3.9; lognormal moments)."""
        if self.kind == "normal":
            return self.b
        if self.kind == "lognormal":
            return math.sqrt(math.expm1(self.b**2)) * math.exp(self.a + self.b**2 / 2)
        if self.kind == "uniform":
            return (self.b - self.a) / math.sqrt(12.0)
        lo, hi, mo = self.a, self.b, self.c
        return math.sqrt((lo * lo + hi * hi + mo * mo - lo * hi - lo * mo - hi * mo) / 18.0)

    def from_normal_scores(self, z: np.ndarray) -> np.ndarray:
        """Values with this distribution from standard normal scores ``z`` (the inverse
        distribution function of Phi(z): a Gaussian copula keeps the scores' correlation
        structure)."""
        if self.kind == "normal":
            return self.a + self.b * z
        if self.kind == "lognormal":
            return np.exp(self.a + self.b * z)
        u = special.ndtr(z)
        if self.kind == "uniform":
            return self.a + (self.b - self.a) * u
        lo, hi, mo = self.a, self.b, self.c
        width = hi - lo
        fc = (mo - lo) / width if width > 0 else 0.5
        left = lo + np.sqrt(u * width * (mo - lo))
        right = hi - np.sqrt((1.0 - u) * width * (hi - mo))
        return np.where(u < fc, left, right)

    def describe(self) -> str:
        if self.kind == "normal":
            return f"normal(mean {self.a:.6g}, std {self.b:.6g})"
        if self.kind == "lognormal":
            return f"lognormal(median {math.exp(self.a):.6g}, sigma of log {self.b:.6g})"
        if self.kind == "uniform":
            return f"uniform[{self.a:.6g}, {self.b:.6g}]"
        return f"triangular[{self.a:.6g}, {self.b:.6g}], mode {self.c:.6g}"


@dataclass(frozen=True)
class InputUncertainty:
    """The declared uncertainty of one parameter or monitored variable.

    For a parameter ``distribution`` is that of its value; for a monitored variable that of
    the relative error ``delta`` of its readings (systematic; shared by every reading of a
    meter, and by every meter when ``shared``), and ``random_rel_std`` the relative
    standard uncertainty of each reading on its own.
    """

    symbol: str
    role: Literal["parameter", "monitored"]
    distribution: Distribution
    value: float  # the parameter's value; 0 (no error) for a monitored variable
    source: str
    declared: str  # the declaration as given, for the report
    random_rel_std: float = 0.0
    shared: bool = False

    @property
    def std(self) -> float:
        return self.distribution.std


@dataclass(frozen=True)
class Correlation:
    a: str
    b: str
    r: float


@dataclass(frozen=True)
class Declarations:
    """Every declaration and setting of ``[uncertainty]``, checked."""

    inputs: Mapping[str, InputUncertainty]
    correlations: tuple[Correlation, ...] = ()
    seed: int = 0
    confidence: float = 0.95
    lower_confidence: float = 0.95
    digits: int = 2
    draws: int | None = None
    max_draws: int = 10_000_000
    notes: tuple[str, ...] = field(default_factory=tuple)


def _err(message: str, symbol: str, label: str, rule: str = RULE) -> UncertaintyError:
    return UncertaintyError(
        message,
        file=label,
        variable=f"uncertainty.inputs.{symbol}" if symbol else "uncertainty",
        rule=rule,
    )


def _num(raw: Mapping[str, Any], key: str, symbol: str, label: str) -> float:
    v = raw[key]
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(float(v)):
        raise _err(f"{key} = {v!r} is not a finite number", symbol, label)
    return float(v)


def _pair(raw: Mapping[str, Any], key: str, symbol: str, label: str) -> tuple[float, float]:
    v = raw[key]
    if (
        not isinstance(v, list | tuple)
        or len(v) != 2
        or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in v)
    ):
        raise _err(f"{key} must be [low, high], not {v!r}", symbol, label)
    lo, hi = float(v[0]), float(v[1])
    if not lo < hi:
        raise _err(f"{key} = [{lo!r}, {hi!r}]: low must be below high", symbol, label)
    return lo, hi


def class_mpe(accuracy_class: str, symbol: str, label: str) -> float:
    """The maximum permissible relative error of a meter's accuracy class index."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*S?\s*", str(accuracy_class), flags=re.IGNORECASE)
    if m is None:
        raise _err(
            f"accuracy class {accuracy_class!r} is not a class index such as '0.2S' or '1'",
            symbol,
            label,
            "IEC 62052-11 / 62053-21, -22: the class index is the percentage error limit",
        )
    return float(m.group(1)) / 100.0


def parse_input(
    symbol: str,
    raw: Any,
    role: Literal["parameter", "monitored"],
    value: float,
    unit: str,
    label: str,
) -> InputUncertainty:
    """One declaration, checked: exactly one magnitude, a known distribution, a positive
    uncertainty, and a distribution that can hold the value."""
    if not isinstance(raw, Mapping):
        raise _err("a declaration is a table {distribution=, std=|range95=|...}", symbol, label)
    unknown = sorted(set(raw) - INPUT_KEYS)
    if unknown:
        raise _err(
            f"unknown key {unknown[0]!r}{did_you_mean(unknown[0], sorted(INPUT_KEYS))}",
            symbol,
            label,
            f"keys: {', '.join(sorted(INPUT_KEYS))}",
        )
    given = [k for k in MAGNITUDE_KEYS if k in raw]
    if len(given) != 1:
        raise _err(
            f"give exactly one of {', '.join(MAGNITUDE_KEYS)} (given: {given or 'none'})",
            symbol,
            label,
        )
    key = given[0]
    kind = str(raw.get("distribution", "uniform" if key in ("mpe", "accuracy_class") else ""))
    if not kind:
        kind = "uniform" if key == "lower" and "mode" not in raw else "normal"
        if key == "lower" and "mode" in raw:
            kind = "triangular"
    if kind not in DISTRIBUTIONS:
        raise _err(
            f"unknown distribution {kind!r}{did_you_mean(kind, DISTRIBUTIONS)}",
            symbol,
            label,
            f"one of {', '.join(DISTRIBUTIONS)} (JCGM 101:2008 6.4)",
        )
    factor = 1.0
    if "unit" in raw:
        if role == "monitored" or key.startswith("rel_") or key in ("mpe", "accuracy_class"):
            raise _err(
                "unit is for an absolute std, range95 or bounds of a parameter", symbol, label
            )
        factor = conversion_factor(
            str(raw["unit"]),
            unit or "dimensionless",
            variable=f"uncertainty.inputs.{symbol}",
            where=label,
        )
    # The centre the relative and symmetric forms refer to: the value of a parameter,
    # zero (no error) for the relative error of a monitored variable.
    centre = value if role == "parameter" else 0.0
    scale = abs(value) if role == "parameter" else 1.0
    dist: Distribution
    if key in ("std", "rel_std"):
        s = _num(raw, key, symbol, label) * (factor if key == "std" else scale)
        if s <= 0:
            raise _err(
                f"{key} = {raw[key]!r}: a standard uncertainty is positive",
                symbol,
                label,
                "JCGM 100:2008 2.3.1",
            )
        dist = _from_std(kind, centre, s, symbol, label, role)
    elif key in ("range95", "rel_range95"):
        lo, hi = _pair(raw, key, symbol, label)
        if key == "range95":
            lo, hi = lo * factor, hi * factor
        else:
            lo, hi = centre + lo * scale, centre + hi * scale
        dist = _from_range95(kind, lo, hi, symbol, label, role)
    elif key == "lower":
        if "upper" not in raw:
            raise _err("lower needs upper", symbol, label)
        lo, hi = (
            _num(raw, "lower", symbol, label) * factor,
            _num(raw, "upper", symbol, label) * (factor),
        )
        if not lo < hi:
            raise _err(f"lower {lo!r} is not below upper {hi!r}", symbol, label)
        if kind == "uniform":
            dist = Distribution("uniform", lo, hi)
        elif kind == "triangular":
            mode = _num(raw, "mode", symbol, label) * factor if "mode" in raw else (lo + hi) / 2
            if not lo <= mode <= hi:
                raise _err(f"mode {mode!r} outside [{lo!r}, {hi!r}]", symbol, label)
            dist = Distribution("triangular", lo, hi, mode)
        else:
            raise _err(
                f"bounds give a uniform or triangular distribution, not {kind}", symbol, label
            )
    else:
        mpe = (
            _num(raw, "mpe", symbol, label)
            if key == "mpe"
            else class_mpe(str(raw["accuracy_class"]), symbol, label)
        )
        if mpe <= 0:
            raise _err(f"mpe = {mpe!r}: a maximum permissible error is positive", symbol, label)
        half = mpe * scale
        if kind == "uniform":
            dist = Distribution("uniform", centre - half, centre + half)
        elif kind == "triangular":
            dist = Distribution("triangular", centre - half, centre + half, centre)
        elif kind == "normal":
            # An MPE read as a 95 % half-width.
            dist = Distribution("normal", centre, half / Z975)
        else:
            raise _err("an mpe is symmetric: uniform, triangular or normal", symbol, label)
    if "upper" in raw and key != "lower":
        raise _err("upper goes with lower", symbol, label)
    if "mode" in raw and key != "lower":
        raise _err("mode goes with lower and upper", symbol, label)
    if (
        role == "parameter"
        and dist.kind in ("uniform", "triangular")
        and not (dist.a <= value <= dist.b)
    ):
        raise _err(f"the value {value!r} lies outside {dist.describe()}", symbol, label)
    if role == "parameter" and dist.kind == "lognormal" and value <= 0:
        raise _err(f"a lognormal input needs a positive value, not {value!r}", symbol, label)
    rnd = 0.0
    if "random_rel_std" in raw:
        if role != "monitored":
            raise _err(
                "random_rel_std is for a monitored variable (an error per reading)", symbol, label
            )
        rnd = _num(raw, "random_rel_std", symbol, label)
        if rnd < 0:
            raise _err(
                f"random_rel_std = {rnd!r}: a standard uncertainty is not negative",
                symbol,
                label,
                "JCGM 100:2008 2.3.1",
            )
    shared = raw.get("shared", False)
    if not isinstance(shared, bool):
        raise _err(f"shared = {shared!r} is not true or false", symbol, label)
    if shared and role != "monitored":
        raise _err("shared is for a monitored variable with several meters", symbol, label)
    declared = ", ".join(f"{k} = {raw[k]!r}" for k in sorted(raw) if k != "source")
    return InputUncertainty(
        symbol, role, dist, value, str(raw.get("source", "project file")), declared, rnd, shared
    )


def _from_std(
    kind: str, centre: float, s: float, symbol: str, label: str, role: str
) -> Distribution:
    if kind == "normal":
        return Distribution("normal", centre, s)
    if kind == "uniform":
        half = s * math.sqrt(3.0)
        return Distribution("uniform", centre - half, centre + half)
    if kind == "triangular":
        half = s * math.sqrt(6.0)
        return Distribution("triangular", centre - half, centre + half, centre)
    # Lognormal with the value as its expectation: for a monitored variable the factor
    # (1 + delta) is lognormal with expectation 1.
    mean = centre if role == "parameter" else 1.0
    if mean <= 0:
        raise _err(f"a lognormal input needs a positive value, not {mean!r}", symbol, label)
    sigma2 = math.log1p((s / mean) ** 2)
    mu = math.log(mean) - sigma2 / 2
    return Distribution("lognormal", mu, math.sqrt(sigma2))


def _from_range95(
    kind: str, lo: float, hi: float, symbol: str, label: str, role: str
) -> Distribution:
    if kind == "normal":
        return Distribution("normal", (lo + hi) / 2, (hi - lo) / (2 * Z975))
    if kind == "lognormal":
        if role == "monitored":
            lo, hi = 1.0 + lo, 1.0 + hi  # the factor (1 + delta)
        if lo <= 0:
            raise _err(
                f"a lognormal 95 % range needs a positive lower end, not {lo!r}", symbol, label
            )
        mu = (math.log(lo) + math.log(hi)) / 2
        return Distribution("lognormal", mu, (math.log(hi) - math.log(lo)) / (2 * Z975))
    if kind == "uniform":
        # The 2.5 % and 97.5 % quantiles of a rectangular distribution.
        half = (hi - lo) / 2 / 0.95
        mid = (lo + hi) / 2
        return Distribution("uniform", mid - half, mid + half)
    raise _err("a 95 % range gives a normal, lognormal or uniform distribution", symbol, label)


def parse_declarations(
    raw: Mapping[str, Any],
    methodology: type[Methodology],
    parameters: Mapping[str, ParameterValue],
    monitored: Sequence[str],
    label: str,
    *,
    extra: Mapping[str, float] = MappingProxyType({}),
) -> Declarations:
    """``[uncertainty]`` checked against the methodology, the resolved parameters and the
    monitored variables of the project. ``extra`` maps other inputs the ledger records
    (``GWP_CH4``...) to their values: they may also carry an uncertainty."""
    unknown = sorted(set(raw) - SETTING_KEYS)
    if unknown:
        raise UncertaintyError(
            f"unknown key {unknown[0]!r}{did_you_mean(unknown[0], sorted(SETTING_KEYS))}",
            file=label,
            variable=f"uncertainty.{unknown[0]}",
            rule=f"[uncertainty] has keys {', '.join(sorted(SETTING_KEYS))}",
        )
    settings: dict[str, Any] = {}
    for key, lo, hi in (("confidence", 0.5, 0.9999), ("lower_confidence", 0.5, 0.9999)):
        if key in raw:
            v = raw[key]
            if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= v <= hi:
                raise UncertaintyError(
                    f"{key} = {v!r} is not a probability in [{lo}, {hi}]",
                    file=label,
                    variable=f"uncertainty.{key}",
                )
            settings[key] = float(v)
    for key, lo2, hi2 in (
        ("seed", 0, 2**63 - 1),
        ("digits", 1, 3),
        ("draws", 100, 10**9),
        ("max_draws", 10_000, 10**9),
    ):
        if key in raw:
            v = raw[key]
            if isinstance(v, bool) or not isinstance(v, int) or not lo2 <= v <= hi2:
                raise UncertaintyError(
                    f"{key} = {v!r} is not a whole number in [{lo2}, {hi2}]",
                    file=label,
                    variable=f"uncertainty.{key}",
                )
            settings[key] = int(v)
    declared_params = {p.symbol: p for p in methodology.parameters}
    monitored_set = set(monitored)
    decls: dict[str, InputUncertainty] = {}
    inputs = raw.get("inputs", {})
    if not isinstance(inputs, Mapping):
        raise UncertaintyError(
            "[uncertainty.inputs] must be a table", file=label, variable="uncertainty.inputs"
        )
    for symbol, spec in inputs.items():
        if symbol in monitored_set:
            decls[symbol] = parse_input(symbol, spec, "monitored", 0.0, "", label)
        elif symbol in extra:
            decls[symbol] = parse_input(symbol, spec, "parameter", extra[symbol], "1", label)
        elif symbol in declared_params:
            pv = parameters.get(symbol)
            if pv is None:
                raise _err(
                    "the parameter is neither given nor defaulted, so it has no value to be "
                    "uncertain about",
                    symbol,
                    label,
                    f"{methodology.label()} parameters",
                )
            if isinstance(pv.value, bool) or not isinstance(pv.value, int | float):
                raise _err(
                    f"{symbol} = {pv.value!r} is not a number: it cannot carry an uncertainty",
                    symbol,
                    label,
                )
            decls[symbol] = parse_input(symbol, spec, "parameter", float(pv.value), pv.unit, label)
        else:
            known = sorted({*declared_params, *monitored_set, *extra})
            raise _err(
                f"no parameter or monitored variable {symbol!r} in this project"
                f"{did_you_mean(symbol, known)}",
                symbol,
                label,
                f"an uncertainty is declared on an input of {methodology.label()}: "
                f"{', '.join(known)}",
            )
    correlations = _correlations(raw.get("correlation", []), decls, label)
    return Declarations(MappingProxyType(decls), correlations, **settings)


def _correlations(
    raw: Any, decls: Mapping[str, InputUncertainty], label: str
) -> tuple[Correlation, ...]:
    if not isinstance(raw, list | tuple):
        raise UncertaintyError(
            "correlations are [[uncertainty.correlation]] tables",
            file=label,
            variable="uncertainty.correlation",
        )
    out: list[Correlation] = []
    seen: set[frozenset[str]] = set()
    for k, c in enumerate(raw):
        where = f"uncertainty.correlation[{k}]"
        if not isinstance(c, Mapping) or set(c) - {"inputs", "r", "source"}:
            raise UncertaintyError(
                "a correlation is {inputs = [a, b], r = ..., source = ...}",
                file=label,
                variable=where,
            )
        names = c.get("inputs")
        if not isinstance(names, list | tuple) or len(names) != 2 or names[0] == names[1]:
            raise UncertaintyError(
                f"inputs = {names!r}: name two different inputs", file=label, variable=where
            )
        for n in names:
            if n not in decls:
                raise UncertaintyError(
                    f"{n!r} has no declared uncertainty{did_you_mean(str(n), list(decls))}",
                    file=label,
                    variable=where,
                    rule="a correlation joins two inputs declared in [uncertainty.inputs]",
                )
        r = c.get("r")
        if isinstance(r, bool) or not isinstance(r, int | float) or not -1.0 <= r <= 1.0:
            raise UncertaintyError(
                f"r = {r!r} is not a correlation coefficient in [-1, 1]",
                file=label,
                variable=where,
                rule="JCGM 100:2008 C.3.6",
            )
        key = frozenset(names)
        if key in seen:
            raise UncertaintyError(
                f"the correlation of {names[0]} and {names[1]} is given twice",
                file=label,
                variable=where,
            )
        seen.add(key)
        out.append(Correlation(str(names[0]), str(names[1]), float(r)))
    return tuple(out)
