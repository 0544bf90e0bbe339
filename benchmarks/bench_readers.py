"""Table reader speed: ``reductions.readers.read_table`` against ``pandas.read_csv``.

Ten years of one-minute data (5.26 million rows: a time column ``YYYY-MM-DD HH:MM`` and
two numeric columns) are written to a temporary folder; then the CPU time
(``time.process_time``) of a plain ``pandas.read_csv(path)`` and of ``read_table`` on the
same file are measured, alternately, best of ``--repeat``. Peak memory is measured in a
fresh child process per reader (``ru_maxrss``). Printed as ratios; nothing here asserts a
time. Run ``python benchmarks/bench_readers.py`` (``--rows``, ``--repeat``, ``--tz``,
``--file`` to keep or reuse a file).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from reductions.readers import ReadOptions, read_table
from reductions.timeutil import parse_timezone


def write_file(path: Path, rows: int, offsets: str | None) -> None:
    """Naive local times ``YYYY-MM-DD HH:MM``, or with ``offsets`` (an IANA zone) ISO 8601
    times with that zone's UTC offset, ``YYYY-MM-DDTHH:MM+01:00``."""
    rng = np.random.default_rng(1)
    if offsets is None:
        stamps = pd.date_range("2015-01-01 00:00", periods=rows, freq="1min").strftime(
            "%Y-%m-%d %H:%M"
        )
    else:
        t = pd.date_range("2015-01-01 00:00", periods=rows, freq="1min", tz=offsets)
        z = t.strftime("%z")
        stamps = t.strftime("%Y-%m-%dT%H:%M") + z.str[:3] + ":" + z.str[3:]
    pd.DataFrame(
        {
            "t": stamps,
            "e": rng.uniform(0.0, 50.0, rows).round(3),
            "i": rng.uniform(0.0, 1.0, rows).round(4),
        }
    ).to_csv(path, index=False)


def plain(path: Path, tz: str) -> object:
    return pd.read_csv(path)


def reader(path: Path, tz: str) -> object:
    options = ReadOptions(time="t", timezone=parse_timezone(tz))
    return read_table(path, path.name, options, ["e", "i"])


READERS: dict[str, Callable[[Path, str], object]] = {"pandas.read_csv": plain, "read_table": reader}


def peak_memory(name: str, path: Path, tz: str) -> float:
    """Peak resident memory [MiB] of a fresh process that imports and runs one reader
    (VmHWM: Linux's ``ru_maxrss`` would keep the parent's peak across the exec)."""
    code = (
        "import sys; from pathlib import Path; "
        "sys.path.insert(0, sys.argv[1]); import bench_readers as b; "
        "b.READERS[sys.argv[2]](Path(sys.argv[3]), sys.argv[4]); "
        "print(next(x for x in open('/proc/self/status') if x.startswith('VmHWM')).split()[1])"
    )
    here = str(Path(__file__).parent)
    out = subprocess.run(
        [sys.executable, "-c", code, here, name, str(path), tz],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.split()[-1]) / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_259_600, help="default: ten years")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tz", default="UTC+8", help="time zone of the timestamps")
    parser.add_argument("--offsets", help="write times with the UTC offsets of this IANA zone")
    parser.add_argument("--file", type=Path, help="CSV to write (if absent) and read")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / "monitoring.csv"
        if not path.exists():
            write_file(path, args.rows, args.offsets)
        size = path.stat().st_size / 2**20
        rows = sum(1 for _ in path.open("rb")) - 1
        print(f"{path}: {rows:,} rows, {size:.0f} MiB, time zone {args.tz}")
        best = {name: float("inf") for name in READERS}
        for _ in range(args.repeat):
            for name, fn in READERS.items():
                t0 = time.process_time()
                fn(path, args.tz)
                best[name] = min(best[name], time.process_time() - t0)
        memory = {name: peak_memory(name, path, args.tz) for name in READERS}
        base = best["pandas.read_csv"]
        for name in READERS:
            print(
                f"{name:16s} CPU {best[name]:6.3f} s (best of {args.repeat}), "
                f"ratio {best[name] / base:5.2f}; peak RSS {memory[name]:6.0f} MiB"
            )
        print(f"ratio read_table / pandas.read_csv: {best['read_table'] / base:.2f}")


if __name__ == "__main__":
    main()
