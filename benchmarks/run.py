"""Run every benchmark side by side with its peer tools and print the ratios.

Usage::

    bash benchmarks/setup_env.sh          # once: .venv-bench with tsclab, PythTB, Kwant
    .venv-bench/bin/python benchmarks/run.py            # all
    .venv-bench/bin/python benchmarks/run.py sts io     # some

Each ``benchmarks/bench_<area>.py`` is also runnable on its own; each says "peer not installed"
for a missing peer instead of failing. Measured numbers are in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(a in s.stem for a in argv)]
    status = 0
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(script)])
        print(f"=== {script.name}: exit {rc}, {time.perf_counter() - t0:.0f} s ===", flush=True)
        status = status or rc
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
