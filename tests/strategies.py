"""Reusable hypothesis strategies and project-file writers for the engine tests.

A :class:`Case` is one synthetic grid-connected renewable project: a methodology, its
parameters, a period, and the export and import energy of every monitoring interval in
MWh. The writers render the same case in other forms (other units, cumulative registers
instead of interval values, UTC timestamps with offsets instead of local ones, shuffled
rows, coarser resolutions, two half periods) so that the property tests can check that
the result does not change (CONVENTIONS.md, "Tests", kind 3).

The module is imported by the test modules (``tests/`` is on ``sys.path`` under pytest's
default import mode); it holds no test itself.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

#: Factor from MWh to each unit the data may come in [unit/MWh]. 1 Wh = 3600 J by the
#: definition of the watt-hour (SI Brochure, 9th ed., 2019, Table 8: 1 Wh = 3.6 kJ), so
#: 1 MWh = 3.6 GJ = 3600 MJ exactly.
PER_MWH = {"MWh": 1.0, "kWh": 1e3, "Wh": 1e6, "GWh": 1e-3, "GJ": 3.6, "MJ": 3600.0}

#: Steps of the fixed-length resolutions, in minutes.
STEP_MINUTES = {"15min": 15, "1h": 60, "1D": 1440}

Methodology = Literal["cdm.acm0002", "ccer.01-002"]
VERSIONS = {"cdm.acm0002": "22.0", "ccer.01-002": "V01"}

#: Fixed parameters of the ACM0002 fixture besides the grid factors.
ACM0002_BASE: dict[str, Any] = {
    "project_activity": "greenfield",
    "technology": "wind",
    "crediting_period": 1,
}
#: Fixed parameters of the CCER-01-002 fixture besides factors, weights and MPEs: a site
#: 38 km from shore (CCER-01-002-V01 para. 2 asks for more than 30 km or 30 m).
CCER_BASE: dict[str, Any] = {
    "distance_from_shore": {"value": 38.0, "unit": "km", "source": "test fixture"},
    "water_depth": {"value": 26.0, "unit": "m", "source": "test fixture"},
}


# --- TOML ------------------------------------------------------------------------------


def toml_value(v: Any) -> str:
    """One TOML value: strings, numbers, booleans, dates, date-times, inline tables."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, dt.datetime):
        return v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(f"no TOML form for {v!r}")


def dump_toml(doc: Mapping[str, Mapping[str, Any]]) -> str:
    """A project file: top-level tables; inside them, a table of tables becomes a
    sub-table (``[monitoring.variables]``), a list of tables an array of tables
    (``[[monitoring.calibrations]]``), anything else an inline value."""
    out: list[str] = []
    for name, table in doc.items():
        if isinstance(table, list):
            for item in table:
                out.append(f"[[{name}]]")
                out += [f"{k} = {toml_value(v)}" for k, v in item.items()]
            continue
        out.append(f"[{name}]")
        later: list[str] = []
        for key, value in table.items():
            if (
                isinstance(value, Mapping)
                and value
                and all(isinstance(x, Mapping) for x in value.values())
            ):
                later.append(f"[{name}.{key}]")
                later += [f"{k} = {toml_value(x)}" for k, x in value.items()]
            elif isinstance(value, list) and value and all(isinstance(x, Mapping) for x in value):
                for item in value:
                    later.append(f"[[{name}.{key}]]")
                    later += [f"{k} = {toml_value(x)}" for k, x in item.items()]
            else:
                out.append(f"{key} = {toml_value(value)}")
        out += later
    return "\n".join(out) + "\n"


def write_project(
    directory: Path,
    frames: Mapping[str, pd.DataFrame],
    *,
    methodology: str = "cdm.acm0002",
    version: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    start: dt.date = dt.date(2024, 1, 1),
    end: dt.date = dt.date(2024, 1, 2),
    timezone: str = "UTC+8",
    reporting: str = "total",
    monitoring: Mapping[str, Any] | None = None,
    project: Mapping[str, Any] | None = None,
    name: str = "project.toml",
) -> Path:
    """Write a project file and its monitoring CSV files into ``directory``.

    ``frames`` maps file names to tables (written with full float precision);
    ``monitoring`` is the ``[monitoring]`` table (``file`` defaults to the only frame).
    Returns the project file's path.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for fname, frame in frames.items():
        frame.to_csv(directory / fname, index=False, float_format="%.17g")
    mon = dict(monitoring or {})
    if "file" not in mon and "files" not in mon and len(frames) == 1:
        mon["file"] = next(iter(frames))
    proj = {
        "name": "test project",
        "methodology": methodology,
        "methodology_version": version or VERSIONS.get(methodology, "1"),
        **(project or {}),
    }
    doc: dict[str, Any] = {
        "project": proj,
        "period": {"start": start, "end": end, "timezone": timezone, "reporting": reporting},
        "parameters": dict(parameters or {}),
        "monitoring": mon,
    }
    if not doc["parameters"]:
        del doc["parameters"]
    path = directory / name
    path.write_text(dump_toml(doc), encoding="utf-8")
    return path


# --- a synthetic project ------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A synthetic project: interval energies in MWh on a fixed-length grid in local time.

    ``export[i]`` and ``imports[i]`` cover ``[start + i*step, start + (i+1)*step)`` in the
    time zone ``timezone``.
    """

    methodology: Methodology
    parameters: Mapping[str, Any]
    start: dt.date
    days: int
    step: str
    export: np.ndarray
    imports: np.ndarray
    timezone: str = "UTC+8"
    reporting: str = "total"
    calibrations: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.days - 1)

    @property
    def n(self) -> int:
        return int(self.export.size)

    def local_starts(self) -> pd.DatetimeIndex:
        """Start of each interval, naive local time."""
        t0 = pd.Timestamp(self.start)
        return pd.DatetimeIndex(
            t0 + pd.to_timedelta(np.arange(self.n) * STEP_MINUTES[self.step], "m")
        )

    def utc_offset(self) -> pd.Timedelta:
        sign = -1 if "-" in self.timezone else 1
        hours = self.timezone.replace("UTC", "").lstrip("+-") or "0"
        return sign * pd.Timedelta(hours=float(hours))

    def with_energy(self, export: np.ndarray, imports: np.ndarray) -> Case:
        return replace(self, export=np.asarray(export, float), imports=np.asarray(imports, float))


def fmt_times(index: pd.DatetimeIndex, utc_offset: pd.Timedelta | None = None) -> list[str]:
    """ISO 8601 strings; naive (local) unless ``utc_offset`` is given, then shifted to UTC
    and written with an explicit ``+00:00``."""
    if utc_offset is None:
        return [t.isoformat() for t in index]
    return [(t - utc_offset).isoformat() + "+00:00" for t in index]


def interval_frame(
    case: Case,
    unit: str = "MWh",
    label: str = "end",
    utc: bool = False,
    rows: slice | np.ndarray | None = None,
) -> pd.DataFrame:
    """The case as interval values in ``unit``, one row per interval."""
    starts = case.local_starts()
    step = pd.Timedelta(minutes=STEP_MINUTES[case.step])
    stamps = starts if label == "start" else starts + step
    k = PER_MWH[unit]
    frame = pd.DataFrame(
        {
            "timestamp": fmt_times(stamps, case.utc_offset() if utc else None),
            "export": case.export * k,
            "import": case.imports * k,
        }
    )
    return frame if rows is None else frame.iloc[rows].reset_index(drop=True)


def register_frame(
    case: Case,
    unit: str = "kWh",
    initial: tuple[float, float] | None = None,
    rows: slice | None = None,
) -> pd.DataFrame:
    """The case as cumulative register readings in ``unit``, read at every interval
    boundary: ``n + 1`` readings whose differences are the interval energies.

    ``initial`` readings are in ``unit``; by default 1,000 MWh and 50 MWh expressed in
    ``unit``, so that the register's relative resolution is the same in every unit.
    """
    k = PER_MWH[unit]
    if initial is None:
        initial = (1000.0 * k, 50.0 * k)
    starts = case.local_starts()
    step = pd.Timedelta(minutes=STEP_MINUTES[case.step])
    stamps = pd.DatetimeIndex(starts.append(pd.DatetimeIndex([starts[-1] + step])))
    exp = initial[0] + np.concatenate([[0.0], np.cumsum(case.export * k)])
    imp = initial[1] + np.concatenate([[0.0], np.cumsum(case.imports * k)])
    frame = pd.DataFrame({"timestamp": fmt_times(stamps), "export": exp, "import": imp})
    return frame if rows is None else frame.iloc[rows].reset_index(drop=True)


def monitoring_table(
    case: Case,
    unit: str = "MWh",
    kind: str = "interval",
    label: str = "end",
    **extra: Any,
) -> dict[str, Any]:
    """The ``[monitoring]`` table for a frame written by the functions above."""
    variables = {
        "EG_export": {"column": "export", "unit": unit, "kind": kind},
        "EG_import": {"column": "import", "unit": unit, "kind": kind},
    }
    table: dict[str, Any] = {"time": "timestamp", "timezone": case.timezone}
    if kind == "interval":
        table.update({"label": label, "interval": case.step})
    table.update(extra)
    table["variables"] = variables
    if case.calibrations:
        table["calibrations"] = list(case.calibrations)
    return table


def write_case(
    directory: Path,
    case: Case,
    *,
    unit: str = "MWh",
    kind: str = "interval",
    label: str = "end",
    utc: bool = False,
    frame: pd.DataFrame | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    reporting: str | None = None,
    **monitoring: Any,
) -> Path:
    """Write ``case`` as a project in ``directory`` (interval values or registers)."""
    if frame is None:
        frame = (
            interval_frame(case, unit, label, utc)
            if kind == "interval"
            else register_frame(case, unit)
        )
    return write_project(
        directory,
        {"monitoring.csv": frame},
        methodology=case.methodology,
        parameters=case.parameters,
        start=start or case.start,
        end=end or case.end,
        timezone=case.timezone,
        reporting=reporting or case.reporting,
        monitoring=monitoring_table(case, unit, kind, label, **monitoring),
    )


# --- strategies -----------------------------------------------------------------------------

#: Energy per interval [MWh]: zero or a finite non-negative amount up to a 300 MW plant's
#: hourly output, without subnormals (they make relative comparisons meaningless).
energy = st.one_of(
    st.just(0.0),
    st.floats(min_value=1e-3, max_value=300.0, allow_nan=False, allow_infinity=False),
)


def energy_arrays(n: int, max_value: float = 300.0) -> st.SearchStrategy[np.ndarray]:
    """Arrays of ``n`` interval energies [MWh]."""
    elements = st.one_of(
        st.just(0.0),
        st.floats(min_value=1e-3, max_value=max_value, allow_nan=False, allow_infinity=False),
    )
    return hnp.arrays(np.float64, n, elements=elements)


#: A grid emission factor [t/MWh], as published: four decimals, 0 to 1.5.
grid_factor = st.integers(min_value=0, max_value=15_000).map(lambda k: k / 10_000)

#: A unit energy data may come in.
energy_unit = st.sampled_from(sorted(PER_MWH))


@st.composite
def acm0002_parameters(draw: st.DrawFn) -> dict[str, Any]:
    """Parameters of a greenfield wind or solar plant under ACM0002 v22.0."""
    return {
        **ACM0002_BASE,
        "technology": draw(st.sampled_from(["wind", "solar"])),
        "crediting_period": draw(st.integers(1, 3)),
        "EF_grid_OM_y": {"value": draw(grid_factor), "unit": "t/MWh", "source": "test"},
        "EF_grid_BM_y": {"value": draw(grid_factor), "unit": "t/MWh", "source": "test"},
    }


@st.composite
def ccer_parameters(draw: st.DrawFn) -> dict[str, Any]:
    """Parameters of an offshore wind farm under CCER-01-002-V01 (weights sum to 1; any
    other than Tables 2-3's 0.5/0.5 is an override, recorded; meters of accuracy class 0.5
    or better, as Tables 4-5 require)."""
    w_om = draw(st.integers(0, 100)) / 100
    return {
        **CCER_BASE,
        "EF_grid_OM_y": {"value": draw(grid_factor), "unit": "t/MWh", "source": "test"},
        "EF_grid_BM_y": {"value": draw(grid_factor), "unit": "t/MWh", "source": "test"},
        "w_OM": {"value": w_om, "unit": "1", "source": "test"},
        "w_BM": {"value": round(1.0 - w_om, 2), "unit": "1", "source": "test"},
        "MPE_export": {"value": draw(st.sampled_from([0.002, 0.005])), "unit": "1"},
        "MPE_import": {"value": draw(st.sampled_from([0.002, 0.005])), "unit": "1"},
    }


@st.composite
def calibrations(draw: st.DrawFn, around: dt.date, days: int) -> tuple[dict[str, Any], ...]:
    """Calibration records of both meters, dated from a year before ``around`` to the end
    of the period: in class, out of class, on time and late."""
    out = []
    for variable in ("EG_export", "EG_import"):
        for _ in range(draw(st.integers(0, 2))):
            date = around + dt.timedelta(days=draw(st.integers(-400, days)))
            mpe = draw(st.sampled_from([0.002, 0.005]))
            error = draw(st.integers(-100, 100)) / 10_000
            out.append({"variable": variable, "date": date, "error": error, "mpe": mpe})
    # One record per meter and date (two results on one day would be ambiguous).
    unique = {(c["variable"], c["date"]): c for c in out}
    return tuple(unique.values())


@st.composite
def cases(
    draw: st.DrawFn,
    methodology: Methodology | None = None,
    step: str = "1h",
    min_days: int = 1,
    max_days: int = 4,
    start: dt.date | None = None,
) -> Case:
    """A :class:`Case` with hypothesis-drawn energies at resolution ``step``."""
    meth: Methodology = (
        methodology
        if methodology is not None
        else draw(st.sampled_from(["cdm.acm0002", "ccer.01-002"]))
    )
    days = draw(st.integers(min_days, max_days))
    day0 = start or draw(st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2025, 12, 1)))
    n = days * 1440 // STEP_MINUTES[step]
    export = draw(energy_arrays(n))
    imports = draw(energy_arrays(n, max_value=5.0))
    if meth == "cdm.acm0002":
        params = draw(acm0002_parameters())
        cals: tuple[dict[str, Any], ...] = ()
    else:
        params = draw(ccer_parameters())
        cals = draw(calibrations(day0, days))
    return Case(
        meth,
        params,
        day0,
        days,
        step,
        export,
        imports,
        reporting=draw(st.sampled_from(["total", "day", "month"])),
        calibrations=cals,
    )


@st.composite
def seeded_cases(
    draw: st.DrawFn,
    methodology: Methodology | None = None,
    step: str = "15min",
    start: dt.date = dt.date(2024, 1, 1),
    days: int = 60,
) -> Case:
    """A long :class:`Case` whose energies come from a hypothesis-drawn seed (drawing
    thousands of floats one by one would be slow); the shape of the profile (scale,
    share of still intervals, import level) is drawn by hypothesis."""
    base = draw(cases(methodology=methodology, step="1D", min_days=1, max_days=1, start=start))
    seed = draw(st.integers(0, 2**32 - 1))
    scale = draw(st.floats(min_value=0.01, max_value=100.0))
    still = draw(st.floats(min_value=0.0, max_value=0.9))
    rng = np.random.default_rng(seed)
    n = days * 1440 // STEP_MINUTES[step]
    export = rng.gamma(2.0, scale, n) * (rng.random(n) >= still)
    imports = np.where(export == 0.0, rng.random(n) * scale * 0.01, 0.0)
    return replace(
        base,
        days=days,
        step=step,
        export=export,
        imports=imports,
        calibrations=draw(calibrations(start, days)) if base.methodology == "ccer.01-002" else (),
    )


def resample(case: Case, step: str) -> Case:
    """The same energy at a coarser fixed resolution (sums over whole intervals)."""
    k = STEP_MINUTES[step] // STEP_MINUTES[case.step]
    assert STEP_MINUTES[step] % STEP_MINUTES[case.step] == 0 and case.n % k == 0
    return replace(
        case,
        step=step,
        export=case.export.reshape(-1, k).sum(axis=1),
        imports=case.imports.reshape(-1, k).sum(axis=1),
    )


def monthly_frame(case: Case, unit: str = "MWh") -> pd.DataFrame:
    """The case summed per calendar month of local time, each row labelled by the start
    of its month (requires a period of whole months)."""
    months = case.local_starts().to_period("M")
    frame = pd.DataFrame({"m": months, "export": case.export, "import": case.imports})
    sums = frame.groupby("m", sort=True)[["export", "import"]].sum()
    k = PER_MWH[unit]
    return pd.DataFrame(
        {
            "timestamp": [p.start_time.isoformat() for p in sums.index],
            "export": sums["export"].to_numpy() * k,
            "import": sums["import"].to_numpy() * k,
        }
    )


def split_case(case: Case, day: int) -> tuple[Case, Case]:
    """The case cut at local midnight starting day ``day`` (1 <= day < days)."""
    per_day = 1440 // STEP_MINUTES[case.step]
    k = day * per_day
    first = replace(case, days=day, export=case.export[:k], imports=case.imports[:k])
    second = replace(
        case,
        start=case.start + dt.timedelta(days=day),
        days=case.days - day,
        export=case.export[k:],
        imports=case.imports[k:],
    )
    return first, second


def combined_margin_of(parameters: Mapping[str, Any], weights: Sequence[float]) -> float:
    """w_OM * OM + w_BM * BM from a parameter table (values in t/MWh)."""
    om = parameters["EF_grid_OM_y"]["value"]
    bm = parameters["EF_grid_BM_y"]["value"]
    return float(weights[0] * om + weights[1] * bm)


#: Illustrative grid factors of the fixtures [t/MWh]: the Armenian standardized baseline
#: ASB0038-2018 v01.0, Table 1 (OM 0.4620, BM 0.3456 tCO2/MWh).
OM_ARMENIA, BM_ARMENIA = 0.4620, 0.3456


def hourly_frame(
    export: list[float] | np.ndarray,
    imports: list[float] | np.ndarray | None = None,
    start: dt.datetime = dt.datetime(2024, 1, 1),
    label: str = "end",
) -> pd.DataFrame:
    """Hourly interval values [MWh] from ``start`` (local time), labelled by ``label``."""
    n = len(export)
    first = start + (dt.timedelta(hours=1) if label == "end" else dt.timedelta(0))
    stamps = [(first + dt.timedelta(hours=i)).isoformat() for i in range(n)]
    return pd.DataFrame(
        {
            "timestamp": stamps,
            "export": np.asarray(export, float),
            "import": np.zeros(n) if imports is None else np.asarray(imports, float),
        }
    )
