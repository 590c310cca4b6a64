"""Numbers stated in the paper, with the figure/panel or passage they come from.

Yi et al., "Interface-induced superconductivity in magnetic topological insulators",
Science 383, 634 (2024), doi:10.1126/science.adk1270.

This module is used **only for comparison** (tests, the report's computed-vs-paper table). No
computation in tsclab may read it: a computed number that equals a reference because it was typed
in is a defect. ``tests/test_paper_values.py`` enforces that no module under ``tsclab`` other than
the report imports it.

Examples
--------
>>> from tsclab.paper_values import PAPER_VALUES
>>> PAPER_VALUES["tc_0_K(8,50)"].value
11.4
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PAPER_VALUES", "PaperValue", "paper_value"]


@dataclass(frozen=True)
class PaperValue:
    """One number from the paper.

    Attributes
    ----------
    quantity
        Result-record quantity name (snake_case with unit suffix).
    value
        The stated value (the paper writes most with "~").
    unit
        Unit of ``value``.
    sample
        The (m,n) sample, or "" when not tied to one.
    source
        Figure/panel or passage in the paper.
    note
        How the value is stated or what it implies.
    """

    quantity: str
    value: float
    unit: str
    sample: str
    source: str
    note: str = ""


def _v(quantity: str, value: float, unit: str, sample: str, source: str, note: str = ""):
    key = f"{quantity}{sample}" if sample else quantity
    return key, PaperValue(quantity, value, unit, sample, source, note)


PAPER_VALUES: dict[str, PaperValue] = dict(
    [
        # --- R-T, Fig. 1D: (m,20) series
        _v("tc_onset_K", 9.6, "K", "(1,20)", "Fig. 1D; text p. 2"),
        _v("tc_0_K", 2.9, "K", "(1,20)", "Fig. 1D; text p. 2"),
        _v("tc_onset_K", 12.4, "K", "(8,20)", "Fig. 1D; text p. 2", "'optimal' value"),
        _v("tc_0_K", 10.0, "K", "(8,20)", "Fig. 1D; text p. 2", "'optimal' value"),
        # --- R-T, Fig. 1E: (8,n) series
        _v("tc_0_K_min_n_ge_20", 10.0, "K", "", "Fig. 1E; text", "n >= 20: Tc,0 in 10.0-11.4 K"),
        _v("tc_0_K_max_n_ge_20", 11.4, "K", "", "Fig. 1E; text", "n >= 20: Tc,0 in 10.0-11.4 K"),
        _v("tc_onset_K", 12.2, "K", "(8,18)", "Fig. 1E; text"),
        _v("tc_0_K", 2.0, "K", "(8,18)", "Fig. 1E; text"),
        # --- R-T, Fig. 2A: (8,50)
        _v("tc_onset_K", 12.4, "K", "(8,50)", "Fig. 2A; text p. 3"),
        _v("tc_0_K", 11.4, "K", "(8,50)", "Fig. 2A; text p. 3"),
        _v("t_neel_K", 60.0, "K", "(8,50)", "Fig. 2A", "broad semiconducting->metallic crossover"),
        # --- Magnetism, Fig. 3 (8,20) at 2.2 K
        _v("t_curie_K", 20.0, "K", "(8,20)", "Fig. 3 text", "field-cooled through T_Curie ~ 20 K"),
        _v("nucleation_field_T", 0.047, "T", "(8,20)", "Fig. 3B"),
        _v("coercive_field_T", 0.061, "T", "(8,20)", "Fig. 3E, 3I, 3J", "M/Ms ~ 0; RMS df peak"),
        _v("saturation_field_T", 0.090, "T", "(8,20)", "Fig. 3H", "uniform 'up' state"),
        _v("mfm_temperature_K", 2.2, "K", "(8,20)", "Fig. 3A-H"),
        # --- STS, Fig. 4
        _v("sts_temperature_K", 0.310, "K", "", "Fig. 4C", "T = 310 mK"),
        _v("gap_closing_K", 6.5, "K", "(8,38)", "Fig. 4E; fig. S12"),
        _v("max_gapped_thickness_QL", 10, "QL", "", "Fig. 4C-D", "gap seen up to m = 10"),
        # --- Hc2, fig. S16-S18
        _v("hc2_T", 44.5, "T", "", "fig. S16; text p. 5", "at T = 1.5 K, isotropic in angle"),
        _v("hc2_temperature_K", 1.5, "K", "", "fig. S16"),
        _v("pauli_limit_T", 23.0, "T", "", "text p. 5", "1.84 Tc ~ 23.0 T"),
        _v("xi_gl_nm", 2.2, "nm", "(8,38)", "fig. S17; text p. 5"),
        _v("d_sc_nm", 10.4, "nm", "(8,38)", "fig. S17; text p. 5"),
        _v("fete_thickness_nm", 24.7, "nm", "(8,38)", "text p. 5", "38 UC FeTe"),
    ]
)


def paper_value(quantity: str, sample: str = "") -> PaperValue:
    """Look up a paper value by result-record quantity and sample.

    Parameters
    ----------
    quantity
        e.g. ``"tc_0_K"``.
    sample
        e.g. ``"(8,50)"``; empty for sample-independent values.

    Raises
    ------
    KeyError
        If the paper states no such value.
    """
    return PAPER_VALUES[f"{quantity}{sample}" if sample else quantity]
