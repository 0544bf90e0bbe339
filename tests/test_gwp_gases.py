"""100-year GWPs of every gas of the GWP table, gas names, and the CDM rule for F-gases.

Each pinned value names the document and table it comes from; the CSV's
``checked_against`` column names the published transcriptions it was compared with
(openclimatedata/globalwarmingpotentials, chrisroadmap/ar6 for Table 7.SM.7, 40 CFR 98
Table A-1, Regulation (EU) No 517/2014 Annex I...).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

import pytest

from reductions.errors import ParameterError
from reductions.factors import (
    GAS_ALIASES,
    GWP_SETS,
    GWP_TABLE,
    canonical_gas,
    cdm_gwp,
    gases,
    gwp,
    gwp_sets_of,
    read_table,
)

SAR = ("IPCC 1995, Second Assessment Report", "Table 2.9")
AR4 = ("IPCC 2007, Fourth Assessment Report, WG I, Ch. 2", "Table 2.14")
AR5 = ("IPCC 2013, Fifth Assessment Report, WG I, Ch. 8, Appendix 8.A", "Table 8.A.1")
AR6 = ("IPCC 2021, Sixth Assessment Report, WG I, Ch. 7, Supplementary Material", "Table 7.SM.7")

#: (gas, set, value [t CO2e/t], (document, table)): a handful per set.
PINNED = [
    # SAR (IPCC 1995, WG I), as reprinted in the SAR column of AR4 Table 2.14
    ("HFC-23", "AR2", 11700.0, SAR),
    ("HFC-134a", "AR2", 1300.0, SAR),
    ("HFC-41", "AR2", 150.0, SAR),
    ("SF6", "AR2", 23900.0, SAR),
    ("CF4", "AR2", 6500.0, SAR),
    ("C2F6", "AR2", 9200.0, SAR),
    # AR4 WG I Ch. 2, Table 2.14
    ("HFC-23", "AR4", 14800.0, AR4),
    ("HFC-134a", "AR4", 1430.0, AR4),
    ("HFC-32", "AR4", 675.0, AR4),
    ("NF3", "AR4", 17200.0, AR4),
    ("SF6", "AR4", 22800.0, AR4),
    ("HFC-41", "AR4", 92.0, AR4),  # as in 40 CFR 98 Table A-1 and Reg. (EU) 517/2014
    # AR5 WG I Ch. 8, Appendix 8.A, Table 8.A.1 (without climate-carbon feedbacks)
    ("HFC-23", "AR5", 12400.0, AR5),
    ("HFC-134a", "AR5", 1300.0, AR5),
    ("HFC-245fa", "AR5", 858.0, AR5),
    ("NF3", "AR5", 16100.0, AR5),
    ("SF6", "AR5", 23500.0, AR5),
    ("CF4", "AR5", 6630.0, AR5),
    # AR6 WG I Ch. 7, Supplementary Material, Table 7.SM.7
    ("HFC-23", "AR6", 14600.0, AR6),
    ("HFC-134a", "AR6", 1530.0, AR6),
    ("HFC-43-10mee", "AR6", 1600.0, AR6),
    ("NF3", "AR6", 17400.0, AR6),
    ("SF6", "AR6", 25200.0, AR6),
    ("C2F6", "AR6", 12400.0, AR6),
    # AR6 WG I Ch. 7, Table 7.15: fossil methane
    ("CH4-fossil", "AR6", 29.8, ("IPCC 2021, Sixth Assessment Report, WG I, Ch. 7", "Table 7.15")),
]


@pytest.mark.parametrize(("gas", "gwp_set", "value", "document"), PINNED)
def test_pinned_values(gas: str, gwp_set: str, value: float, document: tuple[str, str]) -> None:
    g = gwp(gas, gwp_set)
    assert (g.gas, g.set, g.value) == (gas, gwp_set, value)
    assert g.source.startswith(document[0])
    assert g.table == document[1]
    assert g.checked_against


REQUIRED = (
    "CO2",
    "CH4",
    "CH4-fossil",
    "N2O",
    "SF6",
    "NF3",
    "CF4",
    "C2F6",
    "HFC-23",
    "HFC-32",
    "HFC-41",
    "HFC-125",
    "HFC-134",
    "HFC-134a",
    "HFC-143",
    "HFC-143a",
    "HFC-152a",
    "HFC-227ea",
    "HFC-236fa",
    "HFC-245fa",
    "HFC-365mfc",
    "HFC-43-10mee",
)


def test_gases_of_the_table() -> None:
    known = gases()
    assert len(set(known)) == len(known)
    assert set(REQUIRED) <= set(known)
    assert known[0] == "CO2"


def test_every_row_has_a_source_and_a_positive_finite_value() -> None:
    rows = read_table(GWP_TABLE)
    assert list(rows[0]) == ["gas", "set", "value", "unit", "source", "table", "checked_against"]
    seen = set()
    for row in rows:
        key = (row["gas"], row["set"])
        assert key not in seen, key
        seen.add(key)
        assert row["set"] in GWP_SETS, key
        assert row["unit"] == "t CO2e/t", key
        assert row["source"].startswith("IPCC "), key
        assert row["table"].startswith("Table "), key
        assert row["checked_against"].strip(), key
        value = float(row["value"])
        assert math.isfinite(value) and value > 0, key


@pytest.mark.parametrize("gwp_set", GWP_SETS)
def test_co2_is_one_in_every_set(gwp_set: str) -> None:
    assert gwp("CO2", gwp_set).value == 1.0


@pytest.mark.parametrize("gas", REQUIRED)
def test_every_gas_in_every_set_it_has(gas: str) -> None:
    """Every required F-gas is in AR4, AR5 and AR6; the SAR (1995) gives no NF3,
    HFC-245fa or HFC-365mfc; fossil methane is an AR6 row only."""
    sets = gwp_sets_of(gas)
    for s in sets:
        assert gwp(gas, s).value > 0
    if gas == "CH4-fossil":
        assert sets == ("AR6",)
    elif gas in ("NF3", "HFC-245fa", "HFC-365mfc"):
        assert sets == ("AR4", "AR5", "AR6")
    else:
        assert sets == GWP_SETS


def test_unknown_gas_names_the_gas_the_set_and_the_known_gases() -> None:
    with pytest.raises(ParameterError) as err:
        gwp("HFC-999", "AR5")
    message = str(err.value)
    assert "'HFC-999'" in message and "'AR5'" in message
    for gas in ("CO2", "SF6", "HFC-134a", "HFC-43-10mee"):
        assert gas in message


def test_unknown_set_names_the_known_sets() -> None:
    with pytest.raises(ParameterError, match="AR3") as err:
        gwp("HFC-23", "AR3")
    assert "AR2" in str(err.value) and "AR6" in str(err.value)


def test_gas_missing_from_a_set_names_the_sets_it_has() -> None:
    with pytest.raises(ParameterError) as err:
        gwp("NF3", "AR2")
    message = str(err.value)
    assert "'NF3'" in message and "'AR2'" in message
    assert "['AR4', 'AR5', 'AR6']" in message


@pytest.mark.parametrize(
    ("spelling", "gas"),
    [
        ("HFC-134a", "HFC-134a"),
        ("HFC134a", "HFC-134a"),
        ("hfc-134a", "HFC-134a"),
        ("HFC_134A", "HFC-134a"),
        ("R-134a", "HFC-134a"),
        ("r134a", "HFC-134a"),
        ("HFC-134", "HFC-134"),
        ("R-134", "HFC-134"),
        ("R-23", "HFC-23"),
        ("R32", "HFC-32"),
        ("hfc4310mee", "HFC-43-10mee"),
        ("HFC-365MFC", "HFC-365mfc"),
        ("PFC-14", "CF4"),
        ("R-14", "CF4"),
        ("PFC-116", "C2F6"),
        ("sf6", "SF6"),
        ("ch4 fossil", "CH4-fossil"),
        ("CH4-non fossil", "CH4-non-fossil"),
    ],
)
def test_spellings(spelling: str, gas: str) -> None:
    assert canonical_gas(spelling) == gas
    some_set = gwp_sets_of(gas)[-1]
    result = gwp(spelling, some_set)
    assert result.gas == gas  # the result carries the table's name
    assert result == gwp(gas, some_set)


@pytest.mark.parametrize("blend", ["R-404A", "R-410A", "R-407C"])
def test_refrigerant_blends_are_not_gases(blend: str) -> None:
    with pytest.raises(ParameterError, match="unknown gas"):
        gwp(blend, "AR5")


def test_aliases_point_at_gases_of_the_table() -> None:
    assert set(GAS_ALIASES.values()) <= set(gases())
    for alias, gas in GAS_ALIASES.items():
        assert canonical_gas(alias) == gas


@pytest.fixture
def ambiguous_alias(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An alias that collides with another gas's name: 'HFC-134' would name two gases."""
    import reductions.factors as factors

    monkeypatch.setattr(factors, "GAS_ALIASES", {**GAS_ALIASES, "hfc 134": "HFC-134a"})
    factors._spellings.cache_clear()
    yield
    monkeypatch.undo()
    factors._spellings.cache_clear()


@pytest.mark.usefixtures("ambiguous_alias")
def test_ambiguous_spelling_is_refused() -> None:
    assert canonical_gas("HFC-134") == "HFC-134"  # the table's own name stays exact
    with pytest.raises(ParameterError, match="ambiguous") as err:
        canonical_gas("hfc134")
    assert "HFC-134" in str(err.value) and "HFC-134a" in str(err.value)


# --- CDM rule (https://cdm.unfccc.int/Reference/CDM_note.html; EB 108, paras 7-8) ------


@pytest.mark.parametrize(
    ("gas", "day", "expected"),
    [
        # HFC-23: SAR 11,700 (Table 2.9), AR4 14,800 (Table 2.14), AR5 12,400 (Table 8.A.1)
        ("HFC-23", dt.date(2012, 12, 31), ("AR2", 11700.0)),
        ("HFC-23", dt.date(2013, 1, 1), ("AR4", 14800.0)),
        ("HFC-23", dt.date(2020, 12, 31), ("AR4", 14800.0)),
        ("HFC-23", dt.date(2021, 1, 1), ("AR2", 11700.0)),  # lowest of 11,700/14,800/12,400
        # HFC-152a: SAR 140, AR4 124, AR5 138: from 2021 the AR4 value is the lowest
        ("HFC-152a", dt.date(2024, 6, 1), ("AR4", 124.0)),
        # HFC-134a: SAR 1,300 = AR5 1,300 < AR4 1,430; on a tie the earlier report is named
        ("R-134a", dt.date(2024, 6, 1), ("AR2", 1300.0)),
        ("HFC-134a", dt.date(2015, 6, 1), ("AR4", 1430.0)),
        # SF6: SAR 23,900, AR4 22,800, AR5 23,500
        ("SF6", dt.date(2021, 1, 1), ("AR4", 22800.0)),
    ],
)
def test_cdm_rule_for_f_gases(gas: str, day: dt.date, expected: tuple[str, float]) -> None:
    g = cdm_gwp(gas, day)
    assert (g.set, g.value) == expected
    assert (g.source, g.table) == (gwp(g.gas, g.set).source, gwp(g.gas, g.set).table)
    if day >= dt.date(2021, 1, 1):
        assert g.note == "lowest of AR2, AR4, AR5"


@pytest.mark.parametrize(("gas", "value"), [("HFC-245fa", 858.0), ("NF3", 16100.0)])
def test_cdm_rule_from_2021_skips_a_report_without_the_gas(gas: str, value: float) -> None:
    """The SAR gives no HFC-245fa or NF3; the CDM note's table still lists NF3, so the
    lowest is taken among the reports that give a value (here AR5 Table 8.A.1) and the
    note says AR2 was left out."""
    g = cdm_gwp(gas, dt.date(2022, 3, 1))
    assert (g.set, g.value) == ("AR5", value)
    assert g.note == f"lowest of AR4, AR5 (no value for {gas} in AR2)"


@pytest.mark.parametrize("gas", ["HFC-245fa", "HFC-365mfc", "NF3"])
def test_cdm_rule_before_2013_needs_an_ar2_value(gas: str) -> None:
    with pytest.raises(ParameterError, match="no AR2 GWP") as err:
        cdm_gwp(gas, dt.date(2012, 6, 1))
    assert gas in str(err.value) and "AR2 for reductions up to 31 Dec 2012" in str(err.value)


def test_cdm_rule_for_a_gas_only_in_ar6() -> None:
    with pytest.raises(ParameterError, match="AR2, AR4 or AR5"):
        cdm_gwp("CH4-fossil", dt.date(2022, 1, 1))


def test_cdm_rule_unknown_gas() -> None:
    with pytest.raises(ParameterError, match="unknown gas 'HFC-999'"):
        cdm_gwp("HFC-999", dt.date(2022, 1, 1))
