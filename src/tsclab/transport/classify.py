"""Superconductor / anomalous metal / insulator classification of a measured R(T) curve.

The ground state of a film that shows a resistive drop is read from the low-temperature end of
its R(T) (Yi et al., Science 383, 634 (2024), Fig. 1E; anomalous metal: A. Kapitulnik, S. A.
Kivelson, B. Spivak, Rev. Mod. Phys. 91, 011002 (2019)):

- **superconductor**: R falls below the zero-resistance floor (T_c,0 defined);
- **insulator**: R rises again as T → 0 (d ln R / d ln T < 0 at the lowest temperatures and an
  upturn above the minimum);
- **anomalous metal**: a resistive drop that saturates at a finite R with no upturn;
- **normal_metal**: no resistive transition and no upturn (flagged ``no_transition``).

Every verdict carries the numbers it rests on (:class:`RTClassification`).

Examples
--------
>>> import numpy as np
>>> from tsclab.transport.model import RTModelParams, sheet_resistance_ohm
>>> T = np.linspace(2, 30, 281)
>>> classify_rt(T, sheet_resistance_ohm(T, RTModelParams())).phase
'superconductor'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..results import Result
from ._curves import _as_clean_xy, _sorted_unique
from .tc import tc_criteria

__all__ = ["RTClassification", "classify_rt"]


@dataclass(frozen=True)
class RTClassification:
    """Verdict of :func:`classify_rt` and the evidence for it.

    Attributes
    ----------
    phase
        ``"superconductor"``, ``"anomalous_metal"``, ``"insulator"`` or ``"normal_metal"``.
    r_normal_ohm
        Extrapolated normal-state resistance at the steepest point of the drop (or the
        resistance at the highest temperature when there is no drop).
    r_min_ohm, t_at_r_min_K
        Minimum resistance and where it is.
    r_lowest_t_ohm, lowest_t_K
        Resistance at the lowest measured temperature (mean of the lowest 3 points).
    residual_ratio
        r_lowest_t_ohm / r_normal_ohm.
    upturn_ratio
        r_lowest_t_ohm / r_min_ohm (1 without an upturn).
    dlnr_dlnt_low
        Logarithmic slope d ln R / d ln T over the lowest ``low_t_points`` points (negative:
        insulating; ``None`` where R ≤ 0 there).
    tc_onset_K, tc_0_K
        From :func:`~tsclab.transport.tc.tc_criteria` (``None`` when undefined).
    floor_ohm
        The zero-resistance floor used.
    flags
        e.g. ``no_transition``, ``may_reach_zero_below_range``.
    """

    phase: str
    r_normal_ohm: float | None
    r_min_ohm: float
    t_at_r_min_K: float
    r_lowest_t_ohm: float
    lowest_t_K: float
    residual_ratio: float | None
    upturn_ratio: float | None
    dlnr_dlnt_low: float | None
    tc_onset_K: float | None
    tc_0_K: float | None
    floor_ohm: float | None
    flags: tuple[str, ...] = ()

    def to_result(self, *, sample: str = "", source: Mapping[str, Any] | None = None) -> Result:
        """One record ``r_residual_ratio`` (R(T_min)/R_N) whose criterion names the phase; the
        full evidence is in ``extra``."""
        ev = {k: v for k, v in asdict(self).items() if k != "flags"}
        value = self.residual_ratio
        flags = self.flags if value is not None else (*self.flags, "no_normal_state")
        return Result(
            "r_residual_ratio",
            value,
            unit="",
            criterion=f"phase = {self.phase}",
            method="transport.classify_rt",
            sample=sample,
            source=dict(source or {}),
            flags=flags,
            extra=ev,
        )


def classify_rt(
    temperature_K: Any,
    resistance_ohm: Any,
    *,
    upturn_threshold: float = 0.2,
    insulating_slope: float = -0.05,
    low_t_points: int = 5,
    **criteria: Any,
) -> RTClassification:
    """Say whether an R(T) branch is a superconductor, an anomalous metal or an insulator.

    Parameters
    ----------
    temperature_K, resistance_ohm
        One branch (sorted internally; NaNs dropped).
    upturn_threshold
        The low-T upturn R(T_min)/R_min − 1 above which (with a negative log-slope) the curve
        is insulating.
    insulating_slope
        d ln R / d ln T below this at the lowest temperatures counts as insulating.
    low_t_points
        Number of lowest-temperature points for the log-slope.
    **criteria
        Passed to :func:`~tsclab.transport.tc.tc_criteria` (zero floor, onset fraction...).

    Returns
    -------
    RTClassification

    Examples
    --------
    >>> import numpy as np
    >>> from tsclab.transport.model import params_for_thickness, sheet_resistance_ohm
    >>> T = np.linspace(2, 30, 281)
    >>> [classify_rt(T, sheet_resistance_ohm(T, params_for_thickness(n))).phase
    ...  for n in (14, 16, 25)]
    ['insulator', 'anomalous_metal', 'superconductor']
    """
    T0, R0, _ = _as_clean_xy(temperature_K, resistance_ohm, x_name="temperature_K",
                             y_name="resistance_ohm", min_points=6)  # fmt: skip
    T, R = _sorted_unique(T0, R0)
    recs = {r.quantity: r for r in tc_criteria(T, R, **criteria)}
    rn = recs["r_normal_ohm"].value
    onset = recs["tc_onset_K"].value
    tc0 = recs["tc_0_K"].value
    floor = recs["tc_0_K"].extra.get("floor_ohm")
    i_min = int(np.argmin(R))
    r_min, t_min = float(R[i_min]), float(T[i_min])
    k = min(3, T.size)
    r_low = float(np.mean(R[:k]))
    n_low = min(max(low_t_points, 3), T.size)
    lo_T, lo_R = T[:n_low], R[:n_low]
    slope = None
    if np.all(lo_R > 0):
        slope = float(np.polyfit(np.log(lo_T), np.log(lo_R), 1)[0])
    upturn = r_low / r_min if r_min > 0 else None
    residual = r_low / rn if rn else None
    flags: list[str] = []
    has_drop = onset is not None or recs["tc_mid_K"].value is not None
    if tc0 is not None and floor is not None and r_low < floor:
        phase = "superconductor"
    elif (
        slope is not None
        and slope < insulating_slope
        and upturn is not None
        and upturn > 1 + upturn_threshold
    ):
        phase = "insulator"
        if not has_drop:
            flags.append("no_transition")
    elif has_drop:
        phase = "anomalous_metal"
        if slope is not None and slope > 1.0:
            # still dropping steeply at the lowest T: may become superconducting below range
            flags.append("may_reach_zero_below_range")
    else:
        phase = "normal_metal"
        flags.append("no_transition")
    return RTClassification(
        phase=phase,
        r_normal_ohm=rn,
        r_min_ohm=r_min,
        t_at_r_min_K=t_min,
        r_lowest_t_ohm=r_low,
        lowest_t_K=float(T[0]),
        residual_ratio=residual,
        upturn_ratio=upturn,
        dlnr_dlnt_low=slope,
        tc_onset_K=onset,
        tc_0_K=tc0,
        floor_ohm=floor,
        flags=tuple(flags),
    )
