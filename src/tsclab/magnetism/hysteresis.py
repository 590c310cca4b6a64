r"""Forward models of magnetic hysteresis: M(H) loops, anomalous Hall and RMCD signals.

Phenomenological loop (PHYSICS.md §6.1): on the up sweep :math:`M/M_s = \tanh[(H - H_c)/w]`,
on the down sweep :math:`M/M_s = \tanh[(H + H_c)/w]`. Temperature enters through
:math:`M_s(T) = (1 - (T/T_\mathrm{Curie})^2)^{\beta}` (zero above :math:`T_\mathrm{Curie}`) and
:math:`H_c(T) = H_c(0)\,(1 - T/T_\mathrm{Curie})`; both are generic mean-field-like forms, not
fits to the paper.

Anomalous Hall: :math:`R_{yx}(H) = R_0 \mu_0 H + R_{AH} M(H)/M_s`; in the zero-resistance state
the Hall voltage is shorted, so the caller scales :math:`R_{yx}` by :math:`R_{xx}/R_N`.
RMCD is proportional to :math:`M_z`.

References
----------
N. Nagaosa et al., Rev. Mod. Phys. 82, 1539 (2010) (anomalous Hall effect);
C.-Z. Chang et al., Science 340, 167 (2013) (Cr-doped (Bi,Sb)2Te3 loops).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from .._noise import add_noise
from ..errors import ParameterError

__all__ = ["LoopModel", "field_loop", "hall_loop", "magnetization_loop", "rmcd_loop"]


@dataclass(frozen=True)
class LoopModel:
    """Parameters of a phenomenological ferromagnetic loop.

    Parameters
    ----------
    coercive_field_T
        :math:`\\mu_0 H_c` at T = 0, tesla.
    width_T
        Width w of the tanh switching, tesla.
    t_curie_K
        Curie temperature, K.
    beta
        Exponent of :math:`M_s(T)`.
    exchange_bias_T
        Loop offset, tesla.
    """

    coercive_field_T: float = 0.05
    width_T: float = 0.01
    t_curie_K: float = 20.0
    beta: float = 0.5
    exchange_bias_T: float = 0.0

    def __post_init__(self) -> None:
        for name in ("coercive_field_T", "width_T", "t_curie_K"):
            v = getattr(self, name)
            if not np.isfinite(v) or v <= 0:
                raise ParameterError(name, v, "must be a positive number")

    def saturation(self, temperature_K: float) -> float:
        """:math:`M_s(T)/M_s(0)`."""
        t = temperature_K / self.t_curie_K
        return float(np.clip(1 - t**2, 0, None) ** self.beta)

    def coercive_field(self, temperature_K: float) -> float:
        """:math:`\\mu_0 H_c(T)` in tesla (zero above the Curie temperature)."""
        return self.coercive_field_T * max(0.0, 1 - temperature_K / self.t_curie_K)


def field_loop(max_field_T: float, n_per_branch: int) -> tuple[np.ndarray, np.ndarray]:
    """A full loop +max -> -max -> +max: fields and the sweep label ("down"/"up") per point."""
    if max_field_T <= 0 or n_per_branch < 3:
        raise ParameterError("max_field_T", max_field_T, "need max > 0 and >= 3 points a branch")
    down = np.linspace(max_field_T, -max_field_T, n_per_branch)
    up = down[::-1]
    return np.concatenate([down, up]), np.array(["down"] * n_per_branch + ["up"] * n_per_branch)


def magnetization_loop(
    field_T: np.ndarray, sweep: np.ndarray, model: LoopModel, temperature_K: float
) -> np.ndarray:
    """:math:`M/M_s(0)` along a field sweep (``sweep`` is "up" or "down" per point)."""
    field_T = np.asarray(field_T, dtype=float)
    up = np.asarray(sweep) == "up"
    hc = model.coercive_field(temperature_K)
    shift = np.where(up, -hc, hc) - model.exchange_bias_T
    width = model.width_T * max(model.saturation(temperature_K), 0.2)
    return model.saturation(temperature_K) * np.tanh((field_T + shift) / width)


def _loop_dataset(field_T, sweep, values, name, units, long_name, temperature_K) -> xr.Dataset:
    ds = xr.Dataset(
        {name: ("point", values, {"units": units, "long_name": long_name})},
        coords={
            "field_T": ("point", field_T, {"units": "T", "long_name": "mu0 H"}),
            "sweep": ("point", sweep, {"long_name": "field sweep direction"}),
        },
        attrs={"temperature_K": float(temperature_K)},
    )
    return ds


def hall_loop(
    model: LoopModel,
    temperature_K: float,
    *,
    r_ah_ohm: float,
    r0_ohm_per_T: float,
    max_field_T: float = 0.3,
    n_per_branch: int = 201,
    shunt: float = 1.0,
    noise_ohm: float = 0.0,
    rng: np.random.Generator | None = None,
) -> xr.Dataset:
    """Hall resistance :math:`R_{yx}(H)` through a full loop.

    Parameters
    ----------
    r_ah_ohm
        Anomalous Hall amplitude at saturation (T = 0), ohm.
    r0_ohm_per_T
        Ordinary Hall slope, ohm/T.
    shunt
        :math:`R_{xx}/R_N` at this temperature: 0 in the zero-resistance state (Hall shorted).
    noise_ohm
        Gaussian noise, ohm (needs ``rng``).
    """
    field, sweep = field_loop(max_field_T, n_per_branch)
    m = magnetization_loop(field, sweep, model, temperature_K)
    r = add_noise(shunt * (r0_ohm_per_T * field + r_ah_ohm * m), noise_ohm, rng)
    return _loop_dataset(field, sweep, r, "hall_resistance_ohm", "ohm", "R_yx", temperature_K)


def rmcd_loop(
    model: LoopModel,
    temperature_K: float,
    *,
    amplitude: float = 1.0,
    max_field_T: float = 0.3,
    n_per_branch: int = 201,
    noise: float = 0.0,
    rng: np.random.Generator | None = None,
) -> xr.Dataset:
    """RMCD signal (arbitrary units, proportional to :math:`M_z`) through a full loop."""
    field, sweep = field_loop(max_field_T, n_per_branch)
    s = add_noise(amplitude * magnetization_loop(field, sweep, model, temperature_K), noise, rng)
    return _loop_dataset(field, sweep, s, "rmcd", "arb. units", "RMCD signal", temperature_K)
