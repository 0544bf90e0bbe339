"""Where ``reductions run`` and ``reductions verify`` spend their time, by phase.

Uses the data and project file of ``bench_engine_10y.py`` (generated if missing). Two views,
each of one run in this process:

1. phases: the engine's functions are wrapped (their module bindings replaced, nothing in
   the source changes) with timers that count CPU time (``time.process_time``) exclusive
   of nested phases, and the peak RSS of each phase (``VmHWM``, reset at each phase
   boundary through ``/proc/self/clear_refs``). The phases add up to the command's CPU
   time; what no phase claims is "other". A wrapped name that does not exist (the engine
   changed) is skipped and listed.
2. ``--cprofile``: the same command under cProfile, the top functions by cumulative and by
   own time (cProfile's overhead inflates Python-level calls; the phase view has none).

    python benchmarks/profile_engine.py --years 1 [--rev 7bf282b] [--cprofile]

Outputs go to ``benchmarks/.data/engine-<N>y/out-profile/``. ``--rev`` profiles the engine
as of a git commit (exported with ``git archive``, as in ``bench_engine_10y.py``). Not a
test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import importlib
import importlib.util
import io
import pstats
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The sibling benchmark script, loaded by path (benchmarks/ is not a package).
_spec = importlib.util.spec_from_file_location("bench_engine_10y", HERE / "bench_engine_10y.py")
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_engine_10y"] = bench
_spec.loader.exec_module(bench)

#: (phase, module, attribute): the binding ``module.attribute`` is wrapped. A name is
#: looked up where it is called from (a function imported by name into another module is
#: wrapped there). ``Class.method`` wraps the method on the class.
PHASES: list[tuple[str, str, str]] = [
    ("project file, registry, parameters", "reductions.run", "load_project"),
    ("project file, registry, parameters", "reductions.run", "resolve_parameters"),
    ("project file, registry, parameters", "reductions.registry", "get"),
    ("applicability", "methodologies.renewable.ccer_01_002", "CCER01002.applicability"),
    ("read CSV: pandas.read_csv (dtype=str)", "pandas", "read_csv"),
    ("read CSV: rest of _read_csv", "reductions.monitoring", "_read_csv"),
    ("parse times (strip, ISO8601, localize, UTC)", "reductions.monitoring", "_parse_times"),
    ("numeric parsing (strip, isin, to_numeric)", "reductions.monitoring", "_parse_numbers"),
    ("time-order check", "reductions.monitoring", "_check_time_order"),
    ("unit conversion (pint)", "reductions.monitoring", "_to_canonical"),
    ("intervals: start/end from labels", "reductions.monitoring", "_intervals"),
    ("non-negative check", "reductions.monitoring", "_check_nonnegative"),
    ("gaps / period selection / missing data", "reductions.monitoring", "_select_period"),
    ("gaps / period selection / missing data", "reductions.monitoring", "_fill_gaps"),
    ("gaps / period selection / missing data", "reductions.monitoring", "_apply_missing_rules"),
    ("load_monitoring rest (widths, Dataset)", "reductions.run", "load_monitoring"),
    ("ledger: start_ledger", "methodologies.renewable.ccer_01_002", "start_ledger"),
    ("meter error: local times (to_local x2)", "methodologies.renewable.ccer_01_002", "to_local"),
    (
        "meter error: applied_meter_error",
        "methodologies.renewable.ccer_01_002",
        "applied_meter_error",
    ),
    (
        "meter error: corrected_export/import",
        "methodologies.renewable.ccer_01_002",
        "corrected_export",
    ),
    (
        "meter error: corrected_export/import",
        "methodologies.renewable.ccer_01_002",
        "corrected_import",
    ),
    ("meter error: notes", "methodologies.renewable.ccer_01_002", "_calibration_notes"),
    ("ledger: Ledger.add (copies, DataArrays)", "reductions.ledger", "Ledger.add"),
    ("quantify rest (equations)", "methodologies.renewable.ccer_01_002", "CCER01002.quantify"),
    ("ledger: check (ER = BE - PE - LE)", "reductions.ledger", "Ledger.check"),
    ("reporting labels (per-row strftime)", "reductions.run", "reporting_labels"),
    ("exact sums (math.fsum of tolist)", "reductions.ledger", "exact_sum"),
    ("exact sums (math.fsum of tolist)", "reductions.report", "exact_sum"),
    ("report: group_sums (argsort, split)", "reductions.report", "group_sums"),
    ("report: _group (np.unique of str labels)", "reductions.report", "_group"),
    ("report: per-quantity min/max/mean", "reductions.report", "_quantity_entry"),
    ("report: sha256 of inputs", "reductions.report", "sha256"),
    ("report: rest of build_report", "reductions.report", "build_report"),
    ("report: json dumps", "reductions.report", "dumps"),
    ("results.nc: Ledger.dataset", "reductions.ledger", "Ledger.dataset"),
    ("results.nc: to_netcdf", "xarray", "Dataset.to_netcdf"),
    ("report.html", "reductions.report", "render_html"),
    ("verify: compare", "reductions.report", "_compare"),
    ("verify: read report, rest", "reductions.report", "verify"),
]

#: Imported before timing (their import is its own phase).
MODULES = [
    "pandas",
    "xarray",
    "h5netcdf",
    "reductions.cli",
    "reductions.run",
    "reductions.report",
    "reductions.monitoring",
    "methodologies.renewable.ccer_01_002",
]


def _hwm_mib() -> float:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return float("nan")
    return int(text.split("VmHWM:")[1].split()[0]) / 1024.0


def _reset_hwm() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


class Timer:
    """Exclusive CPU time and peak RSS per phase, for wrapped functions."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.rss: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.stack: list[str] = ["other"]
        self.mark = time.process_time()

    def _switch(self, to: list[str]) -> None:
        now = time.process_time()
        current = self.stack[-1]
        self.cpu[current] += now - self.mark
        self.rss[current] = max(self.rss[current], _hwm_mib())
        _reset_hwm()
        self.mark = now
        self.stack = to

    def wrap(self, phase: str, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            self._switch([*self.stack, phase])
            self.calls[phase] += 1
            try:
                return fn(*args, **kwargs)
            finally:
                self._switch(self.stack[:-1])

        return wrapper

    def close(self) -> None:
        self._switch(self.stack)


def install(timer: Timer) -> list[str]:
    """Wrap every binding of PHASES that exists; return the ones that do not."""
    missing = []
    for phase, module, attr in PHASES:
        try:
            owner = importlib.import_module(module)
        except ImportError:
            missing.append(f"{module}.{attr}")
            continue
        *path, name = attr.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        fn = getattr(owner, name, None) if owner is not None else None
        if fn is None:
            missing.append(f"{module}.{attr}")
            continue
        setattr(owner, name, timer.wrap(phase, fn))
    return missing


def command(which: str, project: Path, out: Path) -> list[str]:
    if which == "run":
        return ["run", str(project), "-o", str(out)]
    return ["verify", str(out / "report.json")]


def phases(which: str, project: Path, out: Path) -> None:
    t0 = time.process_time()
    for name in MODULES:
        importlib.import_module(name)
    imports = time.process_time() - t0
    from reductions import cli

    timer = Timer()
    missing = install(timer)
    _reset_hwm()
    timer.mark = time.process_time()
    start = timer.mark
    with contextlib.redirect_stdout(io.StringIO()) as captured:
        code = cli.main(command(which, project, out))
    timer.close()
    total = time.process_time() - start
    if code != 0:
        print(captured.getvalue())
        raise SystemExit(f"reductions {which} exited {code}")
    print(f"\nreductions {which}: {total:.2f} s CPU in the command (+ {imports:.2f} s imports)")
    print(f"| {'phase':<46} | calls | CPU s |     % | peak RSS MiB |")
    print(f"|{'-' * 48}|------:|------:|------:|-------------:|")
    for phase, cpu in sorted(timer.cpu.items(), key=lambda kv: -kv[1]):
        if cpu < 0.0005 * total and phase != "other":
            continue
        print(
            f"| {phase:<46} | {timer.calls.get(phase, 0):5d} | {cpu:5.2f} | "
            f"{100 * cpu / total:5.1f} | {timer.rss[phase]:12,.0f} |"
        )
    if missing:
        print("not found (skipped): " + ", ".join(missing))


def cprofile(which: str, project: Path, out: Path, top: int, save: Path) -> None:
    for name in MODULES:
        importlib.import_module(name)
    from reductions import cli

    prof = cProfile.Profile()
    with contextlib.redirect_stdout(io.StringIO()):
        prof.runcall(cli.main, command(which, project, out))
    prof.dump_stats(save)
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key).print_stats(top)
        lines = buf.getvalue().splitlines()
        first = next(i for i, line in enumerate(lines) if "ncalls" in line)
        print(f"\ncProfile, reductions {which}, top {top} by {key} (saved: {save}):")
        print("\n".join(lines[first:]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, default=1, help="years of data (default 1)")
    ap.add_argument("--rev", default=None, help="profile the engine as of this git commit")
    ap.add_argument("--only", choices=("run", "verify"), default=None)
    ap.add_argument("--cprofile", action="store_true", help="cProfile top functions instead")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args(argv)
    if args.only is None:
        # Each command in a fresh process, so imports and caches do not carry over.
        for which in ("run", "verify"):
            child = [sys.executable, __file__, "--years", str(args.years), "--only", which]
            child += ["--top", str(args.top)] + (["--cprofile"] if args.cprofile else [])
            child += ["--rev", args.rev] if args.rev else []
            subprocess.run(child, check=True)
        return 0
    if args.rev:
        bench.DATA.mkdir(parents=True, exist_ok=True)
        sys.path.insert(0, str(bench.snapshot(args.rev)))
    project, rows = bench.ensure_data(args.years)
    out = project.parent / "out-profile"
    import reductions

    engine = Path(reductions.__file__).parent.parent
    print(f"{rows:,} rows, {args.years} year(s); engine from {engine}", flush=True)
    if args.only == "verify" and not (out / "report.json").is_file():
        from reductions import cli

        with contextlib.redirect_stdout(io.StringIO()):
            cli.main(command("run", project, out))
    if args.cprofile:
        cprofile(args.only, project, out, args.top, project.parent / f"{args.only}.prof")
    else:
        phases(args.only, project, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
