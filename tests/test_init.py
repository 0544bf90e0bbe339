"""``reductions init METHODOLOGY`` (issue 13, item 4; reductions.init_template).

For every installed methodology the template is valid TOML naming every declared
parameter and monitoring variable; what the user must fill is refused until filled; once
filled, it reads back as a project file.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from reductions import registry
from reductions.cli import main
from reductions.errors import InputError
from reductions.init_template import FILL, template
from reductions.project import load_project

METHODOLOGIES = sorted(registry.installed())


def _fill(text: str) -> str:
    """Replace the placeholders the way a user would (with any valid value)."""
    text = re.sub(r'start = "FILL IN: first day[^"]*"', "start = 2024-01-01", text)
    text = re.sub(r'end = "FILL IN: last day[^"]*"', "end = 2024-12-31", text)
    text = re.sub(r'"FILL IN: one of ([^,"]+)[^"]*"', r'"\1"', text)
    text = text.replace('"FILL IN: an integer"', "1").replace('"FILL IN: true or false"', "true")
    text = text.replace('"FILL IN: a date"', "2024-01-01")
    text = text.replace("value = nan", "value = 1.0").replace("= nan", "= 1.0")
    return re.sub(r'"FILL IN: ([^"]*)"', lambda m: f'"filled {len(m.group(1))}"', text)


@pytest.mark.parametrize("key", METHODOLOGIES, ids=[f"{i}@{v}" for i, v in METHODOLOGIES])
def test_template_names_everything_and_reads_back(key: tuple[str, str], tmp_path: Path) -> None:
    cls = registry.installed()[key]
    text = template(cls)
    doc = tomllib.loads(text)
    assert doc["project"]["methodology"] == cls.id
    assert doc["project"]["methodology_version"] == cls.version
    params = doc.get("parameters", {})
    for p in cls.parameters:
        if p.required and p.default is None:
            assert p.symbol in params, p.symbol
        else:  # a default or optional: a commented line the user may uncomment
            assert re.search(rf"^# {re.escape(p.symbol)} = ", text, re.M), p.symbol
    tables = doc["monitoring"]
    mapped = {s for t in tables.values() for s in t["variables"]}
    for v in cls.monitoring:
        if v.required:
            assert v.symbol in mapped, v.symbol
            t = next(t for t in tables.values() if v.symbol in t["variables"])
            assert t["period"] == v.period
            assert t["variables"][v.symbol]["unit"] == v.unit
            assert set(v.dims) <= set(t["variables"][v.symbol])
        else:
            assert re.search(rf"^# {re.escape(v.symbol)} = \{{", text, re.M), v.symbol
    # Every commented-out assignment is valid TOML once uncommented.
    for line in re.findall(r"^# (\w+ = .*)$", text, re.M):
        if not line.startswith(("finding", "reason", "gwp", "symbol")):
            tomllib.loads(line)
    # Unfilled, the project file is refused (a template cannot run by accident).
    raw = tmp_path / "raw.toml"
    raw.write_text(text, encoding="utf-8")
    with pytest.raises(InputError):
        load_project(raw)
    # Filled, it reads back as a project file.
    filled = tmp_path / "project.toml"
    filled.write_text(_fill(text), encoding="utf-8")
    assert f'"{FILL}' not in filled.read_text(encoding="utf-8")
    project = load_project(filled)
    assert project.methodology == cls.id
    assert project.mapped() >= {v.symbol for v in cls.monitoring if v.required}


def test_numbers_are_refused_until_filled(tmp_path: Path) -> None:
    """A required number left as nan stops the run with the parameter's name."""
    from reductions.run import run_project

    text = _fill(template(registry.get("cdm.acm0002"))).replace("value = 1.0", "value = nan", 1)
    (tmp_path / "project.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        run_project(tmp_path / "project.toml")
    assert "EF_grid" in str(err.value) or "nan" in str(err.value).lower()


def test_cli_init(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["init", "cdm.acm0002"]) == 0
    out = capsys.readouterr().out
    assert out == template(registry.get("cdm.acm0002"))
    target = tmp_path / "p.toml"
    assert main(["init", "cdm.acm0002", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == out
    assert main(["init", "cdm.acm0002", "-o", str(target)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["init", "cdm.acm0002", "-o", str(target), "--force"]) == 0
    assert main(["init", "no.such"]) == 2


def test_template_shows_adjustments_where_accepted(tmp_path: Path) -> None:
    """ipmvp.option-c accepts non-routine adjustments: its template carries a commented
    [[adjustment]] table that, uncommented and filled, reads back; cdm.acm0002's has none."""
    ipmvp = template(registry.get("ipmvp.option-c"))
    assert "# [[adjustment]]" in ipmvp and '# unit = "MWh"' in ipmvp
    assert "[[adjustment]]" not in template(registry.get("cdm.acm0002"))
    lines = ipmvp.splitlines()
    i = lines.index("# [[adjustment]]")
    block = [ln[2:] for ln in lines[i : i + 9]]
    doc = tomllib.loads("\n".join(block))
    assert set(doc["adjustment"][0]) == {
        "name",
        "value",
        "unit",
        "start",
        "end",
        "kind",
        "reason",
        "source",
    }
