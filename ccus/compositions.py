"""Named compositions of captured CO2 streams, loaded from a cited data table.

The compositions are data, not code: one CSV file, ``ccus/data/co2-stream-compositions.csv``,
feeds both this module and the documentation. Each row is one species of one named stream:

=============== ==========================================================================
column          meaning
=============== ==========================================================================
name            name of the stream (``[a-z0-9_]+``), e.g. ``post_combustion_amine``
species         one of :data:`ccus.properties.SPECIES` (CO2, N2, O2, Ar, H2, CH4, CO, H2S,
                H2O)
mole_fraction   mole fraction [mol/mol], or the word ``balance`` (CO2 row only)
source          the document the number comes from (authors, year, title, journal/report)
table_or_page   where in that document (table, row, page)
note            anything done to the published number: which value of a published range
                was taken, species dropped (with their amount), how the composition was
                closed
=============== ==========================================================================

Rules, checked when the table is read (a violation raises :class:`CompositionDataError`
naming the file, the line and the rule):

* every row names a source and a table or page; all rows of one stream cite one source;
* species are in :data:`ccus.properties.SPECIES`, once per stream;
* fractions are finite numbers in [0, 1];
* either the listed fractions sum to one within :data:`SUM_TOLERANCE`, or the CO2 row says
  ``balance`` and its ``note`` says so (the word "balance" in the note): CO2 is then
  ``1 - sum(others)``, never silently renormalised;
* a stream with a ``balance`` row has impurities summing to at most one.

The published compositions themselves must be entered from the cited documents (Porter et
al. 2015, IEAGHG 2011/04, NETL QGESS CO2 impurity design parameters, ...); the table ships
only rows whose numbers were read from a source that can be cited.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ccus.errors import CCUSInputError
from ccus.properties import SPECIES

__all__ = [
    "COLUMNS",
    "DATA_FILE",
    "SUM_TOLERANCE",
    "CompositionDataError",
    "StreamComposition",
    "composition",
    "load_table",
    "names",
    "record",
    "source",
]

#: Column names of the composition table, in order. [-]
COLUMNS: tuple[str, ...] = ("name", "species", "mole_fraction", "source", "table_or_page", "note")

#: Package-relative name of the shipped table. [-]
DATA_FILE = "data/co2-stream-compositions.csv"

#: Largest |sum - 1| accepted for a stream listed without a balance species. [mol/mol]
SUM_TOLERANCE = 1e-9

_NAME_RE = re.compile(r"^[a-z0-9_]+$")
_BALANCE = "balance"


class CompositionDataError(CCUSInputError):
    """The composition table breaks one of its rules (the message names file, line, rule)."""


@dataclass(frozen=True)
class StreamComposition:
    """One named stream as read from the table.

    Attributes
    ----------
    name : str
        Name of the stream. [-]
    fractions : dict of str to float
        Mole fraction of each species, CO2 first, summing to one within 1e-12. [mol/mol]
    source : str
        The cited document. [-]
    where : tuple of str
        Table, row or page of each row of the stream, in file order. [-]
    notes : tuple of str
        Non-empty notes of the stream's rows, in file order. [-]
    co2_is_balance : bool
        True when CO2 was closed as ``1 - sum(impurities)``. [-]
    """

    name: str
    fractions: dict[str, float]
    source: str
    where: tuple[str, ...]
    notes: tuple[str, ...]
    co2_is_balance: bool


def _fail(path: str, line: int, rule: str) -> CompositionDataError:
    return CompositionDataError(f"{path}, line {line}: {rule}")


def _parse_rows(text: str, path: str) -> dict[str, StreamComposition]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise _fail(path, 1, f"empty file; expected the header {','.join(COLUMNS)}") from None
    if tuple(h.strip() for h in header) != COLUMNS:
        raise _fail(path, 1, f"header must be {','.join(COLUMNS)}, got {','.join(header)}")

    rows: dict[str, list[tuple[int, str, str, str, str, str]]] = {}
    for line, raw in enumerate(reader, start=2):
        if not raw or all(not c.strip() for c in raw):
            continue
        if len(raw) != len(COLUMNS):
            raise _fail(path, line, f"expected {len(COLUMNS)} columns, got {len(raw)}")
        name, species, value, src, where, note = (c.strip() for c in raw)
        if not _NAME_RE.match(name):
            raise _fail(path, line, f"name {name!r} must match [a-z0-9_]+")
        if species not in SPECIES:
            raise _fail(
                path, line, f"species {species!r} of {name!r} is not one of {sorted(SPECIES)}"
            )
        if not src:
            raise _fail(path, line, f"{name!r}/{species}: the source column is empty")
        if not where:
            raise _fail(path, line, f"{name!r}/{species}: the table_or_page column is empty")
        rows.setdefault(name, []).append((line, species, value, src, where, note))

    out: dict[str, StreamComposition] = {}
    for name, items in rows.items():
        sources = {src for _, _, _, src, _, _ in items}
        if len(sources) != 1:
            raise _fail(
                path, items[0][0], f"stream {name!r} cites {len(sources)} sources; one per stream"
            )
        fractions: dict[str, float] = {}
        balance_line = 0
        for line, species, value, _src, _where, note in items:
            if species in fractions or (species == "CO2" and balance_line):
                raise _fail(path, line, f"stream {name!r} lists {species} twice")
            if value.lower() == _BALANCE:
                if species != "CO2":
                    raise _fail(
                        path, line, f"{name!r}: only CO2 may be the balance species, not {species}"
                    )
                if _BALANCE not in note.lower():
                    raise _fail(
                        path,
                        line,
                        f"{name!r}: CO2 closed as balance but the note does not say so "
                        "(it must contain the word 'balance')",
                    )
                balance_line = line
                continue
            try:
                x = float(value)
            except ValueError:
                raise _fail(
                    path, line, f"{name!r}/{species}: mole_fraction {value!r} is not a number"
                ) from None
            if not math.isfinite(x) or x < 0.0 or x > 1.0:
                raise _fail(
                    path, line, f"{name!r}/{species}: mole_fraction {x!r} must be in [0, 1]"
                )
            fractions[species] = x
        listed = math.fsum(fractions.values())
        if balance_line:
            if listed > 1.0:
                raise _fail(
                    path,
                    balance_line,
                    f"{name!r}: impurities sum to {listed!r} > 1, CO2 balance would be negative",
                )
            fractions["CO2"] = 1.0 - listed
        elif abs(listed - 1.0) > SUM_TOLERANCE:
            raise _fail(
                path,
                items[-1][0],
                f"{name!r}: fractions sum to {listed!r}, not 1 within {SUM_TOLERANCE:g}; "
                "correct the numbers or close with 'balance' on the CO2 row and say so in note",
            )
        total = math.fsum(fractions.values())
        ordered = sorted(fractions, key=lambda k: (k != "CO2", k))
        out[name] = StreamComposition(
            name=name,
            fractions={k: fractions[k] / total for k in ordered},
            source=items[0][3],
            where=tuple(w for _, _, _, _, w, _ in items),
            notes=tuple(n for *_, n in items if n),
            co2_is_balance=bool(balance_line),
        )
    return out


def load_table(path: str | Path) -> dict[str, StreamComposition]:
    """Read and check a composition table (columns :data:`COLUMNS`).

    Parameters
    ----------
    path : str or Path
        CSV file, UTF-8. [-]

    Returns
    -------
    dict of str to StreamComposition
        Streams by name, in file order. [-]

    Raises
    ------
    CompositionDataError
        A rule of the table is broken (see the module docstring); the message names the
        file, the line and the rule.
    """
    p = Path(path)
    return _parse_rows(p.read_text(encoding="utf-8"), str(p))


@functools.cache
def _shipped() -> dict[str, StreamComposition]:
    text = resources.files("ccus").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return _parse_rows(text, f"ccus/{DATA_FILE}")


def names() -> tuple[str, ...]:
    """Names of the shipped streams, in table order.

    Returns
    -------
    tuple of str
        Stream names. [-]
    """
    return tuple(_shipped())


def record(name: str) -> StreamComposition:
    """The full record of one shipped stream (fractions, source, where, notes).

    Parameters
    ----------
    name : str
        One of :func:`names`. [-]

    Returns
    -------
    StreamComposition
        The stream as read from the table. [-]

    Raises
    ------
    CCUSInputError
        ``name`` is not in the table.
    """
    table = _shipped()
    if name not in table:
        raise CCUSInputError(f"composition name {name!r} is not one of {sorted(table)}")
    return table[name]


def composition(name: str) -> dict[str, float]:
    """Mole fractions of a named captured-CO2 stream, ready for :mod:`ccus.properties`.

    Parameters
    ----------
    name : str
        One of :func:`names`. [-]

    Returns
    -------
    dict of str to float
        Species to mole fraction, CO2 first, summing to one within 1e-12. A fresh dict:
        changing it does not change the table. [mol/mol]

    Raises
    ------
    CCUSInputError
        ``name`` is not in the table.
    """
    return dict(record(name).fractions)


def source(name: str) -> str:
    """Citation of a named stream: document, then the table/page of its rows.

    Parameters
    ----------
    name : str
        One of :func:`names`. [-]

    Returns
    -------
    str
        ``"<source>; <table or page>"`` (distinct locations joined by ``"; "``). [-]

    Raises
    ------
    CCUSInputError
        ``name`` is not in the table.
    """
    r = record(name)
    return "; ".join([r.source, *_unique(r.where)])


def _unique(items: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for it in items:
        if it not in seen:
            seen.append(it)
    return seen
