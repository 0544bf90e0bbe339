"""The built-in methodologies pass the conformance and invariance checks that
``reductions.testing`` offers third parties (issue 6, item 4).

The invariance projects are small in-memory projects: 48 hours of export and import energy
(illustrative values) with the combined margin of ASB0038-2018 v01.0, Table 1 (OM 0.4620,
BM 0.3456 t/MWh).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from reductions import quantify, registry
from reductions.testing import check_invariance, check_methodology, check_result, example_dataset

ARMENIA = {
    "EF_grid_OM_y": {"value": 0.4620, "unit": "t/MWh", "source": "ASB0038-2018 Table 1"},
    "EF_grid_BM_y": {"value": 0.3456, "unit": "t/MWh", "source": "ASB0038-2018 Table 1"},
}
PROJECTS = {
    "cdm.acm0002": {
        "project_activity": "greenfield",
        "technology": "wind",
        "crediting_period": 1,
        **ARMENIA,
    },
    "ccer.01-002": {
        "distance_from_shore": {"value": 38.0, "unit": "km"},
        "w_OM": 0.5,
        "w_BM": 0.5,
        "MPE_export": 0.002,
        "MPE_import": 0.002,
        **ARMENIA,
    },
}


def two_days() -> object:
    rng = np.random.default_rng(7)
    return example_dataset(
        {
            "EG_export": (np.round(rng.uniform(0, 40, 48), 3), "MWh"),
            "EG_import": (np.round(rng.uniform(0, 0.5, 48), 3), "MWh"),
        },
        "2024-03-01",
        "1h",
    )


@pytest.mark.parametrize("key", sorted(registry.installed()), ids=lambda k: f"{k[0]}-{k[1]}")
def test_built_in_methodologies_conform(key: tuple[str, str]) -> None:
    check_methodology(registry.installed()[key])


@pytest.mark.parametrize("methodology", sorted(PROJECTS))
def test_built_in_methodologies_are_invariant(methodology: str) -> None:
    base = check_invariance(
        methodology,
        parameters=PROJECTS[methodology],
        monitoring=two_days(),
        period=(dt.date(2024, 3, 1), dt.date(2024, 3, 2)),
        tables={"data": {"interval": "1h"}},
    )
    assert base.totals["ER"] > 0


def test_check_result_catches_an_untraceable_quantity() -> None:
    result = quantify(
        "cdm.acm0002",
        parameters=PROJECTS["cdm.acm0002"],
        monitoring=two_days(),
        period=(dt.date(2024, 3, 1), dt.date(2024, 3, 2)),
        tables={"data": {"interval": "1h"}},
    )
    check_result(result)
    q = result.ledger["BE"]
    object.__setattr__(q, "inputs", ("nowhere",))
    with pytest.raises(AssertionError, match="nowhere"):
        check_result(result)
