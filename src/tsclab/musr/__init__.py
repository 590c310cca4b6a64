"""musr."""

__all__: list[str] = []
