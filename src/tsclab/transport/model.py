"""Forward model of the sheet resistance of an (m,n) TI/FeTe heterostructure.

Two parallel channels (PHYSICS.md §5.2):

1. **Bulk FeTe**, normal at all T: G_FeTe = (n − n_dead) c_UC / ρ(T) with
   ρ = w ρ_PM + (1 − w) ρ_AFM, w = 1/(1 + e^{−(T − T_N)/δT}), ρ_PM = ρ_N (T_N/T)^p
   (weakly semiconducting above T_N), ρ_AFM = ρ_0 + (ρ_N − ρ_0)(T/T_N)² (metallic below).
2. **Interface superconducting sheet**, inhomogeneous: a fraction p(T) = p_max Φ((T_c0 − T)/σ)
   of the area is superconducting (Gaussian distribution of local T_c). The 2D Bruggeman
   effective medium with superconducting inclusions gives R_int = (1 − 2p) / G_n for p < ½ and
   0 above the percolation threshold p = ½. The normal matrix conducts as
   G_n = [R_n0⁻¹ + e²/(16ħ ε)] exp[−(T_ES/T)^{1/2}]: a sheet conductance plus the 2D
   Aslamazov–Larkin paraconductivity (ε = max(ln(T/T_c0), ε_min)), both suppressed by
   Efros–Shklovskii hopping between grains (metallic matrix when T_ES = 0). Optionally, the
   superconducting grains are phase-fluctuating: their sheet resistance is R_n times the
   Halperin–Nelson (BKT) factor exp{−2 [b (T_c0 − T)/(T − T_BKT)]^{1/2}}, and the Bruggeman
   equation is solved with that finite grain conductance (zero resistance then needs both
   percolation and T < T_BKT).

The thickness-driven superconductor / anomalous metal / insulator sequence vs n (Fig. 1E of Yi
et al.) follows from p_max(n) crossing ½ and from the matrix becoming insulating
(:func:`params_for_thickness`). All defaults are **illustrative** physical inputs, not fits to
the paper; calibration to the measured (m,n) series is done elsewhere by fitting.

References
----------
- D. A. G. Bruggeman, Ann. Phys. 416, 636 (1935); S. Kirkpatrick, Rev. Mod. Phys. 45, 574 (1973)
  (effective medium, p_c = ½ in 2D).
- L. G. Aslamazov, A. I. Larkin, Phys. Lett. A 26, 238 (1968).
- B. I. Halperin, D. R. Nelson, J. Low Temp. Phys. 36, 599 (1979).
- A. L. Efros, B. I. Shklovskii, J. Phys. C 8, L49 (1975).
- W. Bao et al., Phys. Rev. Lett. 102, 247001 (2009) (FeTe magnetostructural transition).

Examples
--------
>>> import numpy as np
>>> p = RTModelParams()
>>> R = sheet_resistance_ohm(np.array([2.0, 20.0]), p)
>>> bool(R[0] == 0.0 and R[1] > 0)
True
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from .._noise import add_noise
from ..errors import ParameterError
from ..units import E_CHARGE_C, HBAR_EV_S

__all__ = [
    "AL_PREFACTOR_S",
    "RTModelParams",
    "ThicknessLaw",
    "aslamazov_larkin_conductance_S",
    "fete_resistivity_ohm_m",
    "halperin_nelson_factor",
    "params_for_thickness",
    "sheet_resistance_ohm",
    "simulate_rt",
    "zero_resistance_temperature_K",
]

#: 2D Aslamazov–Larkin prefactor e²/(16ħ) in siemens (1.5213e-5 S).
AL_PREFACTOR_S: float = E_CHARGE_C / (16.0 * HBAR_EV_S)  # e²/(16 ħ) with ħ in eV s = J s / e


@dataclass(frozen=True)
class RTModelParams:
    """Physical inputs of the two-channel R(T) model (all defaults illustrative).

    Attributes
    ----------
    n_uc
        FeTe thickness, unit cells.
    c_uc_nm
        FeTe c-axis lattice constant, nm (0.625–0.65 nm).
    dead_layer_uc
        Unit cells of FeTe that do not conduct (interface/surface), subtracted from ``n_uc``.
    rho_n_ohm_m
        FeTe resistivity at T_N, ohm m.
    rho0_over_rhon
        Residual-to-T_N resistivity ratio of the AFM state.
    t_neel_K, neel_width_K
        Centre and width of the (broadened) magnetostructural transition, K.
    p_exponent
        Semiconducting exponent of ρ_PM ∝ T^{−p} above T_N.
    tc0_K
        Centre of the distribution of local T_c of the interface sheet, K.
    sigma_tc_K
        Its width, K.
    p_max
        Superconducting area fraction at T → 0; zero resistance needs p_max > ½.
    r_n0_ohm
        Normal-state sheet resistance scale of the interface matrix, ohm.
    t_es_K
        Efros–Shklovskii temperature of the matrix, K (0: metallic matrix).
    al_fluctuations
        Add the 2D Aslamazov–Larkin paraconductivity to the matrix.
    al_min_epsilon
        Cut-off of ε = ln(T/T_c0) for the AL term (Ginzburg region).
    t_bkt_K
        BKT temperature of the superconducting grains (``None``: grains have zero resistance
        below their local T_c; otherwise R_grain = R_n × Halperin–Nelson factor).
    hn_b
        Dimensionless Halperin–Nelson constant b.
    """

    n_uc: float = 30.0
    c_uc_nm: float = 0.63
    dead_layer_uc: float = 0.0
    rho_n_ohm_m: float = 5e-6
    rho0_over_rhon: float = 0.3
    t_neel_K: float = 60.0
    neel_width_K: float = 7.0
    p_exponent: float = 0.2
    tc0_K: float = 12.0
    sigma_tc_K: float = 0.6
    p_max: float = 0.9
    r_n0_ohm: float = 1000.0
    t_es_K: float = 0.0
    al_fluctuations: bool = True
    al_min_epsilon: float = 0.01
    t_bkt_K: float | None = None
    hn_b: float = 1.0

    def __post_init__(self) -> None:
        positive = ("c_uc_nm", "rho_n_ohm_m", "t_neel_K", "neel_width_K", "tc0_K",
                    "sigma_tc_K", "r_n0_ohm", "al_min_epsilon", "hn_b")  # fmt: skip
        for name in positive:
            v = getattr(self, name)
            if not (math.isfinite(v) and v > 0):
                raise ParameterError(name, v, "must be a positive finite number")
        for name in ("n_uc", "dead_layer_uc", "t_es_K", "p_exponent"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v >= 0):
                raise ParameterError(name, v, "must be finite and >= 0")
        if not 0 <= self.rho0_over_rhon <= 1:
            raise ParameterError("rho0_over_rhon", self.rho0_over_rhon, "must be in [0, 1]")
        if not 0 <= self.p_max <= 1:
            raise ParameterError("p_max", self.p_max, "an area fraction must be in [0, 1]")
        if self.t_bkt_K is not None and not 0 < self.t_bkt_K < self.tc0_K:
            raise ParameterError("t_bkt_K", self.t_bkt_K, "need 0 < T_BKT < T_c0")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (for Dataset attrs and provenance)."""
        return asdict(self)


def fete_resistivity_ohm_m(temperature_K: Any, p: RTModelParams) -> np.ndarray:
    """FeTe resistivity ρ(T), ohm m: semiconducting above T_N, metallic below.

    Examples
    --------
    >>> p = RTModelParams()
    >>> r = fete_resistivity_ohm_m(np.array([10.0, 60.0, 300.0]), p)
    >>> bool(r[0] < r[1] and r[2] < r[1])
    True
    """
    T = np.asarray(temperature_K, dtype=float)
    w = 0.5 * (1.0 + np.tanh((T - p.t_neel_K) / (2.0 * p.neel_width_K)))  # logistic, no overflow
    rho_pm = p.rho_n_ohm_m * (p.t_neel_K / T) ** p.p_exponent
    rho0 = p.rho0_over_rhon * p.rho_n_ohm_m
    rho_afm = rho0 + (p.rho_n_ohm_m - rho0) * (T / p.t_neel_K) ** 2
    return w * rho_pm + (1.0 - w) * rho_afm


def aslamazov_larkin_conductance_S(
    temperature_K: Any, tc_K: float, min_epsilon: float = 0.01, sigma_tc_K: float = 0.0
) -> np.ndarray:
    """2D Aslamazov–Larkin paraconductivity of the normal regions, S.

    For one T_c: ΔG = e²/(16ħ) / ε with ε = max(ln(T/T_c), ε_min) above T_c and no
    contribution below it (that region is superconducting, which the EMT describes). With a
    Gaussian distribution of local T_c (width ``sigma_tc_K``) the paraconductivity is averaged
    over the regions still normal at T, which removes the unphysical step a single T_c with an
    ε floor leaves at T_c (Gauss–Hermite quadrature, 48 nodes).

    References
    ----------
    L. G. Aslamazov, A. I. Larkin, Phys. Lett. A 26, 238 (1968).

    Examples
    --------
    >>> round(float(aslamazov_larkin_conductance_S(np.e * 10, 10.0)) * 1e5, 4)
    1.5213
    """
    T = np.asarray(temperature_K, dtype=float)
    if sigma_tc_K <= 0:
        eps = np.maximum(np.log(T / tc_K), min_epsilon)
        return np.where(T > tc_K, AL_PREFACTOR_S / eps, 0.0)
    x, w = np.polynomial.hermite_e.hermegauss(48)
    w = w / w.sum()
    tc = np.clip(tc_K + sigma_tc_K * x, 1e-3, None)  # local T_c of each quadrature node
    eps = np.maximum(np.log(T[..., None] / tc), min_epsilon)
    normal = T[..., None] > tc
    return np.sum(w * np.where(normal, AL_PREFACTOR_S / eps, 0.0), axis=-1)


def halperin_nelson_factor(temperature_K: Any, t_bkt_K: float, tc0_K: float, b: float) -> Any:
    """Halperin–Nelson R/R_N = exp{−2 [b (T_c0 − T)/(T − T_BKT)]^{1/2}} (1 above T_c0, 0 below
    T_BKT).

    Examples
    --------
    >>> [float(v) for v in halperin_nelson_factor(np.array([5.0, 12.0]), 8.0, 10.0, 1.0)]
    [0.0, 1.0]
    """
    T = np.asarray(temperature_K, dtype=float)
    out = np.ones_like(T)
    mid = (T > t_bkt_K) & (T < tc0_K)
    out[mid] = np.exp(-2.0 * np.sqrt(b * (tc0_K - T[mid]) / (T[mid] - t_bkt_K)))
    out[T <= t_bkt_K] = 0.0
    return out


def sheet_resistance_ohm(
    temperature_K: Any,
    params: RTModelParams,
    *,
    rng: np.random.Generator | None = None,
    noise_ohm: float = 0.0,
    noise_fraction: float = 0.0,
) -> np.ndarray:
    """Sheet resistance R_□(T) of the two-channel model, ohm (per square).

    Parameters
    ----------
    temperature_K
        Temperatures, K (> 0).
    params
        :class:`RTModelParams`.
    rng
        Generator for the measurement noise (required when a noise level is set).
    noise_ohm, noise_fraction
        Gaussian noise: absolute (ohm) plus relative to the noiseless R.

    Returns
    -------
    numpy.ndarray
        R_□ in ohm; exactly 0 in the zero-resistance state (before noise).

    Examples
    --------
    >>> p = RTModelParams(p_max=0.4)  # below percolation: no zero resistance
    >>> bool(sheet_resistance_ohm(np.array([2.0]), p)[0] > 0)
    True
    """
    T = np.asarray(temperature_K, dtype=float)
    if np.any(~np.isfinite(T)) or np.any(T <= 0):
        raise ParameterError("temperature_K", "array", "temperatures must be finite and > 0 K")
    p = params
    n_eff = max(p.n_uc - p.dead_layer_uc, 0.0)
    g_fete = n_eff * p.c_uc_nm * 1e-9 / fete_resistivity_ohm_m(T, p)
    g_n = np.full_like(T, 1.0 / p.r_n0_ohm)
    if p.al_fluctuations:
        g_n = g_n + aslamazov_larkin_conductance_S(T, p.tc0_K, p.al_min_epsilon, p.sigma_tc_K)
    # ES hopping suppresses normal and fluctuation (pair) transport between grains alike
    g_n = g_n * np.exp(-np.sqrt(p.t_es_K / T))
    frac = p.p_max * ndtr((p.tc0_K - T) / p.sigma_tc_K)
    r_int = np.clip(1.0 - 2.0 * frac, 0.0, None) / g_n  # Bruggeman 2D, infinite-σ inclusions
    if p.t_bkt_K is not None:
        # phase-fluctuating grains: finite conductance σ1 = G_n / HN(T) in the 2D Bruggeman
        # equation, solved exactly: σ_e = [q + sqrt(q² + 4 s1)]/2 G_n, q = (2p − 1)(s1 − 1)
        hn = halperin_nelson_factor(T, p.t_bkt_K, p.tc0_K, p.hn_b)
        fin = hn > 0
        s1 = 1.0 / hn[fin]
        q = (2.0 * frac[fin] - 1.0) * (s1 - 1.0)
        root = np.sqrt(q**2 + 4.0 * s1)
        # the rationalized form avoids cancellation for q < 0 (below percolation)
        se = np.empty_like(q)
        pos = q >= 0
        se[pos] = 0.5 * (q[pos] + root[pos])
        se[~pos] = 2.0 * s1[~pos] / (root[~pos] - q[~pos])
        r_int = r_int.copy()
        r_int[fin] = 1.0 / (g_n[fin] * se)
    R = r_int / (1.0 + r_int * g_fete)  # parallel channels; R = 0 when r_int = 0
    return add_noise(R, noise_ohm + noise_fraction * R, rng)


def zero_resistance_temperature_K(params: RTModelParams) -> float | None:
    """Analytic T_c,0 of the model: T_c0 − σ Φ⁻¹(1/(2 p_max)) (percolation), lowered to T_BKT
    when a BKT temperature is set (the percolating cluster must also be phase coherent);
    ``None`` when p_max ≤ ½ (no zero-resistance state).

    Examples
    --------
    >>> round(zero_resistance_temperature_K(RTModelParams(p_max=0.9, sigma_tc_K=0.6)), 3)
    11.916
    """
    p = params
    if p.p_max <= 0.5:
        return None
    t_perc = p.tc0_K - p.sigma_tc_K * float(ndtri(1.0 / (2.0 * p.p_max)))
    if p.t_bkt_K is not None:
        # zero resistance needs a percolating cluster that is also phase coherent
        return min(t_perc, p.t_bkt_K)
    return t_perc


@dataclass(frozen=True)
class ThicknessLaw:
    """Illustrative dependence of the interface sheet on the FeTe thickness n (Fig. 1E trend).

    p_max(n) = p_inf / (1 + e^{−(n − n_c)/w_n}) crosses ½ near n_c; the matrix becomes an
    Efros–Shklovskii insulator for thin FeTe, T_ES(n) = t_es_max_K / (1 + e^{(n − n_ins)/w_ins}),
    and its resistance scale grows, R_n0(n) = r_n0_ohm (1 + e^{−(n − n_ins)/w_n}).

    Attributes
    ----------
    p_inf, n_c, w_n
        Saturation value, midpoint (UC) and width (UC) of p_max(n).
    t_es_max_K, n_ins, w_ins
        Largest ES temperature (K), the thickness (UC) where the matrix turns insulating, and
        the width (UC) of that change.
    r_n0_ohm
        Matrix resistance scale of thick films, ohm.
    base
        The remaining model inputs (FeTe channel, T_c0, σ, ...).
    """

    p_inf: float = 0.9
    n_c: float = 16.0
    w_n: float = 1.0
    t_es_max_K: float = 35.0
    n_ins: float = 14.5
    w_ins: float = 0.25
    r_n0_ohm: float = 1000.0
    base: RTModelParams = RTModelParams(dead_layer_uc=13.5)


def params_for_thickness(n_uc: float, law: ThicknessLaw | None = None) -> RTModelParams:
    """Model inputs for FeTe thickness ``n_uc`` from a :class:`ThicknessLaw`.

    Examples
    --------
    >>> [round(params_for_thickness(n).p_max, 2) for n in (12, 16, 25)]
    [0.02, 0.45, 0.9]
    """
    law = law or ThicknessLaw()
    if not (math.isfinite(n_uc) and n_uc > 0):
        raise ParameterError("n_uc", n_uc, "FeTe thickness must be a positive number of UC")
    pmax = law.p_inf / (1.0 + math.exp(-(n_uc - law.n_c) / law.w_n))
    t_es = law.t_es_max_K / (1.0 + math.exp(min((n_uc - law.n_ins) / law.w_ins, 700.0)))
    r_n0 = law.r_n0_ohm * (1.0 + math.exp(-(n_uc - law.n_ins) / law.w_n))
    return replace(law.base, n_uc=float(n_uc), p_max=pmax, t_es_K=t_es, r_n0_ohm=r_n0)


def simulate_rt(
    temperature_K: Any,
    params: RTModelParams,
    *,
    rng: np.random.Generator | None = None,
    noise_ohm: float = 0.0,
    noise_fraction: float = 0.0,
    sample: str = "",
):
    """R_□(T) as an xarray Dataset (dim ``temperature``) with the model inputs in attrs.

    Examples
    --------
    >>> ds = simulate_rt(np.linspace(2, 300, 50), RTModelParams())
    >>> ds["resistance_ohm"].attrs["units"]
    'ohm'
    """
    import xarray as xr

    from .._version import __version__

    T = np.asarray(temperature_K, dtype=float)
    R = sheet_resistance_ohm(T, params, rng=rng, noise_ohm=noise_ohm,
                             noise_fraction=noise_fraction)  # fmt: skip
    attrs = {f"model_{k}": ("none" if v is None else v) for k, v in params.to_dict().items()}
    attrs.update(
        sample=sample, source_file="", instrument="tsclab.transport.model",
        tsclab_version=__version__, noise_ohm=noise_ohm, noise_fraction=noise_fraction,
    )  # fmt: skip
    attrs = {k: (int(v) if isinstance(v, bool) else v) for k, v in attrs.items()}
    return xr.Dataset(
        {
            "resistance_ohm": (
                "temperature",
                R,
                {"units": "ohm", "long_name": "sheet resistance (ohm per square)"},
            )
        },
        coords={"temperature": ("temperature", T, {"units": "K", "long_name": "temperature"})},
        attrs=attrs,
    )
