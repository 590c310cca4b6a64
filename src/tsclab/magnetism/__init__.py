"""Magnetism: hysteresis forward models, loop analysis, RFIM domains, MFM images."""

from .hysteresis import LoopModel, field_loop, hall_loop, magnetization_loop, rmcd_loop
from .loops import analyze_loop
from .mfm import differential_magnetization, mfm_images, rms_contrast
from .rfim import random_fields, rfim_upsweep

__all__ = [
    "LoopModel",
    "analyze_loop",
    "differential_magnetization",
    "field_loop",
    "hall_loop",
    "magnetization_loop",
    "mfm_images",
    "random_fields",
    "rfim_upsweep",
    "rmcd_loop",
    "rms_contrast",
]
