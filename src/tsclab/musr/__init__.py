"""LE-muSR: asymmetry spectra (wTF, ZF), fits, and depth-resolved layer fractions."""

from .asymmetry import GAMMA_MU_RAD_PER_US_T, fit_wtf, kubo_toyabe, wtf_asymmetry, zf_asymmetry
from .depth import fit_layer_fractions, gamma_profile, layer_weights

__all__ = [
    "GAMMA_MU_RAD_PER_US_T",
    "fit_layer_fractions",
    "fit_wtf",
    "gamma_profile",
    "kubo_toyabe",
    "layer_weights",
    "wtf_asymmetry",
    "zf_asymmetry",
]
