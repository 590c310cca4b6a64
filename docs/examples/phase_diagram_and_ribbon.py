"""Example: BdG Chern-number phase diagram and chiral Majorana edge modes of the two-surface model.

Case A of PHYSICS.md §2.4 (A = B = 1, m0 = 0.2 eV, pairing only on the bottom / FeTe surface,
Delta_b = 0.1 eV). Draws

* ``phase_diagram_lam_mu.png`` — N over (lam, mu) with the analytic k = 0 closings overlaid and
  the points whose gap the 48 x 48 mesh does not resolve marked;
* ``phase_diagram_equal_pairing.png`` — the same with Delta_t = Delta_b = 0.1 eV: the k = 0
  analysis predicts an N = -1 window at mu != 0, but the gap closes at finite k there
  (PHYSICS.md §2.3 pitfall) and the whole window comes back flagged unresolved;
* ``ribbon_N-1.png`` and ``ribbon_N-2.png`` — low-energy spectra of a W = 100 ribbon in the
  N = -1 and N = -2 phases, coloured by edge weight, with the edge-mode count per edge (at
  V = 0 the two branches of the N = -2 edge have nearly the same velocity and overlap).

Run from the repository root: ``python docs/examples/phase_diagram_and_ribbon.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tsclab.models import critical_exchange, make_model
from tsclab.topology import chern_number, phase_diagram, ribbon_spectrum
from tsclab.topology.plotting import plot_phase_diagram, plot_ribbon

HERE = Path(__file__).resolve().parent
CASE_A = dict(A=1.0, B=1.0, m0=0.2, V=0.0, mu=0.0, delta_t=0.0, delta_b=0.1)


def main() -> None:
    model = make_model("two-surface", **CASE_A)

    # 1. phase diagram over (lam, mu): gap closings + FHS per region
    lam = np.linspace(0.0, 0.6, 64)
    mu = np.linspace(-0.3, 0.3, 64)
    ds = phase_diagram(model, ("lam", lam), ("mu", mu), nk=48)
    lo, hi = critical_exchange(0.2, 0.0, mu, 0.0, 0.1)
    curves = [(lo, mu, r"analytic $\lambda_{c,-}$ (k = 0)"),
              (hi, mu, r"analytic $\lambda_{c,+}$ (k = 0)")]  # fmt: skip
    plot_phase_diagram(ds, HERE / "phase_diagram_lam_mu.png", boundaries=curves)
    print(f"phase diagram: {ds.attrs['n_fhs']} FHS evaluations for {ds['N'].size} points, "
          f"{int((~ds['resolved']).sum())} points flagged unresolved")  # fmt: skip

    # 1b. equal pairing: the N = 1 window of the k = 0 analysis is gapless at finite k
    equal = model.with_params(delta_t=0.1)
    mu_eq = np.linspace(-0.2, 0.2, 48)
    ds_eq = phase_diagram(equal, ("lam", np.linspace(0.0, 0.5, 48)), ("mu", mu_eq), nk=48)
    lo, hi = critical_exchange(0.2, 0.0, mu_eq, 0.1, 0.1)
    curves = [(lo, mu_eq, r"analytic $\lambda_{c,-}$ (k = 0)"),
              (hi, mu_eq, r"analytic $\lambda_{c,+}$ (k = 0)")]  # fmt: skip
    plot_phase_diagram(ds_eq, HERE / "phase_diagram_equal_pairing.png", boundaries=curves)
    window = (ds_eq["N"] == -1).values
    print(f"equal pairing: {window.sum()} points with N = -1, of which "
          f"{int(ds_eq['resolved'].values[window].sum())} resolved")  # fmt: skip

    # 2. two points checked with a fine mesh, with their gaps
    for lam_value in (0.2062, 0.3062):
        r = chern_number(model.with_params(lam=lam_value), nk=120)
        print(f"lam = {lam_value}: N = {r.N} (raw {r.raw:+.8f}), min gap {r.min_gap:.4f} eV, "
              f"resolved = {r.resolved}")  # fmt: skip

    # 3. ribbons: |N| chiral branches per edge, opposite on the two edges
    for lam_value, tag in ((0.2062, "N-1"), (0.3062, "N-2")):
        rib = ribbon_spectrum(model.with_params(lam=lam_value), width=100, nk=201, kx_max=0.3)
        plot_ribbon(rib, HERE / f"ribbon_{tag}.png")
        print(f"ribbon lam = {lam_value}: lower edge {rib.attrs['edge_modes_lower']:+d}, "
              f"upper edge {rib.attrs['edge_modes_upper']:+d}")  # fmt: skip


if __name__ == "__main__":
    main()
