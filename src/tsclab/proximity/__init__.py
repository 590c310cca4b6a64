"""proximity."""

__all__: list[str] = []
