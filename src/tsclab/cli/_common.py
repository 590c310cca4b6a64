"""Pieces shared by the CLI commands: ``--set`` parsing, JSON and table output."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from typing import Any

from ..errors import ParameterError
from ..results import Result, records_to_json

__all__ = ["parse_range", "parse_sets", "print_json", "print_records"]


def parse_sets(items: Sequence[str] | None, *, allow_text: bool = False) -> dict[str, Any]:
    """Parse ``["A=1", "lam=0.2"]`` into ``{"A": 1.0, "lam": 0.2}``.

    With ``allow_text``, a value that is not a number is kept as a string (model options such
    as ``material=Sb2Te3-L10``); the model then validates it.

    Examples
    --------
    >>> parse_sets(["A=1", "mu=-0.05"])
    {'A': 1.0, 'mu': -0.05}
    >>> parse_sets(["material=Sb2Te3-L10"], allow_text=True)
    {'material': 'Sb2Te3-L10'}
    """
    out: dict[str, Any] = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError("--set", item, "write NAME=VALUE, e.g. --set lam=0.2")
        try:
            out[name] = float(value)
        except ValueError:
            if not allow_text:
                raise ParameterError(name, value, "not a number") from None
            out[name] = value.strip()
            continue
        if not math.isfinite(out[name]):
            raise ParameterError(name, value, "must be finite")
    return out


def parse_range(spec: str) -> tuple[str, float, float, int]:
    """Parse ``"lam:0:0.6:64"`` into ``("lam", 0.0, 0.6, 64)`` (name:start:stop:count).

    Examples
    --------
    >>> parse_range("mu:-0.3:0.3:64")
    ('mu', -0.3, 0.3, 64)
    """
    parts = spec.split(":")
    if len(parts) != 4:
        raise ParameterError("range", spec, "write NAME:START:STOP:COUNT, e.g. lam:0:0.6:64")
    name = parts[0].strip()
    try:
        start, stop, count = float(parts[1]), float(parts[2]), int(parts[3])
    except ValueError:
        raise ParameterError(
            "range", spec, "START and STOP must be numbers, COUNT an integer"
        ) from None
    if count < 2:
        raise ParameterError("range", spec, "COUNT must be at least 2")
    return name, start, stop, count


def print_json(obj: Any) -> None:
    """Print one JSON document to stdout."""
    sys.stdout.write(json.dumps(obj, indent=1, default=_default) + "\n")


def _default(o: Any) -> Any:
    if hasattr(o, "item"):
        return o.item()
    if hasattr(o, "tolist"):
        return o.tolist()
    raise TypeError(type(o).__name__)


def print_records(records: Sequence[Result], *, as_json: bool, title: str = "") -> None:
    """Print result records as a JSON list (``--json``) or as a rich table."""
    if as_json:
        sys.stdout.write(records_to_json(records) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title or None)
    for col in ("sample", "quantity", "value", "stderr", "unit", "criterion", "source", "flags"):
        table.add_column(col)
    for r in records:
        src = r.source.get("file", "") if r.source else ""
        if r.source and r.source.get("channel"):
            src += f" [{r.source['channel']}]"
        table.add_row(
            r.sample,
            r.quantity,
            "undefined" if r.value is None else f"{r.value:.6g}",
            "" if r.stderr is None else f"{r.stderr:.2g}",
            r.unit,
            r.criterion,
            src,
            ", ".join(r.flags),
        )
    Console().print(table)
