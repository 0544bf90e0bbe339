"""reductions: traceable, reproducible greenhouse-gas emission reductions, ER = BE - PE - LE.

The engine (this package) holds no methodology: plugins register under the entry-point
group ``reductions.methodologies``. Typical use::

    from reductions import quantify, run_project
    result = run_project("examples/acm0002-wind/project.toml")
    result.totals          # {'BE': ..., 'PE': ..., 'LE': ..., 'ER': ...} in t CO2e
    result.write("out")    # report.json, results.nc, report.html
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("reductions")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["Result", "__version__", "quantify", "run_project"]


def __getattr__(name: str) -> object:
    # The engine's entry points, imported on first use so that ``import reductions`` (and
    # ``reductions.plugin`` for a plugin's metadata) stays light.
    if name in ("Result", "quantify", "run_project"):
        from . import run

        return getattr(run, name)
    raise AttributeError(f"module 'reductions' has no attribute {name!r}")
