"""Discovery of methodology plugins through in-memory entry points.

The pattern of xarray's ``tests/test_plugins.py``: ``importlib.metadata.EntryPoint``
objects built in the test are passed to :func:`reductions.registry.discover`, so a good,
a broken, a wrong and a duplicate plugin can be tried without installing anything. A bad
plugin gives a :class:`~reductions.registry.PluginWarning` and is skipped; the good ones
stay available.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from importlib.metadata import EntryPoint, entry_points

import pytest
import xarray as xr

from reductions import registry
from reductions.errors import MethodologyNotFound
from reductions.ledger import Ledger
from reductions.methodology import Finding, Methodology
from reductions.project import Project
from reductions.registry import GROUP, PluginWarning, discover

HERE = __name__  # the module name pytest imported this file as; entry points load from it


class Good(Methodology):
    id = "test.good"
    version = "1.0"
    title = "A good plugin"

    def applicability(self, project: Project) -> Sequence[Finding]:
        return []

    def quantify(self, project: Project, monitoring: xr.Dataset) -> Ledger:
        return Ledger(self.id)


class GoodCopy(Good):
    """Another class declaring the same id and version (a duplicate)."""


class GoodV2(Good):
    version = "2.0"


class Untitled(Methodology):
    id = "test.untitled"
    version = "1"


NOT_A_CLASS = {"id": "test.dict"}


class NotAMethodology:
    id = "test.plain"
    version = "1"
    title = "Not derived from Methodology"


def ep(name: str, attr: str, module: str = HERE) -> EntryPoint:
    return EntryPoint(name=name, value=f"{module}:{attr}", group=GROUP)


def discover_quietly(eps: list[EntryPoint]) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a good set of plugins gives no warning at all
        return discover(eps)


def test_good_plugin() -> None:
    found = discover_quietly([ep("test.good", "Good")])
    assert found == {("test.good", "1.0"): Good}


def test_two_versions_of_one_id() -> None:
    found = discover_quietly([ep("test.good", "Good"), ep("test.good", "GoodV2")])
    assert set(found) == {("test.good", "1.0"), ("test.good", "2.0")}
    assert registry.get("test.good", "2.0", found) is GoodV2
    with pytest.raises(MethodologyNotFound, match="several versions"):
        registry.get("test.good", None, found)


def test_broken_plugin_warns_and_the_good_one_stays() -> None:
    eps = [
        ep("test.broken", "Thing", module="no_such_module_for_reductions"),
        ep("test.good", "Good"),
    ]
    with pytest.warns(PluginWarning, match=r"'test.broken'.*failed to load.*ModuleNotFoundError"):
        found = discover(eps)
    assert found == {("test.good", "1.0"): Good}


def test_missing_attribute_warns() -> None:
    with pytest.warns(PluginWarning, match="failed to load"):
        found = discover([ep("test.good", "NoSuchClass"), ep("test.good", "Good")])
    assert found == {("test.good", "1.0"): Good}


@pytest.mark.parametrize("attr", ["NOT_A_CLASS", "NotAMethodology"])
def test_object_that_is_not_a_methodology(attr: str) -> None:
    with pytest.warns(PluginWarning, match="not a Methodology subclass"):
        found = discover([ep("test.other", attr), ep("test.good", "Good")])
    assert found == {("test.good", "1.0"): Good}


def test_plugin_lacking_metadata() -> None:
    with pytest.warns(PluginWarning, match=r"lacks \['title'\]"):
        assert discover([ep("test.untitled", "Untitled")]) == {}


def test_duplicate_id_and_version() -> None:
    """Two entry points for one id and version: the first (by value) wins, with a warning
    naming both."""
    eps = [ep("test.good", "GoodCopy"), ep("test.good", "Good")]
    with pytest.warns(PluginWarning, match="registered twice") as record:
        found = discover(eps)
    assert found == {("test.good", "1.0"): Good}  # "...:Good" sorts before "...:GoodCopy"
    message = str(record[0].message)
    assert f"{HERE}:Good " in message and f"{HERE}:GoodCopy" in message


def test_same_entry_point_twice_is_not_a_duplicate() -> None:
    """The same distribution seen twice on sys.path lists one entry point twice: no warning."""
    found = discover_quietly([ep("test.good", "Good"), ep("test.good", "Good")])
    assert found == {("test.good", "1.0"): Good}


def test_id_must_match_entry_point_name() -> None:
    with pytest.warns(PluginWarning, match="declares id 'test.good'"):
        found = discover([ep("test.renamed", "Good")])
    assert found == {}


def test_get_errors() -> None:
    found = discover_quietly([ep("test.good", "Good")])
    assert registry.get("test.good", None, found) is Good
    assert registry.get("test.good", "1.0", found) is Good
    with pytest.raises(MethodologyNotFound, match="'test.unknown' is not installed") as info:
        registry.get("test.unknown", "1.0", found)
    assert info.value.variable == "project.methodology"
    assert "test.good" in str(info.value)
    with pytest.raises(MethodologyNotFound, match="version '9.9' of test.good") as info:
        registry.get("test.good", "9.9", found)
    assert info.value.variable == "project.methodology_version"
    assert "1.0" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_installed_entry_points() -> None:
    """The built-in plugins are registered through the entry-point group, as a third
    party's would be (pyproject.toml)."""
    names = {e.name: e.value for e in entry_points(group=GROUP)}
    assert names["cdm.acm0002"] == "methodologies.renewable.acm0002:ACM0002"
    assert names["ccer.01-002"] == "methodologies.renewable.ccer_01_002:CCER01002"
    installed = registry.installed()
    assert ("cdm.acm0002", "22.0") in installed
    assert ("ccer.01-002", "V01") in installed
    assert registry.get("cdm.acm0002", "22.0").title.startswith("Grid-connected")
    assert registry.get("ccer.01-002").version == "V01"
    with pytest.raises(MethodologyNotFound):
        registry.get("cdm.acm0002", "21.0")
