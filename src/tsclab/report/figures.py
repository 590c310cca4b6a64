"""Figure helpers shared by the CLI, the virtual study and the report."""

from __future__ import annotations

import io
import os
from pathlib import Path

from ..results import atomic_write

__all__ = ["save_figure"]


def save_figure(fig, path: str | os.PathLike[str]) -> Path:
    """Save a matplotlib figure as PNG (130 dpi, tight) atomically and close it."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130, bbox_inches="tight")
    plt.close(fig)
    return atomic_write(path, buf.getvalue())
