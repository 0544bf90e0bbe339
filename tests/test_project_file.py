"""Project-file forms from DESIGN.md: ``symbol = value`` and version spellings."""

from __future__ import annotations

from pathlib import Path

import pytest

from reductions.errors import MethodologyNotFound
from reductions.run import run_project
from tests._cli_project import edit, make_project


def test_bare_value_is_in_the_declared_unit(tmp_path: Path) -> None:
    """DESIGN.md: ``[parameters] symbol = value``. A bare number is in the unit the
    methodology declares (t/MWh for EF_grid_OM_y), gives the same ER as the explicit
    form, and the report's parameter source says the unit was not given."""
    explicit = run_project(make_project(tmp_path / "a"))
    p = make_project(tmp_path / "b")
    text = p.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("EF_grid_OM_y"))
    edit(p, line, "EF_grid_OM_y = 0.8922")
    bare = run_project(p)
    assert bare.totals["ER"] == explicit.totals["ER"]
    assert "no unit given" in bare.inputs.parameters["EF_grid_OM_y"].source


def test_bare_value_in_another_unit_is_not_converted(tmp_path: Path) -> None:
    """A bare 892.2 is 892.2 t/MWh, outside the declared range: refused, not rescaled."""
    p = make_project(tmp_path)
    text = p.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("EF_grid_OM_y"))
    edit(p, line, "EF_grid_OM_y = 892.2")
    with pytest.raises(Exception, match="above the maximum"):
        run_project(p)


@pytest.mark.parametrize("spelling", ["V01", "v1", "1.0", "01", "1"])
def test_version_spellings_of_ccer(tmp_path: Path, spelling: str) -> None:
    p = make_project(tmp_path, methodology="ccer.01-002")
    edit(p, 'methodology_version = "V01"', f'methodology_version = "{spelling}"')
    assert run_project(p).methodology.version == "V01"


def test_another_version_is_still_refused(tmp_path: Path) -> None:
    p = make_project(tmp_path)
    edit(p, 'methodology_version = "22.0"', 'methodology_version = "21.0"')
    with pytest.raises(MethodologyNotFound, match="21.0"):
        run_project(p)
