"""Gas volumes at reference conditions, actual volumes, and "did you mean" for units.

Nm3 (0 degC, 101.325 kPa), sm3 (15 degC, 101.325 kPa; ISO 13443) and scf (60 degF,
14.696 psia) are distinct units: none converts into another, nor into an actual volume
(m3), without the gas and its conditions. Multiples are exact by definition (kNm3 = 1000
Nm3; Mscf = 1000 scf and MMscf = 10^6 scf, the Roman M of the gas trade).
"""

from __future__ import annotations

import numpy as np
import pytest

from reductions.errors import UnitError
from reductions.units import conversion_factor, convert, parse_unit

GAS = {"Nm3": "0 degC, 101.325 kPa", "sm3": "15 degC, 101.325 kPa", "scf": "60 degF, 14.696 psia"}


def unit_error(fn, *args) -> UnitError:
    with pytest.raises(UnitError) as info:
        fn(*args, variable="V_gas")
    assert info.value.variable == "V_gas" and info.value.rule
    return info.value


@pytest.mark.parametrize("src", sorted(GAS))
@pytest.mark.parametrize("dst", sorted(GAS))
def test_reference_volumes_do_not_convert_into_each_other(src: str, dst: str) -> None:
    if src == dst:
        assert conversion_factor(src, dst, variable="V_gas") == 1.0
        return
    for fn in (conversion_factor, lambda a, b, **kw: convert(1.0, a, b, **kw)):
        exc = unit_error(fn, src, dst)
        assert f"a gas volume in {src} ({GAS[src]}) does not convert to {dst} ({GAS[dst]})" in (
            exc.message
        )
        assert "without the gas and its conditions" in exc.message
        assert "declare the unit the methodology needs" in exc.message
        assert "[gas_volume" not in exc.message  # no raw pint dimension text


@pytest.mark.parametrize("gas", sorted(GAS))
@pytest.mark.parametrize("actual", ["m3", "m**3", "m³", "L"])
def test_an_actual_volume_has_no_reference_conditions(gas: str, actual: str) -> None:
    exc = unit_error(conversion_factor, actual, gas)
    assert f"a volume in {actual!r} has no reference conditions" in exc.message
    assert f"{gas} ({GAS[gas]})" in exc.message
    exc = unit_error(conversion_factor, gas, actual)
    assert f"{gas} ({GAS[gas]})" in exc.message and "actual volume" in exc.message


def test_rates_and_densities_carry_the_reference_conditions() -> None:
    assert conversion_factor("Nm3/h", "Nm3/d", variable="Q") == pytest.approx(24.0, rel=1e-15)
    assert "no reference conditions" in unit_error(conversion_factor, "m3/h", "Nm3/h").message
    exc = unit_error(conversion_factor, "t/Nm3", "t/sm3")
    assert "Nm3 at 0 degC, 101.325 kPa" in exc.message and "sm3 at 15 degC" in exc.message
    # Not a gas-volume question: the plain dimension message.
    assert "has dimension" in unit_error(conversion_factor, "Nm3", "t").message


def test_multiples() -> None:
    assert conversion_factor("kNm3", "Nm3", variable="V") == 1000.0
    assert conversion_factor("Mscf", "scf", variable="V") == 1000.0
    assert conversion_factor("MMscf", "scf", variable="V") == 1e6
    assert conversion_factor("MMscf", "Mscf", variable="V") == 1000.0
    np.testing.assert_array_equal(
        convert(np.array([1.0, 2.5]), "kNm3", "Nm3", variable="V"), [1e3, 2.5e3]
    )


def test_actual_volumes_with_a_digit_exponent() -> None:
    assert conversion_factor("m3", "m**3", variable="V") == 1.0
    assert conversion_factor("km3", "m3", variable="V") == pytest.approx(1e9, rel=1e-15)
    assert conversion_factor("cm3", "m3", variable="V") == pytest.approx(1e-6, rel=1e-15)
    assert conversion_factor("m3/h", "L/s", variable="V") == pytest.approx(1000 / 3600, rel=1e-15)


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("kwh", "'kWh'"),
        ("KWh", "'kWh'"),
        ("mwh", "'MWh'"),
        ("nm3", "'Nm3'"),
        ("NM3", "'Nm3'"),
        ("Sm3", "'sm3'"),
        ("mmscf", "'MMscf'"),
        ("gj", "'GJ'"),
        ("kpa", "'kPa'"),
        ("t/mwh", "'t/MWh'"),
        ("kwh/h", "'kWh/h'"),
    ],
)
def test_unknown_unit_did_you_mean(given: str, meant: str) -> None:
    exc = unit_error(parse_unit, given)
    assert exc.message == f"unknown unit {given!r} (did you mean {meant}?)"


def test_unknown_unit_close_matches_or_nothing() -> None:
    assert "'MWh'" in unit_error(parse_unit, "MWhz").message
    assert unit_error(parse_unit, "qqq").message == "unknown unit 'qqq'"


@pytest.mark.parametrize(
    ("given", "meant"),
    [("mWh", "'MWh'"), ("mW", "'MW'"), ("ton", "'t'"), ("mscf", "'Mscf'"), ("mt", "'Mt' or 't'")],
)
def test_spellings_pint_reads_as_a_unit_surely_not_meant(given: str, meant: str) -> None:
    """pint reads these (mWh: milliwatt-hour; ton: US short ton; mscf: milli-scf), a
    silent factor of 1e-9, 0.907 or 1e-6; they are refused with the likely unit."""
    exc = unit_error(parse_unit, given)
    assert f"did you mean {meant}?" in exc.message and "surely not meant" in exc.message
    assert unit_error(parse_unit, f"{given}/h").message.startswith(f"unit '{given}/h'")


def test_full_names_of_confusable_units_still_work() -> None:
    assert conversion_factor("milliwatt_hour", "MWh", variable="E") == pytest.approx(1e-9)
    assert conversion_factor("short_ton", "t", variable="m") == pytest.approx(0.90718474)


def test_wrong_dimension_offers_the_same_letters_in_another_case() -> None:
    exc = unit_error(conversion_factor, "T", "t")  # tesla given for tonnes
    assert "did you mean 't'?" in exc.message
    exc = unit_error(conversion_factor, "MT", "t")
    assert "did you mean 'Mt'?" in exc.message
