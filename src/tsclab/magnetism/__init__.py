"""magnetism."""

__all__: list[str] = []
