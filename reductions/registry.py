"""Discovery of methodology plugins through the entry-point group ``reductions.methodologies``.

The engine never imports a methodology: it finds built-in and third-party plugins the
same way. Discovery is cached; a plugin that fails to load, is not a
:class:`~reductions.methodology.Methodology`, or duplicates an id and version already
found, is skipped with a :class:`PluginWarning` instead of crashing the engine
(the pattern of xarray's ``backends/plugins.py``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib.metadata import EntryPoint, entry_points

from .errors import MethodologyNotFound, did_you_mean
from .methodology import Methodology

GROUP = "reductions.methodologies"


class PluginWarning(UserWarning):
    """A methodology plugin could not be used; the others still work."""


def _check(ep: EntryPoint, obj: object) -> type[Methodology] | None:
    if not (isinstance(obj, type) and issubclass(obj, Methodology)):
        warnings.warn(
            f"plugin {ep.name!r} ({ep.value}) is not a Methodology subclass; skipped",
            PluginWarning,
            stacklevel=3,
        )
        return None
    missing = [a for a in ("id", "version", "title") if not isinstance(getattr(obj, a, None), str)]
    if missing:
        warnings.warn(
            f"plugin {ep.name!r} ({ep.value}) lacks {missing}; skipped", PluginWarning, stacklevel=3
        )
        return None
    if obj.id != ep.name:
        warnings.warn(
            f"plugin {ep.name!r} ({ep.value}) declares id {obj.id!r}; the entry-point "
            "name must be the id; skipped",
            PluginWarning,
            stacklevel=3,
        )
        return None
    return obj


def discover(eps: Iterable[EntryPoint] | None = None) -> dict[tuple[str, str], type[Methodology]]:
    """Load every plugin; keyed by (id, version). ``eps`` replaces the installed ones (tests)."""
    found: dict[tuple[str, str], type[Methodology]] = {}
    origin: dict[tuple[str, str], str] = {}
    points = list(entry_points(group=GROUP) if eps is None else eps)
    for ep in sorted(points, key=lambda e: (e.name, e.value)):
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin must not take the engine down
            warnings.warn(
                f"plugin {ep.name!r} ({ep.value}) failed to load: "
                f"{type(exc).__name__}: {exc}; skipped",
                PluginWarning,
                stacklevel=2,
            )
            continue
        cls = _check(ep, obj)
        if cls is None:
            continue
        key = cls.key()
        if key in found:
            if origin[key] != ep.value:
                warnings.warn(
                    f"plugin {ep.name!r} version {cls.version} is registered twice "
                    f"({origin[key]} and {ep.value}); using {origin[key]}",
                    PluginWarning,
                    stacklevel=2,
                )
            continue
        found[key] = cls
        origin[key] = ep.value
    return found


@lru_cache(maxsize=1)
def installed() -> dict[tuple[str, str], type[Methodology]]:
    """The installed methodologies (cached)."""
    return discover()


def _canonical_version(version: str) -> str:
    """``"V01"``, ``"v1"``, ``"1.0"`` and ``"01"`` name the same version: ``"1"``."""
    text = version.strip().lower().lstrip("v")
    parts = [p.lstrip("0") or "0" for p in text.split(".")]
    while len(parts) > 1 and parts[-1] == "0":
        parts.pop()
    return ".".join(parts)


def get(
    methodology_id: str,
    version: str | None = None,
    available: Mapping[tuple[str, str], type[Methodology]] | None = None,
) -> type[Methodology]:
    """The methodology ``methodology_id`` at ``version`` (the only one installed if None)."""
    table = installed() if available is None else available
    methodology_id = methodology_id.strip()
    known = sorted({i for (i, _) in table})
    if methodology_id not in known and methodology_id.lower() in known:
        methodology_id = methodology_id.lower()
    versions = sorted(v for (i, v) in table if i == methodology_id)
    if not versions:
        raise MethodologyNotFound(
            f"methodology {methodology_id!r} is not installed{did_you_mean(methodology_id, known)}",
            variable="project.methodology",
            rule=f"installed: {', '.join(known) or 'none'}",
        )
    if version is None:
        if len(versions) > 1:
            raise MethodologyNotFound(
                f"several versions of {methodology_id} are installed ({versions}); name one",
                variable="project.methodology_version",
            )
        version = versions[0]
    if (methodology_id, version) not in table:
        same = [v for v in versions if _canonical_version(v) == _canonical_version(version)]
        if len(same) == 1:
            version = same[0]
    if (methodology_id, version) not in table:
        raise MethodologyNotFound(
            f"version {version!r} of {methodology_id} is not installed"
            f"{did_you_mean(version, versions)}",
            variable="project.methodology_version",
            rule=f"installed versions: {versions}",
        )
    return table[(methodology_id, version)]
