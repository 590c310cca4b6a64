"""Benchmarks W1 (Chern phase diagram) and W4 (ribbon edge modes): tsclab vs PythTB / Kwant.

Workloads (issue 2), two-surface lattice model, A = B = 1, m0 = 0.2, V = 0, delta_t = 0,
delta_b = 0.1 (case A of PHYSICS.md §2.4):

* **W1** — BdG Chern number N on the 64 x 64 grid lam in [0, 0.6] x mu in [-0.3, 0.3] with a
  48 x 48 BZ mesh per grid point. Peers:

  - ``tsclab``: :func:`tsclab.topology.phase_diagram` (gaps on the symmetry-reduced mesh for every
    point, gap-connected regions, FHS at a few points per region);
  - ``numpy-brute``: :func:`tsclab.topology.brute_force_phase_diagram`, the straightforward
    batched NumPy FHS at every grid point (``eigh`` on stacks, overlap determinants); its N is
    compared with tsclab's at every resolved point;
  - ``pythtb``: ``tb_model`` with the 8 x 8 BdG hoppings, ``wf_array.solve_on_grid`` and
    ``berry_flux(occ=[0, 1, 2, 3])`` on the same 48 x 48 mesh, timed on a random subset of grid
    points and **extrapolated** to the 4096 points (stated in the output).

* **W4** — low-energy BdG spectrum (|E| below twice the bulk gap) of a W = 100 ribbon (BdG
  dimension 800) at 201 kx points in [-pi, pi], lam = 0.2062, with edge weights and the
  edge-mode count. Peers:

  - ``tsclab``: :func:`tsclab.topology.ribbon_spectrum` (inertia count per kx, banded LAPACK
    eigenvalues in the window, inverse iteration for their vectors, particle-hole symmetry);
  - ``kwant``: the same ribbon written independently in ``kwant.Builder`` from the formulas of
    PHYSICS.md §3.8 (a lead with translational symmetry in x), ``kwant.physics.Bands`` with
    eigenvectors at every kx, the same window, edge weights and count. Energies are compared.

Scaling: time vs k mesh (nk = 16 ... 64) on a 16 x 16 (lam, mu) grid, log-log plot in
docs/benchmarks/topology_scaling.png.

Run: ``.venv-bench/bin/python benchmarks/bench_topology.py`` (peers live in the benchmark
environment; without them the script says "peer not installed" and times the rest).
Options: ``--skip-brute`` (skip the ~2 min brute-force map), ``--pythtb-points N``,
``--no-scaling``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings
from pathlib import Path

import numpy as np

from tsclab.models import make_model
from tsclab.topology import (
    brute_force_phase_diagram,
    count_edge_modes,
    phase_diagram,
    ribbon_spectrum,
)

ROOT = Path(__file__).resolve().parents[1]
CASE_A = dict(A=1.0, B=1.0, m0=0.2, V=0.0, mu=0.0, delta_t=0.0, delta_b=0.1)
LAM = np.linspace(0.0, 0.6, 64)
MU = np.linspace(-0.3, 0.3, 64)


def _timed(fn, *args, **kw):
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t0


# -- real-space hoppings of the two-surface BdG model, written from the formulas ----------------
def _pauli():
    s0 = np.eye(2)
    sx = np.array([[0, 1], [1, 0]], dtype=complex)
    sy = np.array([[0, -1j], [1j, 0]])
    sz = np.diag([1.0, -1.0]).astype(complex)
    return s0, sx, sy, sz


def bdg_hoppings(A, B, m0, lam, V, mu, delta_t, delta_b):
    """{R: H_R} with H(k) = sum_R H_R exp(i k.R), from PHYSICS.md §2.1/§3.8 (not from tsclab).

    Normal state: onsite (m0 + 4B) tau_x + lam sigma_z + V tau_z - mu; hopping to +x:
    -(A/2i) sigma_y tau_z - B tau_x; to +y: (A/2i) sigma_x tau_z - B tau_x. BdG hole block of a
    hopping R: -conj(h_R); pairing diag(delta_t, delta_b) (x) i sigma_y on site.
    """
    s0, sx, sy, sz = _pauli()
    k = np.kron
    h0 = (m0 + 4 * B) * k(sx, s0) + lam * k(s0, sz) + V * k(sz, s0) - mu * np.eye(4)
    hx = -(A / 2j) * k(sz, sy) - B * k(sx, s0)
    hy = (A / 2j) * k(sz, sx) - B * k(sx, s0)
    pair = k(np.diag([delta_t, delta_b]), 1j * sy)
    z = np.zeros((4, 4))

    def bdg(h, d):
        return np.block([[h, d], [np.conj(d.T), -np.conj(h)]])

    out = {(0, 0): bdg(h0, pair)}
    for R, h in (((1, 0), hx), ((0, 1), hy)):
        out[R] = bdg(h, z)
        out[(-R[0], -R[1])] = np.conj(out[R].T)
    return out


# -- PythTB peer ---------------------------------------------------------------------------------
def pythtb_chern(params, nk):
    import pythtb

    hops = bdg_hoppings(**params)
    n = 8
    model = pythtb.tb_model(2, 2, [[1.0, 0.0], [0.0, 1.0]], [[0.0, 0.0]] * n)
    model.set_onsite(np.real(np.diag(hops[(0, 0)])).tolist())
    for i in range(n):
        for j in range(i + 1, n):
            if abs(hops[(0, 0)][i, j]) > 0:
                model.set_hop(hops[(0, 0)][i, j], i, j, [0, 0])
    for R in ((1, 0), (0, 1)):
        for i in range(n):
            for j in range(n):
                if abs(hops[R][i, j]) > 0:
                    model.set_hop(hops[R][i, j], i, j, list(R))
    wf = pythtb.wf_array(model, [nk + 1, nk + 1])  # endpoint included, PBC imposed by pythtb
    wf.solve_on_grid([0.0, 0.0])
    return float(wf.berry_flux([0, 1, 2, 3]) / (2 * np.pi))


# -- Kwant peer ----------------------------------------------------------------------------------
def kwant_ribbon_lowE(params, width, kx, window, k0):
    import kwant

    hops = bdg_hoppings(**params)
    lat = kwant.lattice.square(norbs=8)
    lead = kwant.Builder(kwant.TranslationalSymmetry((-1, 0)))
    for y in range(width):
        lead[lat(0, y)] = hops[(0, 0)]
    for y in range(width):
        lead[lat(0, y), lat(1, y)] = hops[(1, 0)]  # <r|H|r + x>
        if y + 1 < width:
            lead[lat(0, y), lat(0, y + 1)] = hops[(0, 1)]  # <r|H|r + y>
    flead = lead.finalized()
    bands = kwant.physics.Bands(flead)
    ys = np.array([s.pos[1] for s in flead.sites[: flead.cell_size]]).astype(int)
    order = np.argsort(ys, kind="stable")
    third = width // 3
    ks, es, wl, wu = [], [], [], []
    for k in kx:
        e, v = bands(k, return_eigenvectors=True)
        sel = np.abs(e) < window
        dens = (np.abs(v[:, sel]) ** 2).reshape(flead.cell_size, 8, -1).sum(axis=1)[order]
        ks.append(np.full(sel.sum(), k))
        es.append(e[sel])
        wl.append(dens[:third].sum(0))
        wu.append(dens[width - third :].sum(0))
    counts = [0, 0]
    for sign, k in ((1, k0), (-1, -k0)):
        e, v = bands(k, return_eigenvectors=True)
        sel = (e > 0) & (e < window / 2)
        dens = (np.abs(v[:, sel]) ** 2).reshape(flead.cell_size, 8, -1).sum(axis=1)[order]
        counts[0] += sign * int((dens[:third].sum(0) > 0.7).sum())
        counts[1] += sign * int((dens[width - third :].sum(0) > 0.7).sum())
    return np.concatenate(ks), np.concatenate(es), np.concatenate(wl), counts


def _have(mod):
    try:
        __import__(mod)
        return True
    except Exception:  # any import failure means "not installed"
        return False


def bench_w1(args, rows):
    model = make_model("two-surface", **CASE_A)
    ds, t_fast = _timed(phase_diagram, model, ("lam", LAM), ("mu", MU), 48)
    res = ds["resolved"].values
    print(f"W1 tsclab: {t_fast:.2f} s, {ds.attrs['n_fhs']} FHS evaluations, "
          f"{ds.attrs['n_regions']} regions, {res.mean():.0%} of points resolved")  # fmt: skip
    rows.append(("W1", "tsclab", t_fast, "measured"))
    if not args.skip_brute:
        bf, t_brute = _timed(brute_force_phase_diagram, model, ("lam", LAM), ("mu", MU), 48)
        same = np.array_equal(ds["N"].values[res], bf["N"].values[res])
        all_same = int((ds["N"].values != bf["N"].values).sum())
        print(f"W1 numpy-brute: {t_brute:.2f} s; same N at all resolved points: {same}; "
              f"points differing anywhere (incl. unresolved): {all_same}")  # fmt: skip
        rows.append(("W1", "numpy-brute", t_brute, "measured"))
    if _have("pythtb"):
        rng = np.random.default_rng(1)
        idx = rng.choice(LAM.size * MU.size, size=args.pythtb_points, replace=False)
        t_tot, agree = 0.0, 0
        for i in idx:
            a, b = np.unravel_index(i, (LAM.size, MU.size))
            p = {**CASE_A, "lam": LAM[a], "mu": MU[b]}
            c, dt = _timed(pythtb_chern, p, 48)
            t_tot += dt
            # PythTB's berry_flux has the opposite orientation: N_pythtb = -N_tsclab
            agree += int(round(-c) == ds["N"].values[a, b])
        per = t_tot / len(idx)
        print(f"W1 pythtb: {per:.3f} s per grid point on {len(idx)} random points "
              f"(-N_pythtb = N_tsclab at {agree}/{len(idx)}); extrapolated x 4096")  # fmt: skip
        rows.append(("W1", "pythtb", per * LAM.size * MU.size, f"extrapolated from {len(idx)}"))
    else:
        print("W1 pythtb: peer not installed")


def bench_w4(args, rows):
    model = make_model("two-surface", **{**CASE_A, "lam": 0.2062})
    kx = np.linspace(-np.pi, np.pi, 201)
    ds, t_fast = _timed(ribbon_spectrum, model, 100, kx=kx)
    print(f"W4 tsclab: {t_fast:.2f} s, {ds.sizes['state']} states with |E| < "
          f"{ds.attrs['energy_window']:.4f} eV, edge modes lower/upper "
          f"{ds.attrs['edge_modes_lower']}/{ds.attrs['edge_modes_upper']}")  # fmt: skip
    rows.append(("W4", "tsclab", t_fast, "measured"))
    if not _have("kwant"):
        print("W4 kwant: peer not installed")
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        params = {**CASE_A, "lam": 0.2062}
        # Kwant's count follows PHYSICS.md §3.8 (k0 recipe) at tsclab's default k0
        win = ds.attrs["energy_window"]
        k0 = count_edge_modes(model, 100, method="k0").k0
        (kk, ek, wk, counts), t_kw = _timed(kwant_ribbon_lowE, params, 100, kx, win, k0)

    # Compare k by k. The energies alone cannot fix the sign convention of k (this ribbon's
    # spectrum is even in k, the edges trade places), the lower-edge weights can: try both.
    def diff(sign):
        de = dw = 0.0
        inner = 0.999 * win  # states within round-off of the window edge are not compared
        for k in kx[np.abs(kx) > 1e-9]:  # at k = 0 the two edges' states are degenerate
            sa = np.isclose(ds["kx"].values, k)
            sb = np.isclose(kk, sign * k)
            ea, wa = ds["energy"].values[sa], ds["weight_lower"].values[sa]
            eb, wb = ek[sb], wk[sb]
            ia, ib = np.abs(ea) < inner, np.abs(eb) < inner
            oa, ob = np.argsort(ea[ia]), np.argsort(eb[ib])
            if oa.size != ob.size:
                return np.inf, np.inf
            de = max(de, float(np.abs(ea[ia][oa] - eb[ib][ob]).max(initial=0.0)))
            dw = max(dw, float(np.abs(wa[ia][oa] - wb[ib][ob]).max(initial=0.0)))
        return de, dw

    (de_p, dw_p), (de_m, dw_m) = diff(1), diff(-1)
    same = dw_p <= dw_m
    de, dw = (de_p, dw_p) if same else (de_m, dw_m)
    sgn = 1 if same else -1
    print(f"W4 kwant: {t_kw:.2f} s; k convention {'same' if same else 'opposite (k -> -k)'}; "
          f"max |dE| = {de:.2e} eV, max |d weight_lower| = {dw:.1e}; kwant edge counts "
          f"lower/upper in tsclab's convention {sgn * counts[0]}/{sgn * counts[1]}")  # fmt: skip
    rows.append(("W4", "kwant", t_kw, "measured"))


def bench_scaling(args):
    model = make_model("two-surface", **CASE_A)
    lam, mu = np.linspace(0, 0.6, 16), np.linspace(-0.3, 0.3, 16)
    nks = [16, 24, 32, 48, 64]
    out = {"tsclab": [], "numpy-brute": [], "pythtb (x256, extrapolated)": []}
    for nk in nks:
        out["tsclab"].append(_timed(phase_diagram, model, ("lam", lam), ("mu", mu), nk)[1])
        out["numpy-brute"].append(
            _timed(brute_force_phase_diagram, model, ("lam", lam), ("mu", mu), nk)[1]
        )
        if _have("pythtb"):
            t = _timed(pythtb_chern, {**CASE_A, "lam": 0.3}, nk)[1]
            out["pythtb (x256, extrapolated)"].append(256 * t)
        print(f"scaling nk={nk}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in out.items() if v))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 4.2))
    for name, ts in out.items():
        if ts:
            ax.loglog(nks[: len(ts)], ts, "o-", label=name)
    ax.loglog(nks, [out["numpy-brute"][0] * (n / nks[0]) ** 2 for n in nks], "k:", lw=0.8,
              label=r"$\propto n_k^2$")  # fmt: skip
    ax.set_xlabel(r"BZ mesh $n_k$ ($n_k \times n_k$ points)")
    ax.set_ylabel("wall time (s)")
    ax.set_title("16 x 16 (lam, mu) phase diagram, two-surface BdG, 2-core machine", fontsize=8)
    ax.legend(fontsize=8)
    path = ROOT / "docs" / "benchmarks" / "topology_scaling.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130, bbox_inches="tight")
    print(f"wrote {path}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--skip-brute", action="store_true")
    ap.add_argument("--pythtb-points", type=int, default=6)
    ap.add_argument("--no-scaling", action="store_true")
    ap.add_argument("--only", choices=("W1", "W4"), default=None)
    args = ap.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"numpy {np.__version__}")  # fmt: skip
    rows: list[tuple[str, str, float, str]] = []
    if args.only in (None, "W1"):
        bench_w1(args, rows)
    if args.only in (None, "W4"):
        bench_w4(args, rows)
    print(f"\n{'workload':8} {'peer':14} {'time (s)':>10} {'ratio peer/tsclab':>18}  note")
    for w, name, t, note in rows:
        ref = next(r[2] for r in rows if r[0] == w and r[1] == "tsclab")
        print(f"{w:8} {name:14} {t:10.2f} {t / ref:18.1f}  {note}")
    if not args.no_scaling and args.only is None:
        bench_scaling(args)


if __name__ == "__main__":
    main()
