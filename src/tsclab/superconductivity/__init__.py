"""superconductivity."""

__all__: list[str] = []
