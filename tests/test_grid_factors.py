"""Published grid emission factors of China (``reductions.factors.grid``).

Every packaged value is pinned below to the document and the place it was read; the
tables' ``url``, ``table_or_page`` and ``checked_against`` columns say the same per row.
None of them was read in the ministry's own PDF or page: each was read in a copy of the
document or in a news report quoting it, named in the test's docstring.

The vintage rule is that of CCER-01-002-V01, Tables 6-7: for reporting year y, the
publication for year y, else the latest published before y; never a later one.
"""

from __future__ import annotations

import csv
import fnmatch
import tomllib
from pathlib import Path

import pytest

import reductions.factors as factors_pkg
from reductions.errors import ParameterError
from reductions.factors import grid as g
from reductions.factors.grid import (
    COLUMNS,
    GRID_TABLES,
    KINDS,
    UNPACKAGED_PUBLICATIONS,
    GridFactor,
    factors,
    publications,
    published,
)

FACTORS_DIR = Path(factors_pkg.__file__).parent
ROOT = Path(__file__).resolve().parents[1]


def values(table: str) -> dict[tuple[str, str], float]:
    return {(f.grid, f.kind): f.value for f in factors(table)}


# --- each value pinned to its source ---------------------------------------------------


def test_regional_om_2016() -> None:
    """2016年度中国区域电网二氧化碳基准线排放因子 OM 编制说明 (附件2), table
    "2012—2014年区域电网OM排放因子计算结果", column 三年平均值 [t/MWh]: 华北电网 1.0000,
    东北电网 1.1171, 华东电网 0.8086, 华中电网 0.9229, 西北电网 0.9316, 南方电网 0.8676.
    Read in the copy at https://max.book118.com/html/2017/1201/142256742.shtm (one copy
    only). The note gives no BM, so the table has none.
    """
    table = "cn-regional-grid-om-2016.csv"
    assert values(table) == {
        ("north", "OM"): 1.0000,
        ("northeast", "OM"): 1.1171,
        ("east", "OM"): 0.8086,
        ("central", "OM"): 0.9229,
        ("northwest", "OM"): 0.9316,
        ("south", "OM"): 0.8676,
    }
    for f in factors(table):
        assert f.vintage == 2016 and f.data_years == "2012-2014"
        assert "三年平均值" in f.table_or_page and "one copy only" in f.checked_against


def test_mee_nbs_2021() -> None:
    """MEE and NBS announcement 2024 No. 12 (2024-04-12), 2021 electricity CO2 emission
    factors: 全国电力平均二氧化碳排放因子 0.5568 kgCO2/kWh (szcbn.com report; also the
    Beijing News report of the 2022 factors: 0.5366 is 0.0202 below 2021's 0.5568);
    南方区域 0.4326 (quoted from the announcement by a Guangdong ETS notice; and the 2022
    report's drop of 0.0457 to 0.3869). The other regional 2021 values were not read.
    """
    table = "cn-mee-nbs-electricity-average-ef-2021.csv"
    assert values(table) == {
        ("national", "consumption_average"): 0.5568,
        ("south", "consumption_average"): 0.4326,
    }
    pub = next(p for p in publications() if p.table == table)
    assert pub.vintage == 2021 and str(pub.publication_date) == "2024-04-12"


def test_mee_nbs_2022() -> None:
    """MEE and NBS announcement of 2024-12-20 (issued 2024-12-23), 2022 electricity CO2
    emission factors, as reported by the Beijing News on 2024-12-27
    (https://daydaynews.cc/zh-hant/finance/3899452.html) [kgCO2/kWh = t/MWh]: national
    0.5366; 华北 0.6776, 东北 0.5564, 华东 0.5617, 华中 0.5395, 西北 0.5857, 南方 0.3869,
    西南 0.2268.
    """
    assert values("cn-mee-nbs-electricity-average-ef-2022.csv") == {
        ("national", "consumption_average"): 0.5366,
        ("north", "consumption_average"): 0.6776,
        ("northeast", "consumption_average"): 0.5564,
        ("east", "consumption_average"): 0.5617,
        ("central", "consumption_average"): 0.5395,
        ("northwest", "consumption_average"): 0.5857,
        ("south", "consumption_average"): 0.3869,
        ("southwest", "consumption_average"): 0.2268,
    }


def test_mee_nbs_2023() -> None:
    """MEE and NBS announcement on the 2023 electricity CO2 emission factors, as the MEE's
    climate change department described it (Guangming Daily, January 2026,
    https://www.163.com/dy/article/KIQVBKCG05567I2C.html) [kgCO2/kWh]: national 0.5306;
    华北 0.6361, 东北 0.5122, 华东 0.5500, 华中 0.5271, 西北 0.5543, 南方 0.4042, 西南 0.2472.
    """
    assert values("cn-mee-nbs-electricity-average-ef-2023.csv") == {
        ("national", "consumption_average"): 0.5306,
        ("north", "consumption_average"): 0.6361,
        ("northeast", "consumption_average"): 0.5122,
        ("east", "consumption_average"): 0.5500,
        ("central", "consumption_average"): 0.5271,
        ("northwest", "consumption_average"): 0.5543,
        ("south", "consumption_average"): 0.4042,
        ("southwest", "consumption_average"): 0.2472,
    }


def test_mee_ets_national_grid_average_2022() -> None:
    """MEE notice 环办气候函〔2023〕43号 on 2023-2025 power-sector GHG reporting
    (2023-02-07): "2022年度全国电网平均排放因子为0.5703tCO2/MWh", as reported at
    http://tanpaifang.com/tanguwen/2023/0215/94510.html. An emissions-trading reporting
    average, not the MEE/NBS 2022 factor (0.5366) and not a margin.
    """
    assert values("cn-mee-ets-national-grid-average-ef-2022.csv") == {
        ("national", "consumption_average"): 0.5703,
    }


@pytest.mark.parametrize(
    ("grid", "stated_change_pct"),
    [
        ("national", -1.1),
        ("north", -6.1),
        ("east", -2.1),
        ("central", -2.3),
        ("northwest", -5.4),
        ("south", 4.5),
        ("southwest", 9.0),
    ],
)
def test_2023_over_2022_changes_as_stated(grid: str, stated_change_pct: float) -> None:
    """The Guangming Daily report of the 2023 factors gives the change from 2022 for each
    region: the packaged 2022 and 2023 values (read in two different reports) reproduce it
    to the stated 0.1 %. (Northeast, stated -8.0 %, computes to -7.94 %: left out.)
    """
    v22 = values("cn-mee-nbs-electricity-average-ef-2022.csv")[(grid, "consumption_average")]
    v23 = values("cn-mee-nbs-electricity-average-ef-2023.csv")[(grid, "consumption_average")]
    assert round((v23 / v22 - 1) * 100, 1) == stated_change_pct


def test_2022_against_2021_as_stated() -> None:
    """Beijing News / zhangwenkingh report of the 2022 factors: national 0.5366 is 0.0202
    below 2021's 0.5568; the South factor fell by 0.0457."""
    v21 = values("cn-mee-nbs-electricity-average-ef-2021.csv")
    v22 = values("cn-mee-nbs-electricity-average-ef-2022.csv")
    key = "consumption_average"
    assert round(v21[("national", key)] - v22[("national", key)], 4) == 0.0202
    assert round(v21[("south", key)] - v22[("south", key)], 4) == 0.0457


# --- every row ------------------------------------------------------------------------


@pytest.mark.parametrize("table", GRID_TABLES)
def test_every_row_has_columns_source_url_positive_value(table: str) -> None:
    with open(FACTORS_DIR / table, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        raw = list(reader)
    assert raw
    for row in raw:
        assert row["kind"] in KINDS
        assert float(row["value"]) > 0
        assert row["unit"] == "t/MWh"
        assert row["source"].strip() and row["table_or_page"].strip()
        assert row["url"].startswith(("http://", "https://"))
        assert row["checked_against"].strip()
        assert row["grid"] in g.GRIDS and row["grid"] == row["grid"].lower()
    assert {row["publication_year"] for row in raw} == {table[-8:-4]}


def test_every_factor_loads() -> None:
    every = factors()
    assert len(every) == sum(len(factors(t)) for t in GRID_TABLES)
    for f in every:
        assert isinstance(f, GridFactor) and f.unit == "t/MWh" and f.value > 0
        if f.publication_date is not None:
            assert f.publication_date.year >= f.vintage
        assert f.url in f.reference and f.source in f.reference


def test_every_grid_table_is_listed_and_packaged() -> None:
    """Every CSV in reductions/factors with the grid columns is a table of GRID_TABLES, and
    the package data of pyproject.toml includes each."""
    with_grid_columns = set()
    for path in FACTORS_DIR.glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as fh:
            if tuple(next(csv.reader(fh))) == COLUMNS:
                with_grid_columns.add(path.name)
    assert with_grid_columns == set(GRID_TABLES)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["reductions"]
    for table in GRID_TABLES:
        assert any(fnmatch.fnmatch(f"factors/{table}", p) for p in patterns)


def test_publications_listing() -> None:
    pubs = publications()
    assert [p.table for p in pubs] == sorted(GRID_TABLES, key=lambda t: (int(t[-8:-4]), t))
    assert [p.vintage for p in pubs] == sorted(p.vintage for p in pubs)
    om = next(p for p in pubs if p.table == "cn-regional-grid-om-2016.csv")
    assert om.kinds == ("OM",) and "southwest" not in om.grids


# --- averages are averages -------------------------------------------------------------


def test_consumption_averages_are_never_margins() -> None:
    """The MEE/NBS electricity factors and the ETS national grid average are averages:
    every row is kind consumption_average, and none of their values is a margin row."""
    averages = [t for t in GRID_TABLES if "average" in t]
    assert averages
    average_values = set()
    for table in averages:
        for f in factors(table):
            assert f.kind == "consumption_average" and not f.is_margin
            average_values.add(f.value)
    for f in factors():
        if f.kind in ("OM", "BM", "CM"):
            assert f.is_margin and f.value not in average_values
    assert published("north", "consumption_average", 2023).kind == "consumption_average"
    assert published("north", "OM", 2016).is_margin


def test_margin_request_never_returns_an_average() -> None:
    for year in range(2010, 2031):
        for grid in g.GRIDS:
            for kind in ("OM", "BM", "CM"):
                try:
                    f = published(grid, kind, year)
                except ParameterError:
                    continue
                assert f.kind == kind and f.is_margin


# --- the vintage rule ------------------------------------------------------------------


def test_year_published_gives_that_vintage() -> None:
    assert published("north", "consumption_average", 2023).value == 0.6361
    f = published("north", "consumption_average", 2022)
    assert (f.vintage, f.value) == (2022, 0.6776)
    assert published("south", "consumption_average", 2021).value == 0.4326
    assert published("north", "OM", 2016).value == 1.0000


def test_year_not_yet_published_gives_latest_before() -> None:
    for year in (2024, 2025, 2030):
        f = published("southwest", "consumption_average", year)
        assert (f.vintage, f.value) == (2023, 0.2472)
    f = published("national", "consumption_average", 2024)
    assert f.publication == "cn-mee-nbs-electricity-average-ef-2023.csv" and f.value == 0.5306
    # No 2017 or 2018 regional publication is packaged or known here: 2016 is the latest.
    assert published("east", "OM", 2018).vintage == 2016


def test_earlier_than_every_publication_is_an_error() -> None:
    with pytest.raises(ParameterError) as err:
        published("north", "OM", 2015)
    text = str(err.value)
    assert "'north'" in text and "OM" in text and "2015" in text
    assert "cn-regional-grid-om-2016.csv (vintage 2016)" in text
    with pytest.raises(ParameterError, match="2020"):
        published("national", "consumption_average", 2020)


def test_never_a_later_vintage() -> None:
    for year in range(2000, 2041):
        for grid in g.GRIDS:
            for kind in KINDS:
                try:
                    f = published(grid, kind, year)
                except ParameterError:
                    continue
                assert f.vintage <= year


def test_explicit_table_later_than_year_is_refused() -> None:
    with pytest.raises(ParameterError, match="later than 2022"):
        published(
            "north", "consumption_average", 2022, table="cn-mee-nbs-electricity-average-ef-2023"
        )


def test_picked_publication_without_the_grid_is_an_error_not_a_fallback() -> None:
    """2021 gives only national and South: North for 2021 is refused, not taken from
    another vintage."""
    with pytest.raises(ParameterError) as err:
        published("north", "consumption_average", 2021)
    text = str(err.value)
    assert "cn-mee-nbs-electricity-average-ef-2021.csv" in text and "'national', 'south'" in text


def test_same_vintage_in_two_publications_needs_table() -> None:
    """2022 national: 0.5366 (MEE/NBS electricity factors) and 0.5703 (ETS reporting)."""
    with pytest.raises(ParameterError, match="ambiguous") as err:
        published("national", "consumption_average", 2022)
    assert "0.5366" in str(err.value) and "0.5703" in str(err.value)
    ets = published(
        "national",
        "consumption_average",
        2022,
        table="cn-mee-ets-national-grid-average-ef-2022.csv",
    )
    assert ets.value == 0.5703
    nbs = published(
        "national", "consumption_average", 2022, table="cn-mee-nbs-electricity-average-ef-2022"
    )
    assert nbs.value == 0.5366
    # Only one of the two gives a regional value: no ambiguity there.
    assert published("east", "consumption_average", 2022).value == 0.5617


@pytest.mark.parametrize(
    ("year", "title"), [(2019, "2019年度"), (2023, "2019年度"), (2024, "2024年")]
)
def test_known_unpackaged_publication_is_not_replaced_by_an_older_one(
    year: int, title: str
) -> None:
    """The MEE's 2019 and 2024 regional OM/BM publications exist but their values were
    not read: the rule would pick them, so the 2016 OM is not returned in their place."""
    with pytest.raises(ParameterError, match="not packaged") as err:
        published("north", "OM", year)
    assert title in str(err.value)
    assert any(u.vintage == 2024 and "southwest" in u.grids for u in UNPACKAGED_PUBLICATIONS)
    # Chosen knowingly, the packaged 2016 OM is still available.
    assert published("north", "OM", year, table="cn-regional-grid-om-2016.csv").vintage == 2016


def test_no_build_margin_is_packaged() -> None:
    with pytest.raises(ParameterError, match="BM") as err:
        published("north", "BM", 2018)
    assert "2018" in str(err.value)


# --- names -----------------------------------------------------------------------------


def test_grid_names() -> None:
    assert published("华北区域电网", "consumption_average", 2023).grid == "north"
    assert published("西南", "consumption_average", 2023).value == 0.2472
    assert published("North", "consumption-average", 2023).value == 0.6361
    assert published("central", "om", 2016).value == 0.9229


def test_misspelt_grid_kind_table() -> None:
    with pytest.raises(ParameterError, match=r"did you mean 'northeast'"):
        published("north-east", "OM", 2016)
    with pytest.raises(ParameterError, match=r"did you mean 'north'"):
        published("norht", "OM", 2016)
    with pytest.raises(ParameterError, match="unknown kind") as err:
        published("north", "OMM", 2016)
    assert "did you mean 'OM'" in str(err.value)
    with pytest.raises(ParameterError, match="no packaged grid factor table"):
        published("north", "OM", 2016, table="cn-regional-grid-om-2019.csv")
    with pytest.raises(ParameterError, match="year"):
        published("north", "OM", 2016.0)  # type: ignore[arg-type]
