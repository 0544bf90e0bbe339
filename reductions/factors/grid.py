"""Published grid emission factors of China, each with its source and vintage.

Tables
------
One packaged CSV per publication (:data:`GRID_TABLES`), named by source and vintage, with
the fixed columns :data:`COLUMNS`:

``grid``
    a stable lower-case id: ``national`` or a regional grid (:data:`GRIDS`);
``kind``
    ``OM`` (电量边际, operating margin), ``BM`` (容量边际, build margin), ``CM`` (combined
    margin), or ``consumption_average`` (an *average* emission factor of electricity, such
    as 全国电力平均二氧化碳排放因子 or 全国电网平均排放因子: never a margin, and never a
    substitute for one);
``value``, ``unit``
    the value as published, in ``t/MWh`` (1 kgCO2/kWh = 1 t/MWh);
``publication_date``
    ISO date of the publication, empty where the source read does not state it;
``publication_year``
    the vintage: the year the publication is *for* (``2019年度`` for a regional OM/BM
    publication; the data year for the MEE/NBS electricity factors, so the 2022 factors
    published in December 2024 have vintage 2022);
``data_years``
    the years of data the value is built from (``2012-2014``), empty where not stated;
``source``, ``url``, ``table_or_page``, ``checked_against``
    the document title, the address where the value was read, where in it, and what it
    was compared with. Where the value was read in a transcription or a news report and
    not in the ministry's own text, these columns say so.

Choosing a vintage
------------------
:func:`published` applies the rule of CCER-01-002-V01 (Tables 6-7) for the factor of
reporting year *y*: the publication for year *y*, or, if year *y* is not yet published, the
latest publication before *y*. A publication whose vintage is later than *y* is never
returned. The choice is made among publications, not rows: if the chosen publication has
no row for the grid, that is an error, and no older vintage is used in its place (an OM of
one vintage is never combined with a BM of another by accident).

A rule applied to an incomplete set of tables would silently return a stale factor, so
publications known to exist whose values are not packaged are listed in
:data:`UNPACKAGED_PUBLICATIONS`; when one of them is the publication the rule picks,
:func:`published` refuses and says so. Where two packaged publications of the same vintage
both give the factor (the 2022 national average of the MEE/NBS electricity factors, 0.5366,
and the 2022 national grid average of the MEE's emissions-trading reporting notice,
0.5703), :func:`published` refuses and asks for ``table=``.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from ..errors import ParameterError, did_you_mean
from . import read_table

#: The fixed columns of a grid factor table, in order.
COLUMNS = (
    "grid",
    "kind",
    "value",
    "unit",
    "publication_date",
    "publication_year",
    "data_years",
    "source",
    "url",
    "table_or_page",
    "checked_against",
)

#: Kinds of factor. ``consumption_average`` is an average, not a margin.
KINDS = ("OM", "BM", "CM", "consumption_average")

#: Unit of every value.
UNIT = "t/MWh"

#: The packaged grid factor tables, one per publication.
GRID_TABLES = (
    "cn-regional-grid-om-2016.csv",
    "cn-mee-nbs-electricity-average-ef-2021.csv",
    "cn-mee-nbs-electricity-average-ef-2022.csv",
    "cn-mee-nbs-electricity-average-ef-2023.csv",
    "cn-mee-ets-national-grid-average-ef-2022.csv",
)

#: Grid ids and the Chinese names of the grids (regional grids as the publications
#: delimit them; ``southwest`` appears in the MEE's publications from 2022/2024 on).
GRIDS: Mapping[str, str] = MappingProxyType(
    {
        "national": "全国",
        "north": "华北",
        "northeast": "东北",
        "east": "华东",
        "central": "华中",
        "northwest": "西北",
        "south": "南方",
        "southwest": "西南",
    }
)

#: How :func:`published` chooses a vintage (CCER-01-002-V01, Tables 6-7).
VINTAGE_RULE = (
    "the publication for reporting year y, else the latest published before y "
    "(CCER-01-002-V01 Tables 6-7); never a later vintage"
)

_REGIONAL = ("north", "northeast", "east", "central", "northwest", "south")


@dataclass(frozen=True)
class GridFactor:
    """A published grid emission factor with its source."""

    grid: str
    kind: str
    value: float
    unit: str
    #: The packaged table (file name) the value comes from: one publication.
    publication: str
    #: The year the publication is for (``publication_year``).
    vintage: int
    #: Years of data the value is built from, ``""`` where the source does not say.
    data_years: str
    source: str
    url: str
    publication_date: dt.date | None = None
    table_or_page: str = ""
    checked_against: str = ""

    @property
    def is_margin(self) -> bool:
        """True for OM, BM and CM; False for an average emission factor."""
        return self.kind != "consumption_average"

    @property
    def reference(self) -> str:
        return f"{self.source}; {self.table_or_page}; read at {self.url}"


@dataclass(frozen=True)
class Publication:
    """A packaged publication: one table."""

    table: str
    source: str
    vintage: int
    publication_date: dt.date | None
    url: str
    kinds: tuple[str, ...]
    grids: tuple[str, ...]


@dataclass(frozen=True)
class UnpackagedPublication:
    """A publication known to exist whose values are not packaged (not read in a source)."""

    title: str
    vintage: int
    kinds: tuple[str, ...]
    grids: tuple[str, ...]
    #: Where its existence was read.
    evidence: str
    note: str = ""


#: Publications known to exist, not packaged: :func:`published` refuses where one of them
#: is the publication the vintage rule picks, rather than return an older vintage.
UNPACKAGED_PUBLICATIONS: tuple[UnpackagedPublication, ...] = (
    UnpackagedPublication(
        "2012中国区域电网基准线排放因子 (NDRC)",
        2012,
        ("OM", "BM"),
        _REGIONAL,
        "https://max.book118.com/html/2017/0603/111373963.shtm (copy of the document; the "
        "part read ends before the results)",
    ),
    UnpackagedPublication(
        "2019年度减排项目中国区域电网基准线排放因子 (MEE)",
        2019,
        ("OM", "BM"),
        _REGIONAL,
        "http://theclergymen.com/tanguwen/2021/0902/79405.html (copy of the tanpaifang.com "
        "article of 2021-09-02: 'latest version 2019, published by the MEE', six regional "
        "grids, OM and BM; the part read ends before its table 1)",
    ),
    UnpackagedPublication(
        "2024年减排项目中国区域电网二氧化碳基准线排放因子 (MEE)",
        2024,
        ("OM", "BM"),
        (*_REGIONAL, "southwest"),
        "https://www.345wk.com/doc/25114.html (copy of its 'OM 计算说明': simple OM for the six "
        "grids, adjusted simple OM for the new Southwest grid; the part read ends before "
        "the results)",
        note="its OM is built from 2020-2022 data",
    ),
)


def _vintage_of_name(name: str) -> int | None:
    m = re.search(r"-(\d{4})\.csv$", name)
    return int(m.group(1)) if m else None


def _bad(name: str, message: str, row: int | None = None) -> ParameterError:
    where = f"{name}, row {row}" if row is not None else name
    return ParameterError(message, where=where, rule="fixed columns of grid factor tables")


def _date(name: str, row: int, text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _bad(name, f"publication_date {text!r} is not an ISO date", row) from None


@cache
def _load(name: str) -> tuple[GridFactor, ...]:
    rows = read_table(name)
    if not rows or tuple(rows[0]) != COLUMNS:
        got = tuple(rows[0]) if rows else ()
        raise _bad(name, f"columns {list(got)} are not {list(COLUMNS)}")
    out: list[GridFactor] = []
    seen: set[tuple[str, str]] = set()
    vintages: set[int] = set()
    for i, r in enumerate(rows, start=2):
        if r["grid"] not in GRIDS:
            raise _bad(name, f"unknown grid {r['grid']!r}", i)
        if r["kind"] not in KINDS:
            raise _bad(name, f"unknown kind {r['kind']!r}; kinds are {list(KINDS)}", i)
        if r["unit"] != UNIT:
            raise _bad(name, f"unit {r['unit']!r} is not {UNIT!r}", i)
        try:
            value = float(r["value"])
            vintage = int(r["publication_year"])
        except ValueError:
            raise _bad(name, "value or publication_year is not a number", i) from None
        if not (math.isfinite(value) and value > 0):
            raise _bad(name, f"value {r['value']!r} is not positive", i)
        if not r["source"] or not r["url"].startswith(("http://", "https://")):
            raise _bad(name, "every row needs a source and the url it was read at", i)
        if (r["grid"], r["kind"]) in seen:
            raise _bad(name, f"two rows for {r['grid']} {r['kind']}", i)
        seen.add((r["grid"], r["kind"]))
        vintages.add(vintage)
        out.append(
            GridFactor(
                r["grid"],
                r["kind"],
                value,
                r["unit"],
                name,
                vintage,
                r["data_years"],
                r["source"],
                r["url"],
                _date(name, i, r["publication_date"]),
                r["table_or_page"],
                r["checked_against"],
            )
        )
    if len(vintages) != 1 or vintages != {_vintage_of_name(name)}:
        raise _bad(name, f"publication_year {sorted(vintages)} does not match the file name")
    return tuple(out)


def factors(table: str | None = None) -> tuple[GridFactor, ...]:
    """Every packaged factor, or those of one table (in the table's order)."""
    names = GRID_TABLES if table is None else (_table_name(table),)
    return tuple(f for name in names for f in _load(name))


@cache
def publications() -> tuple[Publication, ...]:
    """The packaged publications, by vintage then table name."""
    out = []
    for name in GRID_TABLES:
        rows = _load(name)
        first = rows[0]
        out.append(
            Publication(
                name,
                first.source,
                first.vintage,
                first.publication_date,
                first.url,
                tuple(dict.fromkeys(f.kind for f in rows)),
                tuple(dict.fromkeys(f.grid for f in rows)),
            )
        )
    return tuple(sorted(out, key=lambda p: (p.vintage, p.table)))


def _table_name(table: str) -> str:
    name = table if table.endswith(".csv") else f"{table}.csv"
    if name not in GRID_TABLES:
        raise ParameterError(
            f"no packaged grid factor table {table!r}{did_you_mean(name, GRID_TABLES)}; "
            f"tables: {', '.join(GRID_TABLES)}",
            variable="table",
            rule="reductions.factors.grid.GRID_TABLES",
        )
    return name


@cache
def _grid_aliases() -> Mapping[str, str]:
    aliases: dict[str, str] = {}
    for gid, zh in GRIDS.items():
        aliases[gid] = gid
        for suffix in ("", "电网", "区域电网"):
            aliases[zh + suffix] = gid
    aliases["全国电网"] = "national"
    return MappingProxyType(aliases)


def canonical_grid(grid: str) -> str:
    """The grid id of ``grid``: an id in any case (``"North"``) or a Chinese name
    (``"华北"``, ``"华北区域电网"``).

    Raises
    ------
    ParameterError
        Unknown grid, with a suggestion for a near miss.
    """
    key = grid.strip()
    found = _grid_aliases().get(key) or _grid_aliases().get(key.lower())
    if found is None:
        raise ParameterError(
            f"unknown grid {grid!r}{did_you_mean(key, GRIDS)}; grids: {', '.join(GRIDS)}",
            variable="grid",
            rule="grid ids of reductions.factors.grid.GRIDS",
        )
    return found


def _canonical_kind(kind: str) -> str:
    key = re.sub(r"[\s\-]+", "_", kind.strip())
    for k in KINDS:
        if key.lower() == k.lower():
            return k
    raise ParameterError(
        f"unknown kind {kind!r}{did_you_mean(key, KINDS)}; kinds: {', '.join(KINDS)}",
        variable="kind",
        rule="OM, BM, CM or consumption_average",
    )


def _lookup(name: str, grid: str, kind: str) -> GridFactor | None:
    return next((f for f in _load(name) if f.grid == grid and f.kind == kind), None)


def _listing(pubs: list[Publication]) -> str:
    return "; ".join(f"{p.table} (vintage {p.vintage})" for p in pubs) or "none"


def published(grid: str, kind: str, year: int, *, table: str | None = None) -> GridFactor:
    """The published ``kind`` factor of ``grid`` for reporting year ``year``.

    The publication whose vintage is ``year``, else the latest packaged vintage before it
    (CCER-01-002-V01, Tables 6-7); never a vintage later than ``year``. ``table`` names the
    publication instead (a table of :data:`GRID_TABLES`, with or without ``.csv``); its
    vintage must still not be later than ``year``.

    ``grid`` is a grid id (:data:`GRIDS`, any case) or its Chinese name; ``kind`` is one of
    :data:`KINDS`.

    Raises
    ------
    ParameterError
        Unknown grid, kind or table; no publication of the kind with vintage up to
        ``year``; the publication the rule picks is known but not packaged
        (:data:`UNPACKAGED_PUBLICATIONS`); the picked publication has no row for the grid;
        or two packaged publications of the picked vintage both have one (give ``table``).
        Each message names the grid, kind and year and lists what is packaged.
    """
    gid = canonical_grid(grid)
    k = _canonical_kind(kind)
    if isinstance(year, bool):
        raise ParameterError(f"year {year!r} is not a year", variable="year")
    try:
        y = operator.index(year)
    except TypeError:
        raise ParameterError(f"year {year!r} is not an integer year", variable="year") from None
    what = f"{k} for grid {gid!r} for year {y}"
    of_kind = [p for p in publications() if k in p.kinds]

    if table is not None:
        name = _table_name(table)
        pub = next(p for p in publications() if p.table == name)
        if pub.vintage > y:
            raise ParameterError(
                f"no {what} in {name}: its vintage {pub.vintage} is later than {y}",
                variable="table",
                where=name,
                rule=VINTAGE_RULE,
            )
        found = _lookup(name, gid, k)
        if found is None:
            grids = [f.grid for f in _load(name) if f.kind == k]
            raise ParameterError(
                f"no {what} in {name}: it gives {k} for {grids or 'no grid'}",
                variable="grid",
                where=name,
                rule=VINTAGE_RULE,
            )
        return found

    known = [u for u in UNPACKAGED_PUBLICATIONS if k in u.kinds and gid in u.grids]
    eligible = [p for p in of_kind if p.vintage <= y]
    if not eligible:
        missing = [u for u in known if u.vintage <= y]
        hint = (
            f"; known but not packaged: {max(missing, key=lambda u: u.vintage).title}"
            if missing
            else ""
        )
        raise ParameterError(
            f"no published {what}: no packaged publication of {k} has a vintage up to {y}; "
            f"packaged: {_listing(of_kind)}{hint}",
            variable="grid factor",
            rule=VINTAGE_RULE,
        )
    vintage = max(p.vintage for p in eligible)
    later = [u for u in known if vintage < u.vintage <= y]
    if later:
        u = max(later, key=lambda u: u.vintage)
        raise ParameterError(
            f"no published {what} packaged: the publication for it is {u.title} "
            f"(vintage {u.vintage}), whose values are not packaged (evidence: {u.evidence}); "
            f"an older vintage is not used in its place; give the factor with its source, "
            f"or table= to choose a packaged one knowingly; packaged: {_listing(of_kind)}",
            variable="grid factor",
            rule=VINTAGE_RULE,
        )
    same = [p for p in eligible if p.vintage == vintage]
    hits = [f for p in same if (f := _lookup(p.table, gid, k)) is not None]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise ParameterError(
            f"{what} is ambiguous: {len(hits)} packaged publications of vintage {vintage} "
            f"give it ({', '.join(f'{f.publication} = {f.value:g}' for f in hits)}); "
            f"choose one with table=",
            variable="table",
            rule=VINTAGE_RULE,
        )
    grids = sorted({g for p in same for g in p.grids if _lookup(p.table, g, k)})
    raise ParameterError(
        f"no published {what}: the publication the rule picks ({_listing(same)}) gives {k} "
        f"for {grids} only, and an older vintage is not used in its place; "
        f"packaged: {_listing(of_kind)}",
        variable="grid",
        rule=VINTAGE_RULE,
    )
