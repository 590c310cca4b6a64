"""Pauli matrices and Kronecker products used to write the models."""

from __future__ import annotations

import numpy as np

__all__ = ["S0", "SX", "SY", "SZ", "kron"]

S0 = np.eye(2, dtype=complex)
SX = np.array([[0, 1], [1, 0]], dtype=complex)
SY = np.array([[0, -1j], [1j, 0]], dtype=complex)
SZ = np.array([[1, 0], [0, -1]], dtype=complex)


def kron(*ops: np.ndarray) -> np.ndarray:
    """Kronecker product of several matrices; the first factor is the slowest index."""
    out = np.ones((1, 1), dtype=complex)
    for op in ops:
        out = np.kron(out, op)
    return out
