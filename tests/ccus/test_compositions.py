"""Named captured-CO2 compositions: the shipped table, its rules, and its use in properties.

The per-stream tests are parametrised over the shipped table; a stream added to
``ccus/data/co2-stream-compositions.csv`` is tested here without editing this file. While the
table has no rows (no published composition could yet be read from a citable source) those
tests are reported as skipped ("got empty parameter set"), never as passed.
"""

from __future__ import annotations

import csv
import math
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from ccus import compositions as C
from ccus import properties as P
from ccus.errors import CCUSInputError

HEADER = ",".join(C.COLUMNS) + "\n"
SRC = '"Doe et al. (2000), A test document, J. Test 1:1-2"'  # quoted: it holds commas


def _shipped_rows() -> list[dict[str, str]]:
    text = resources.files("ccus").joinpath(C.DATA_FILE).read_text(encoding="utf-8")
    return [r for r in csv.DictReader(text.splitlines()) if any(v.strip() for v in r.values())]


def _write(tmp_path: Path, body: str) -> Path:
    f = tmp_path / "table.csv"
    f.write_text(HEADER + body, encoding="utf-8")
    return f


# ------------------------------------------------------------------------ the shipped table


def test_shipped_table_reads_and_lists_every_name() -> None:
    rows = _shipped_rows()
    assert list(C.names()) == list(dict.fromkeys(r["name"].strip() for r in rows))
    path = Path(str(resources.files("ccus").joinpath(C.DATA_FILE)))
    assert set(C.load_table(path)) == set(C.names())


@pytest.mark.parametrize("name", C.names())
def test_sums_to_one(name: str) -> None:
    x = C.composition(name)
    assert math.fsum(x.values()) == pytest.approx(1.0, abs=1e-12)
    assert all(0.0 <= v <= 1.0 for v in x.values())
    P.normalize_composition(x)  # accepted by the property functions as is


@pytest.mark.parametrize("name", C.names())
def test_cites_a_source(name: str) -> None:
    rows = [r for r in _shipped_rows() if r["name"].strip() == name]
    assert all(r["source"].strip() and r["table_or_page"].strip() for r in rows)
    s = C.source(name)
    assert s.startswith(rows[0]["source"].strip())
    for r in rows:
        assert r["table_or_page"].strip() in s


@pytest.mark.parametrize("name", C.names())
def test_values_match_the_csv(name: str) -> None:
    rows = [r for r in _shipped_rows() if r["name"].strip() == name]
    x = C.composition(name)
    assert set(x) == {r["species"].strip() for r in rows}
    listed = {
        r["species"].strip(): float(r["mole_fraction"])
        for r in rows
        if r["mole_fraction"].strip().lower() != "balance"
    }
    balance = [r for r in rows if r["mole_fraction"].strip().lower() == "balance"]
    if balance:
        # Closed with CO2 as balance: the note says so, impurities are exactly as published.
        assert "balance" in balance[0]["note"].lower()
        for k, v in listed.items():
            assert x[k] == pytest.approx(v, rel=1e-12, abs=1e-15)
        assert x["CO2"] == pytest.approx(1.0 - math.fsum(listed.values()), rel=1e-12)
    else:
        # Listed numbers sum to 1 within 1e-9 (checked on load); only float noise is removed.
        for k, v in listed.items():
            assert x[k] == pytest.approx(v, rel=2e-9, abs=1e-15)


@pytest.mark.slow
@pytest.mark.parametrize("name", C.names())
def test_dense_phase_density_is_finite(name: str) -> None:
    # One dense-phase state per stream (15 MPa, 300 K) through CoolProp's mixture model
    # (about 30 ms a state): a finite, physically sized density and no flag.
    rho, flags = P.density(
        15e6, 300.0, C.composition(name), method="exact", errors="nan", return_flags=True
    )
    assert int(flags) == 0
    assert np.isfinite(rho)
    assert 300.0 < float(rho) < 1100.0


def test_unknown_name_is_a_typed_error() -> None:
    with pytest.raises(CCUSInputError, match="not one of"):
        C.composition("no_such_stream")
    with pytest.raises(ValueError):
        C.source("no_such_stream")


# ------------------------------------------------------------------ the table's rules (tmp)


def test_exact_listing_and_balance_closure(tmp_path: Path) -> None:
    body = (
        f"a,CO2,0.96,{SRC},Table 1,\n"
        f"a,N2,0.03,{SRC},Table 1,\n"
        f"a,Ar,0.01,{SRC},Table 1,\n"
        f"b,CO2,balance,{SRC},Table 2,CO2 closed as balance (listed 0.995)\n"
        f"b,H2,0.004,{SRC},Table 2,typical value of 0.2-0.6 %\n"
        f"b,CO,0.0005,{SRC},Table 2,\n"
    )
    t = C.load_table(_write(tmp_path, body))
    assert list(t) == ["a", "b"]
    assert t["a"].fractions == pytest.approx({"CO2": 0.96, "N2": 0.03, "Ar": 0.01})
    assert not t["a"].co2_is_balance
    assert t["b"].co2_is_balance
    assert t["b"].fractions["CO2"] == pytest.approx(1 - 0.0045, rel=1e-15)
    assert list(t["b"].fractions) == ["CO2", "CO", "H2"]
    assert math.fsum(t["b"].fractions.values()) == pytest.approx(1.0, abs=1e-15)
    assert t["b"].notes == ("CO2 closed as balance (listed 0.995)", "typical value of 0.2-0.6 %")
    # The result is usable by the property functions as is.
    P.normalize_composition(t["b"].fractions)


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        (f"a,CO2,0.9,{SRC},T1,\na,N2,0.05,{SRC},T1,\n", "sum to"),
        (f"a,CO2,balance,{SRC},T1,closed\na,N2,0.05,{SRC},T1,\n", "does not say so"),
        (f"a,N2,balance,{SRC},T1,balance\na,CO2,0.9,{SRC},T1,\n", "only CO2"),
        (f"a,CO2,balance,{SRC},T1,balance\na,N2,0.7,{SRC},T1,\na,O2,0.6,{SRC},T1,\n", "> 1"),
        (f"a,SO2,0.01,{SRC},T1,\na,CO2,0.99,{SRC},T1,\n", "not one of"),
        ("a,CO2,1.0,,T1,\n", "source column is empty"),
        (f"a,CO2,1.0,{SRC},,\n", "table_or_page column is empty"),
        (f"a,CO2,0.5,{SRC},T1,\na,N2,0.5,Other (2001),T2,\n", "one per stream"),
        (f"a,CO2,0.5,{SRC},T1,\na,CO2,0.5,{SRC},T1,\n", "twice"),
        (f"a,CO2,x,{SRC},T1,\n", "not a number"),
        (f"a,CO2,1.5,{SRC},T1,\n", "must be in [0, 1]"),
        (f"a,CO2,nan,{SRC},T1,\n", "must be in [0, 1]"),
        (f"A b,CO2,1.0,{SRC},T1,\n", "must match"),
        (f"a,CO2,1.0,{SRC},T1\n", "columns"),
    ],
)
def test_rule_violations_name_line_and_rule(tmp_path: Path, body: str, rule: str) -> None:
    f = _write(tmp_path, body)
    with pytest.raises(C.CompositionDataError, match="line [0-9]+") as e:
        C.load_table(f)
    assert rule in str(e.value)
    assert str(f) in str(e.value)
    assert isinstance(e.value, ValueError)


def test_bad_header(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("name,species,x\n", encoding="utf-8")
    with pytest.raises(C.CompositionDataError, match="line 1: header"):
        C.load_table(f)
    f.write_text("", encoding="utf-8")
    with pytest.raises(C.CompositionDataError, match="empty file"):
        C.load_table(f)


def test_composition_returns_a_copy(tmp_path: Path) -> None:
    t = C.load_table(_write(tmp_path, f"a,CO2,0.99,{SRC},T1,\na,N2,0.01,{SRC},T1,\n"))
    x = dict(t["a"].fractions)
    x["CO2"] = 0.0
    assert t["a"].fractions["CO2"] == pytest.approx(0.99)
