"""Long fuzz run of the instrument readers with damaged real files.

Each iteration takes a real file from tests/data, damages it (truncation, byte flips, swapped,
deleted or duplicated lines, a shuffled data block) and opens it with ``tsclab.io.open``. The
only acceptable outcomes are a Dataset or one of tsclab's documented errors naming the file and
the line or key; anything else is printed with the seed that reproduces it.

Run: ``python benchmarks/fuzz_readers.py [--seconds 60] [--seed 0]``. Exit status 1 on any
failure.
"""

from __future__ import annotations

import argparse
import collections
import tempfile
import time
import traceback
import warnings
from pathlib import Path

import numpy as np

from tsclab.errors import FileFormatError, TsclabError
from tsclab.io import open as tsc_open

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
FILES = sorted(
    p
    for p in DATA.rglob("*")
    if p.is_file() and p.suffix.lower() in (".dat", ".sxm") and p.stat().st_size < 2_000_000
)


def damage(raw: bytes, rng: np.random.Generator) -> tuple[bytes, str]:
    """One random damage of ``raw`` and its description."""
    kind = rng.choice(["truncate", "flip", "swap", "delete", "duplicate", "shuffle"])
    if kind == "truncate":
        cut = int(rng.integers(0, len(raw) + 1))
        return raw[:cut], f"truncate@{cut}"
    if kind == "flip":
        out = bytearray(raw)
        for _ in range(int(rng.integers(1, 16))):
            pos = int(rng.integers(0, min(len(raw), 20000) if rng.random() < 0.7 else len(raw)))
            out[pos] ^= int(rng.integers(1, 256))
        return bytes(out), "flip"
    lines = raw.split(b"\n")
    n = len(lines)
    i, j = (int(v) for v in rng.integers(0, n, size=2))
    if kind == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(j, lines[i])
    else:
        a, b = sorted((i, j))
        block = lines[a:b]
        rng.shuffle(block)
        lines[a:b] = block
    return b"\n".join(lines), f"{kind} {i},{j}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    # A warning from tsclab's own code on a damaged file is a defect too (as in the tests).
    warnings.filterwarnings("error", module="tsclab")
    rng = np.random.default_rng(args.seed)
    raws = {p: p.read_bytes() for p in FILES}
    outcomes: collections.Counter[str] = collections.Counter()
    failures = 0
    t_end = time.perf_counter() + args.seconds
    n = 0
    with tempfile.TemporaryDirectory() as tmp:
        while time.perf_counter() < t_end:
            src = FILES[int(rng.integers(0, len(FILES)))]
            data, how = damage(raws[src], rng)
            p = Path(tmp) / src.name
            p.write_bytes(data)
            n += 1
            try:
                tsc_open(p)
                outcomes["loaded"] += 1
            except FileFormatError as exc:
                ok = exc.path == str(p) and (exc.line is not None or exc.key is not None)
                outcomes[type(exc).__name__ if ok else "error without line/key"] += 1
                if not ok:
                    failures += 1
                    print(f"[{n}] {src.name} {how}: {exc}")
            except TsclabError as exc:
                outcomes[type(exc).__name__] += 1
            except Exception:
                failures += 1
                outcomes["CRASH"] += 1
                print(f"[{n}] {src.name} {how}: crash\n{traceback.format_exc()}")
    print(f"{n} damaged files from {len(FILES)} real files in {args.seconds:.0f} s "
          f"(seed {args.seed})")  # fmt: skip
    for k, v in outcomes.most_common():
        print(f"  {k:<28}{v:>8}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
