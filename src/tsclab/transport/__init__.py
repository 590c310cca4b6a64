"""Transport: R(T) forward model of TI/FeTe heterostructures, T_c extraction with stated
criteria, and the superconductor / anomalous metal / insulator classification.

Examples
--------
>>> import numpy as np
>>> from tsclab.transport import RTModelParams, sheet_resistance_ohm, tc_criteria
>>> T = np.linspace(2, 30, 281)
>>> recs = tc_criteria(T, sheet_resistance_ohm(T, RTModelParams()))
>>> [r.quantity for r in recs]
['tc_onset_K', 'tc_mid_K', 'tc_0_K', 'r_normal_ohm']
"""

from .bkt import t_bkt_from_rt
from .classify import RTClassification, classify_rt
from .model import (
    AL_PREFACTOR_S,
    RTModelParams,
    ThicknessLaw,
    aslamazov_larkin_conductance_S,
    fete_resistivity_ohm_m,
    halperin_nelson_factor,
    params_for_thickness,
    sheet_resistance_ohm,
    simulate_rt,
    zero_resistance_temperature_K,
)
from .tc import analyze_rt, analyze_rt_dataset, split_branches, tc_criteria

__all__ = [
    "AL_PREFACTOR_S",
    "RTClassification",
    "RTModelParams",
    "ThicknessLaw",
    "analyze_rt",
    "analyze_rt_dataset",
    "aslamazov_larkin_conductance_S",
    "classify_rt",
    "fete_resistivity_ohm_m",
    "halperin_nelson_factor",
    "params_for_thickness",
    "sheet_resistance_ohm",
    "simulate_rt",
    "split_branches",
    "t_bkt_from_rt",
    "tc_criteria",
    "zero_resistance_temperature_K",
]
