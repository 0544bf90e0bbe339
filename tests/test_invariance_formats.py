"""The same monitoring data give the same result in every form the engine reads.

For both built-in methodologies (CDM ACM0002 v22.0, CCER-01-002-V01 with its meter-error
correction from drawn calibration records), a hypothesis-drawn case (tests/strategies.py)
is run once as the reference project (one comma-separated CSV file, values in MWh,
parameters in the declared units) and once in another rendering
(tests/format_strategies.py):

- CSV with "," / ";" with decimal "," / tab, delimiter and decimal declared or detected;
  an Excel workbook whose data sheet is named among others; NetCDF with CF time (local or
  UTC epoch) and a ``units`` attribute on each variable; a ``pandas.DataFrame`` or an
  ``xarray.Dataset`` passed to ``reductions.quantify``;
- the table split into two files at any row;
- each variable in its own unit (kWh, MWh, GWh, GJ); grid factors in kg/kWh, g/kWh or
  kg/MWh instead of t/MWh, the distance from shore in m instead of km.

The totals, the value of every ledger time step of BE, PE, LE and ER, and every reporting
interval of the report must agree. And ``Result.to_project(folder)`` of any result,
run again with ``run_project``, gives the same report.

Tolerance: ``RTOL = 1e-12`` relative, with an absolute floor of ``RTOL`` times the gross
energy times the combined margin (ER is a difference and may be near zero). Why it is
enough, and why it cannot be tighter: a value given in another unit is multiplied by the
unit's factor when written and by the inverse factor in the engine (two roundings, each
at most half an ulp, 1.1e-16 relative); openpyxl writes a double with 16 significant
digits (up to 5e-16 relative); forms that read the same doubles sum the same values in
the same order. A sum of n <= 96 non-negative terms each off by at most 1e-15 relative is
off by at most ~1e-15 relative plus n x 1.1e-16 of rounding in the sum itself (1.2e-14);
the product with the combined margin adds one rounding. 1e-12 is ~100x the worst case
and a thousand times tighter than tests/test_properties.py's RTOL; any real mistake (a
unit factor, a lost or doubled row, a shifted interval) is orders of magnitude larger.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reductions.ledger import TOTALS
from reductions.run import Result, run_project
from tests.format_strategies import (
    COLUMNS,
    ENERGY_UNITS,
    FILE_FORMS,
    FORMS,
    MEMORY_FORMS,
    SUFFIX,
    Rendering,
    parameter_units,
    renderings,
    result_of,
)
from tests.strategies import Case, cases, write_case

RTOL = 1e-12
DELIMITER = {"csv-comma": ",", "csv-semicolon-decimal-comma": ";", "csv-tab": "\t"}
METHODOLOGIES = ("cdm.acm0002", "ccer.01-002")


def props(n: int) -> settings:
    return settings(
        deadline=None,
        max_examples=n,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def scale(result: Result) -> float:
    """Gross energy x combined margin [t]: the size ER is compared at."""
    led = result.ledger
    gross = float(np.sum(led.series("EG_export")) + np.sum(led.series("EG_import")))
    ef = float(np.max(led.series("EF_grid_CM_y")))
    return max(gross * ef, 1.0)


def assert_same_result(base: Result, other: Result, what: str) -> None:
    """Same totals, same value at every ledger time step, same reporting intervals."""
    atol = RTOL * max(scale(base), scale(other))
    for s in TOTALS:
        assert other.totals[s] == pytest.approx(base.totals[s], rel=RTOL, abs=atol), (what, s)
        np.testing.assert_allclose(
            other.ledger.series(s),
            base.ledger.series(s),
            rtol=RTOL,
            atol=atol,
            err_msg=f"{what}: {s} per time step",
        )
    for symbol in COLUMNS:  # the monitored energy, in MWh inside the engine
        np.testing.assert_allclose(
            other.ledger.series(symbol),
            base.ledger.series(symbol),
            rtol=RTOL,
            atol=RTOL * float(np.sum(base.ledger.series(symbol))),
            err_msg=f"{what}: {symbol} per time step",
        )
    a, b = base.report()["intervals"], other.report()["intervals"]
    assert [(r["label"], r["start"], r["end"]) for r in b] == [
        (r["label"], r["start"], r["end"]) for r in a
    ], what
    for ra, rb in zip(a, b, strict=True):
        for s in TOTALS:
            assert rb[s] == pytest.approx(ra[s], rel=RTOL, abs=atol), (what, ra["label"], s)


def small_cases(methodology: str) -> st.SearchStrategy[Case]:
    """One or two local days of hourly data (up to 48 rows)."""
    return cases(methodology=methodology, max_days=2)  # type: ignore[arg-type]


# --- every form ------------------------------------------------------------------------------


@pytest.mark.parametrize("methodology", METHODOLOGIES)
@pytest.mark.parametrize("form", FORMS)
@props(8)
@given(data=st.data())
def test_every_form_gives_the_same_result(
    methodology: str, form: str, data: st.DataObject, new_dir: Callable[[], Path]
) -> None:
    """The values in MWh, one file or object, in each of the seven forms."""
    case = data.draw(small_cases(methodology), label="case")
    r = Rendering(
        form=form,
        declare=data.draw(st.booleans(), label="declare delimiter and decimal"),
        utc=data.draw(st.booleans(), label="UTC timestamps") and form not in ("xlsx", "dataset"),
        units_in_table_settings=data.draw(st.booleans(), label="units in tables="),
    )
    base = run_project(write_case(new_dir(), case))
    other = result_of(new_dir(), case, r)
    assert_same_result(base, other, r.describe())
    if form.startswith("csv") and not r.declare:  # the detection path was taken
        detected = other.quality.tables["monitoring"].detected
        assert detected[f"part1{SUFFIX[form]}: delimiter"] == DELIMITER[form], detected


@pytest.mark.parametrize("methodology", METHODOLOGIES)
@props(25)
@given(data=st.data())
def test_a_table_split_into_two_files_at_any_row_gives_the_same_result(
    methodology: str, data: st.DataObject, new_dir: Callable[[], Path]
) -> None:
    """``files = [part1, part2]``, cut at a drawn row (inside a day or at midnight)."""
    case = data.draw(small_cases(methodology), label="case")
    r = Rendering(
        form=data.draw(st.sampled_from(FILE_FORMS), label="form"),
        split=data.draw(st.integers(1, case.n - 1), label="split row"),
        declare=data.draw(st.booleans(), label="declare delimiter and decimal"),
    )
    base = run_project(write_case(new_dir(), case))
    assert_same_result(base, result_of(new_dir(), case, r), r.describe())


@pytest.mark.parametrize("methodology", METHODOLOGIES)
@props(25)
@given(data=st.data())
def test_every_unit_gives_the_same_result(
    methodology: str, data: st.DataObject, new_dir: Callable[[], Path]
) -> None:
    """Each variable in its own energy unit, the parameters in other units, in any form."""
    case = data.draw(small_cases(methodology), label="case")
    r = Rendering(
        form=data.draw(st.sampled_from(FORMS), label="form"),
        units={s: data.draw(st.sampled_from(ENERGY_UNITS), label=f"unit of {s}") for s in COLUMNS},
        parameter_units=data.draw(parameter_units(case), label="parameter units"),
        units_in_table_settings=data.draw(st.booleans(), label="units in tables="),
    )
    base = run_project(write_case(new_dir(), case))
    assert_same_result(base, result_of(new_dir(), case, r), r.describe())


def test_a_parameter_in_kg_per_kwh_is_the_same_as_in_t_per_mwh(
    new_dir: Callable[[], Path],
) -> None:
    """A fixed example of the property above: 0.8922 kg/kWh is 0.8922 t/MWh, and the
    report keeps the value as given beside the converted one."""
    from tests.strategies import ACM0002_BASE

    n = 48
    export = np.linspace(0.0, 40.0, n)
    imports = np.where(np.arange(n) % 6 == 0, 0.25, 0.0)
    params: dict[str, Any] = {
        **ACM0002_BASE,
        "EF_grid_OM_y": {"value": 0.8922, "unit": "t/MWh", "source": "fixture"},
        "EF_grid_BM_y": {"value": 0.4407, "unit": "t/MWh", "source": "fixture"},
    }
    import datetime as dt

    case = Case("cdm.acm0002", params, dt.date(2024, 1, 1), 2, "1h", export, imports)
    base = run_project(write_case(new_dir(), case))
    r = Rendering(parameter_units={"EF_grid_OM_y": "kg/kWh", "EF_grid_BM_y": "kg/kWh"})
    other = result_of(new_dir(), case, r)
    assert_same_result(base, other, r.describe())
    entry = {p["symbol"]: p for p in other.report()["parameters"]}["EF_grid_OM_y"]
    assert entry["unit"] == "t/MWh" and entry["value"] == pytest.approx(0.8922, rel=1e-15)
    assert entry["given_unit"] == "kg/kWh" and entry["given_value"] == 0.8922


@pytest.mark.parametrize("methodology", METHODOLOGIES)
@props(40)
@given(data=st.data())
def test_every_rendering_at_once_gives_the_same_result(
    methodology: str, data: st.DataObject, new_dir: Callable[[], Path]
) -> None:
    """Form, split, units, parameter units, UTC timestamps and detection all drawn."""
    case = data.draw(small_cases(methodology), label="case")
    r = data.draw(renderings(case), label="rendering")
    base = run_project(write_case(new_dir(), case))
    assert_same_result(base, result_of(new_dir(), case, r), r.describe())


# --- to_project ------------------------------------------------------------------------------

#: Parts of a report that name where the data came from rather than what they are.
WHERE_FROM = ("project", "inputs", "created", "digest")


#: Parts of each table's data-quality record that say how its files were read: the files
#: (``["<data>"]`` in memory, the CSV file once written) and what was detected in them
#: (the exported CSV's delimiter, which the exported project file does not declare).
HOW_READ = ("files", "detected")


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """A report without what names its files and how they were read."""
    out = {k: v for k, v in report.items() if k not in WHERE_FROM}
    out["data_quality"] = {
        name: {k: v for k, v in t.items() if k not in HOW_READ}
        for name, t in report["data_quality"].items()
    }
    return out


def assert_same_report(a: dict[str, Any], b: dict[str, Any]) -> None:
    """Equal reports apart from where the data came from; numbers to RTOL."""

    def walk(x: Any, y: Any, path: str) -> None:
        if isinstance(x, dict):
            assert isinstance(y, dict) and sorted(x) == sorted(y), path
            for k in x:
                walk(x[k], y[k], f"{path}.{k}")
        elif isinstance(x, list):
            assert isinstance(y, list) and len(x) == len(y), path
            for i, (u, v) in enumerate(zip(x, y, strict=True)):
                walk(u, v, f"{path}[{i}]")
        elif isinstance(x, float) and not isinstance(x, bool):
            assert y == pytest.approx(x, rel=RTOL, abs=1e-300), path
        else:
            assert x == y, f"{path}: {x!r} != {y!r}"

    walk(comparable(a), comparable(b), "report")


@pytest.mark.parametrize("methodology", METHODOLOGIES)
@props(15)
@given(data=st.data())
def test_to_project_of_an_in_memory_result_is_reproduced_by_run_project(
    methodology: str, data: st.DataObject, new_dir: Callable[[], Path]
) -> None:
    """``quantify(DataFrame | Dataset).to_project(folder)``, then ``run_project``: the
    same totals and the same report (the values are written at full precision)."""
    case = data.draw(small_cases(methodology), label="case")
    r = data.draw(renderings(case, forms=MEMORY_FORMS), label="rendering")
    first = result_of(new_dir(), case, r)
    path = first.to_project(new_dir() / "exported")
    assert path.name == "project.toml" and path.is_file()
    again = run_project(path)
    for s in TOTALS:
        assert again.totals[s] == pytest.approx(first.totals[s], rel=RTOL, abs=1e-300), s
    assert_same_report(first.report(), again.report())
    assert again.project.name == first.project.name


@pytest.mark.parametrize("methodology", METHODOLOGIES)
@props(12)
@given(data=st.data())
def test_to_project_of_a_file_result_is_reproduced_by_run_project(
    methodology: str, data: st.DataObject, new_dir: Callable[[], Path]
) -> None:
    """A project of files (any format, possibly split) exported to another folder: its
    files are copied, and the copy gives the same report."""
    case = data.draw(small_cases(methodology), label="case")
    r = data.draw(renderings(case, forms=FILE_FORMS), label="rendering")
    first = result_of(new_dir(), case, r)
    path = first.to_project(new_dir() / "exported")
    again = run_project(path)
    assert_same_report(first.report(), again.report())
    assert [i["path"] for i in again.report()["inputs"]][1:] == list(first.project.files())
