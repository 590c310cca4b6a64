"""The paper's sample series, written (m,n): m QL of Cr-doped (Bi,Sb)2Te3 on n UC of FeTe.

Which samples each figure of Yi et al., Science 383, 634 (2024) shows; the values the paper
states about them live in :mod:`tsclab.paper_values`, not here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ParameterError

__all__ = ["SERIES", "Sample"]


@dataclass(frozen=True, order=True)
class Sample:
    """A heterostructure (m,n).

    Parameters
    ----------
    m
        Magnetic-TI thickness, QL (>= 1).
    n
        FeTe thickness, UC (>= 1).

    Examples
    --------
    >>> Sample(8, 50).label
    '(8,50)'
    """

    m: int
    n: int

    def __post_init__(self) -> None:
        for name in ("m", "n"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ParameterError(name, v, "must be a positive integer number of layers")

    @property
    def label(self) -> str:
        """The paper's notation, ``"(m,n)"``."""
        return f"({self.m},{self.n})"

    @property
    def thickness_QL(self) -> int:
        """TI thickness in QL."""
        return self.m

    @property
    def thickness_UC(self) -> int:
        """FeTe thickness in UC."""
        return self.n


#: The series of the paper's figures (main text).
SERIES: dict[str, tuple[Sample, ...]] = {
    "fig1d_m_series": tuple(Sample(m, 20) for m in (1, 2, 4, 8)),
    "fig1e_n_series": tuple(Sample(8, n) for n in (6, 10, 14, 16, 18, 20, 30, 50)),
    "fig2_transport_magnetism": (Sample(8, 50),),
    "fig3_mfm": (Sample(8, 20),),
    "fig4_sts": tuple(Sample(m, 38) for m in range(1, 11)),
    "hc2_fig_s17": (Sample(8, 38),),
}
