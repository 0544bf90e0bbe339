"""reductions: traceable, reproducible greenhouse-gas emission reductions, ER = BE - PE - LE.

The engine (this package) holds no methodology: plugins register under the entry-point
group ``reductions.methodologies``. Typical use::

    from reductions import run_project
    result = run_project("examples/acm0002-wind/project.toml")
    result.totals          # {'BE': ..., 'PE': ..., 'LE': ..., 'ER': ...} in t CO2e
    result.write("out")    # report.json, results.nc, report.html
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("reductions")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

from .run import Result, run_project  # noqa: E402

__all__ = ["Result", "__version__", "run_project"]
