"""Benchmark W2: induced gap of the thin-film BdG slab for m = 1..20, tsclab vs Kwant.

Workload (issue 2, W2): for each thickness m = 1..20 QL (NP09 Bi2Se3, one site per QL, so the
BdG matrix is 8m x 8m), the smallest |E| of H_BdG(kx, 0) at each of 400 points kx in
[0, 0.3] 1/Å, and its minimum over kx (the grid induced gap). Parameters: Delta0 = 10 meV on
the FeTe layer, mu = C + 0.10 eV, lam = 10 meV, linear band bending V = 20 meV.

Peers, side by side on the same k points (all of them, every m):

* ``tsclab``: :meth:`ThinFilmModel.min_abs_bdg_energy` — real symmetric banded form of the
  BdG matrix (antiunitary symmetry on the ky = 0 line, site-by-site ordering, half bandwidth
  9) and one eigenvalue per k from LAPACK ``dsbevx`` (± symmetry of each spectrum).
* ``numpy-dense``: the straightforward batched approach, ``np.linalg.eigvalsh`` on the stack of
  complex dense BdG matrices from :meth:`ThinFilmModel.bdg_hamiltonian`.
* ``kwant``: a ``kwant.Builder`` of the same slab written here independently from the
  formulas of PHYSICS.md §1.4 (a chain along z, 8 orbitals per site: electron and hole
  blocks), ``hamiltonian_submatrix(params=...)`` per k and ``np.linalg.eigvalsh``, the usual
  Kwant workflow for a translation-invariant slab. The answers are compared k point by k point.

Run: ``python benchmarks/bench_induced_gap.py [--m-max 20] [--nk 400] [--repeat 3]``
``--threads 1`` pins BLAS to one thread for every peer (robust on a shared machine).
(Kwant lives in the benchmark environment: ``.venv-bench/bin/python benchmarks/...``; without
it the script says "peer not installed" and times the others). ``--plot PATH`` writes the
log-log plots of time vs m and vs the number of k points at m = 10 (default
docs/benchmarks/induced_gap_scaling.png).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from pathlib import Path

# BLAS threads must be fixed before NumPy loads: ``--threads N`` (all peers alike).
if "--threads" in sys.argv:
    os.environ["OPENBLAS_NUM_THREADS"] = sys.argv[sys.argv.index("--threads") + 1]
    os.environ["OMP_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"]

import numpy as np

from tsclab.models import ThinFilmModel
from tsclab.models.materials import get_material

MATERIAL = "Bi2Se3-NP09"
DELTA0 = 0.010
LAM = 0.010
V_ASYM = 0.020


def workload(m: int) -> ThinFilmModel:
    c = get_material(MATERIAL).C
    return ThinFilmModel(
        material=MATERIAL, m=m, delta0=DELTA0, mu=c + 0.10, lam=LAM, V=V_ASYM, V_profile="linear"
    )


def run_tsclab(m: int, k: np.ndarray) -> np.ndarray:
    return workload(m).min_abs_bdg_energy(k, 0.0 * k)


def run_dense(m: int, k: np.ndarray) -> np.ndarray:
    film = workload(m)
    return np.abs(np.linalg.eigvalsh(film.bdg_hamiltonian(k, 0.0 * k))).min(axis=-1)


# -- Kwant peer (independent construction from the formulas) -------------------------------------
def kwant_slab(m: int):
    """Finalized Kwant system of the BdG slab; params kx, ky (1/Å)."""
    import kwant

    p = get_material(MATERIAL)
    s0, sx = np.eye(2), np.array([[0, 1], [1, 0]])
    sy, sz = np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]])
    g5, gz = np.kron(s0, sz), np.kron(sz, sx)
    gx, gy = np.kron(sx, sx), np.kron(sy, sx)
    ut = np.kron(1j * sy, s0)
    az = p.c_A / 3
    nz = m
    v_site = V_ASYM * (np.linspace(-1, 1, nz) if nz > 1 else np.zeros(1))
    mu = p.C + 0.10

    def h_el(kx, ky, j):
        k2 = kx**2 + ky**2
        return (
            (p.C + 2 * p.D1 / az**2 + p.D2 * k2 + v_site[j] - mu) * np.eye(4)
            + (p.M - 2 * p.B1 / az**2 - p.B2 * k2) * g5
            + p.A2 * (kx * gx + ky * gy)
            + LAM * np.kron(sz, s0)
        )

    def onsite(site, kx, ky):
        j = site.tag[0]
        d = (DELTA0 if j == 0 else 0.0) * ut
        return np.block([[h_el(kx, ky, j), d], [d.conj().T, -h_el(-kx, -ky, j).conj()]])

    t = -(p.D1 / az**2) * np.eye(4) + (p.B1 / az**2) * g5 - 1j * (p.A1 / (2 * az)) * gz
    hop = np.block([[t, np.zeros((4, 4))], [np.zeros((4, 4)), -t.conj()]])
    lat = kwant.lattice.chain(norbs=8)
    syst = kwant.Builder()
    syst[(lat(j) for j in range(nz))] = onsite
    # Kwant's hopping (a, b) is the matrix element <a|H|b>: row j+1, column j gets T^dagger.
    syst[((lat(j + 1), lat(j)) for j in range(nz - 1))] = hop.conj().T
    return syst.finalized()


def run_kwant(m: int, k: np.ndarray) -> np.ndarray:
    fsyst = kwant_slab(m)
    out = np.empty(k.size)
    for i, kx in enumerate(k):
        h = fsyst.hamiltonian_submatrix(params={"kx": kx, "ky": 0.0})
        out[i] = np.abs(np.linalg.eigvalsh(h)).min()
    return out


def timed(fn, m, k, repeat):
    best, res = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = fn(m, k)
        best = min(best, time.perf_counter() - t0)
    return best, res


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--m-max", type=int, default=20)
    ap.add_argument("--nk", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=3, help="best of N for tsclab and numpy")
    ap.add_argument("--kwant-repeat", type=int, default=1)
    ap.add_argument("--plot", default="docs/benchmarks/induced_gap_scaling.png")
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument("--threads", type=int, default=None, help="BLAS threads for every peer")
    ap.add_argument("--json", default=None, help="also write the measured rows to this file")
    args = ap.parse_args(argv)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Kwant warns about MUMPS; we use no solver
            import kwant  # noqa: F401
        have_kwant = True
    except ImportError:
        have_kwant = False

    k = np.linspace(0.0, 0.3, args.nk)
    ms = list(range(1, args.m_max + 1))
    rows = []
    for m in ms:
        t_ts, e_ts = timed(run_tsclab, m, k, args.repeat)
        t_np, e_np = timed(run_dense, m, k, args.repeat)
        row = {"m": m, "tsclab": t_ts, "numpy": t_np, "gap_meV": 1e3 * e_ts.min(),
               "dev_numpy": float(np.max(np.abs(e_ts - e_np)))}  # fmt: skip
        if have_kwant:
            t_kw, e_kw = timed(run_kwant, m, k, args.kwant_repeat)
            row.update(kwant=t_kw, dev_kwant=float(np.max(np.abs(e_ts - e_kw))))
        rows.append(row)

    print(f"# W2 induced gap, {MATERIAL}, m = 1..{args.m_max}, {args.nk} k points, "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"BLAS threads {os.environ.get('OPENBLAS_NUM_THREADS', 'default')}")  # fmt: skip
    hdr = f"{'m':>3} {'gap_meV':>10} {'tsclab_s':>9} {'numpy_s':>9}"
    hdr += f" {'kwant_s':>9} {'max|dE|_kwant_eV':>17}" if have_kwant else ""
    print(hdr)
    for r in rows:
        line = f"{r['m']:>3} {r['gap_meV']:>10.5f} {r['tsclab']:>9.4f} {r['numpy']:>9.4f}"
        if have_kwant:
            line += f" {r['kwant']:>9.4f} {r['dev_kwant']:>17.2e}"
        print(line)
    tot = {key: sum(r[key] for r in rows) for key in ("tsclab", "numpy")}
    print(f"total tsclab {tot['tsclab']:.3f} s | numpy-dense {tot['numpy']:.3f} s "
          f"(ratio {tot['numpy'] / tot['tsclab']:.1f}x)")  # fmt: skip
    print(f"max |dE| tsclab vs numpy-dense: {max(r['dev_numpy'] for r in rows):.2e} eV")
    if have_kwant:
        tot["kwant"] = sum(r["kwant"] for r in rows)
        print(f"total kwant {tot['kwant']:.3f} s -> tsclab is "
              f"{tot['kwant'] / tot['tsclab']:.1f}x faster (goal 5x)")  # fmt: skip
        print(f"max |dE| tsclab vs kwant: {max(r['dev_kwant'] for r in rows):.2e} eV")
    else:
        print("kwant: peer not installed (run with .venv-bench/bin/python)")

    if not args.no_plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        # Second panel: time vs the number of k points at fixed thickness.
        nk_values = [50, 100, 200, 400, 800]
        m_fixed = min(10, args.m_max)
        nk_rows = []
        for nk in nk_values:
            kk = np.linspace(0.0, 0.3, nk)
            row = {"nk": nk, "tsclab": timed(run_tsclab, m_fixed, kk, args.repeat)[0],
                   "numpy": timed(run_dense, m_fixed, kk, args.repeat)[0]}  # fmt: skip
            if have_kwant:
                row["kwant"] = timed(run_kwant, m_fixed, kk, args.kwant_repeat)[0]
            nk_rows.append(row)

        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(9.6, 4.0))
        mm = np.array(ms)
        series = [("tsclab", "tsclab (banded real, 1 eigenvalue/k)", "o-"),
                  ("numpy", "NumPy dense eigvalsh (batched)", "s--")]  # fmt: skip
        if have_kwant:
            series.append(("kwant", "Kwant 1.5 (Builder + eigvalsh)", "^-."))
        for key, label, style in series:
            ax.loglog(mm, [r[key] for r in rows], style, label=label, ms=4)
        ax.loglog(
            mm, rows[-1]["numpy"] * (mm / mm[-1]) ** 3, ":", c="gray", label=r"$\propto m^3$"
        )
        ax.loglog(mm, rows[-1]["tsclab"] * (mm / mm[-1]) ** 2, ":", c="k", label=r"$\propto m^2$")
        ax.set_xlabel("film thickness m (QL)")
        ax.set_ylabel(f"time for {args.nk} k points (s)")
        ax.set_title("W2: BdG slab min|E| on kx in [0, 0.3] 1/Å", fontsize=10)
        ax.legend(fontsize=8)
        ax.grid(True, which="both", alpha=0.3)
        nkv = np.array(nk_values)
        for key, label, style in series:
            ax2.loglog(nkv, [r[key] for r in nk_rows], style, label=label, ms=4)
        ax2.loglog(nkv, nk_rows[-1]["tsclab"] * nkv / nkv[-1], ":", c="k", label=r"$\propto N_k$")
        ax2.set_xlabel("number of k points")
        ax2.set_ylabel(f"time for m = {m_fixed} QL (s)")
        ax2.set_title("same workload vs k mesh", fontsize=10)
        ax2.legend(fontsize=8)
        ax2.grid(True, which="both", alpha=0.3)
        from matplotlib.ticker import NullFormatter, ScalarFormatter

        for axis, ticks in ((ax, [t for t in (1, 2, 5, 10, 20) if t <= mm[-1]]), (ax2, nkv)):
            axis.set_xticks(ticks)
            axis.xaxis.set_major_formatter(ScalarFormatter())
            axis.xaxis.set_minor_formatter(NullFormatter())
        fig.tight_layout()
        Path(args.plot).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(args.plot, dpi=130)
        print(f"plot: {args.plot}")
    result = {"workload": "W2", "m_max": args.m_max, "nk": args.nk, "rows": rows, "totals": tot,
              "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
              "cores": os.cpu_count()}  # fmt: skip
    if args.json:
        import json

        Path(args.json).write_text(json.dumps(result, indent=1))
        print(f"json: {args.json}")
    return result


if __name__ == "__main__":
    main()
