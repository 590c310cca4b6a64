#!/usr/bin/env bash
# Create the benchmark environment .venv-bench: tsclab + the peer tools (PythTB, Kwant, lmfit).
# Kwant 1.5.0 does not build against NumPy 2 from its sdist as shipped; the shared helper
# regenerates its Cython sources (about 90 s). tsclab's own environment stays untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv-bench
.venv-bench/bin/python -m pip install -q -U pip
.venv-bench/bin/python -m pip install -q -e '.[bench]'
bash "${KWANT_INSTALLER:-../shared/tools/install-kwant-for-benchmarks.sh}" .venv-bench/bin/python
.venv-bench/bin/python -c "import tsclab, kwant, pythtb; print('bench env ready')"
