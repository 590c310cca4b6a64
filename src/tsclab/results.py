"""Result records: one record per extracted quantity, shared by every analysis.

Every analysis in tsclab returns :class:`Result` records (value, standard error, unit,
criterion/method, sample, provenance, quality flags). A list of records tabulates into a pandas
DataFrame with :func:`to_dataframe` and writes to CSV / NetCDF / JSON.

A quantity that is undefined (e.g. no zero-resistance state) has ``value=None`` and a flag that
says why. NaN is never used for "undefined".

Examples
--------
>>> r = Result("tc_0_K", None, unit="K", criterion="R < 1e-3 R_N", method="rt.tc_zero",
...            flags=("no_zero_resistance",))
>>> r.to_dict()["value"] is None
True
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import ParameterError

__all__ = ["Result", "atomic_write", "records_to_json", "to_dataframe", "write_records"]


@dataclass(frozen=True)
class Result:
    """One extracted quantity.

    Attributes
    ----------
    quantity
        snake_case name with its unit suffix, e.g. ``"delta_meV"``, ``"tc_0_K"``.
    value
        The value, or ``None`` when undefined (then ``flags`` says why).
    stderr
        One-sigma standard error, or ``None`` when not estimated.
    unit
        Unit of ``value`` and ``stderr``.
    criterion
        The stated criterion (e.g. ``"R < 1e-3 R_N"``).
    method
        The tsclab function that produced it (e.g. ``"rt.tc_zero"``).
    sample
        Sample label, e.g. ``"(8,50)"``.
    source
        Provenance: ``{"file": ..., "channel": ..., "sweep": ...}``.
    flags
        Quality flags (``"fit_failed"``, ``"partial_transition"``, ...). Empty means clean.
    extra
        Further numbers a user may want (e.g. reduced chi^2), JSON-serializable.
    """

    quantity: str
    value: float | int | None
    stderr: float | None = None
    unit: str = ""
    criterion: str = ""
    method: str = ""
    sample: str = ""
    source: dict[str, Any] = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        v = self.value
        if isinstance(v, float) and not math.isfinite(v):
            raise ParameterError(
                "value", v, f"{self.quantity}: use value=None with a flag, not NaN/inf"
            )
        if v is None and not self.flags:
            raise ParameterError("flags", (), f"{self.quantity}: an undefined value needs a flag")
        object.__setattr__(self, "flags", tuple(self.flags))

    @property
    def ok(self) -> bool:
        """True when the value is defined and no flag marks it as failed."""
        return self.value is not None and "fit_failed" not in self.flags

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the keys of the CLI's ``--json`` output."""
        d = asdict(self)
        d["flags"] = list(self.flags)
        d["value"] = _jsonable(self.value)
        d["stderr"] = _jsonable(self.stderr)
        d["extra"] = {k: _jsonable(v) for k, v in self.extra.items()}
        return d


def _jsonable(v: Any) -> Any:
    if v is None:
        return None
    if hasattr(v, "item"):  # NumPy scalar
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def to_dataframe(records: Iterable[Result]):
    """Tabulate records into a pandas DataFrame (one row per record).

    ``source`` is flattened into ``source_file``, ``source_channel``, ``source_sweep``;
    ``flags`` is joined with ``";"``.
    """
    import pandas as pd

    rows = []
    for r in records:
        d = r.to_dict()
        src = d.pop("source") or {}
        for k in ("file", "channel", "sweep"):
            d[f"source_{k}"] = src.get(k, "")
        d["flags"] = ";".join(d["flags"])
        extra = d.pop("extra")
        d["extra"] = json.dumps(extra) if extra else ""
        rows.append(d)
    columns = [
        "quantity", "value", "stderr", "unit", "criterion", "method", "sample",
        "source_file", "source_channel", "source_sweep", "flags", "extra",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def records_to_json(records: Sequence[Result]) -> str:
    """JSON list of objects, the CLI's ``--json`` output."""
    return json.dumps([r.to_dict() for r in records], indent=1)


def atomic_write(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode) as fh:
            fh.write(data)
        _default_permissions(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _default_permissions(path: str | os.PathLike[str]) -> None:
    """Give a temporary file the mode a plainly created file would have (mkstemp uses 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write_records(records: Sequence[Result], path: str | os.PathLike[str]) -> Path:
    """Write records to ``.csv``, ``.json`` or ``.nc`` (chosen by suffix), atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return atomic_write(path, records_to_json(records))
    df = to_dataframe(records)
    if suffix == ".csv":
        return atomic_write(path, df.to_csv(index=False))
    if suffix == ".nc":
        import xarray as xr

        from .io.netcdf import write_netcdf

        ds = xr.Dataset.from_dataframe(df.rename_axis("record"))
        return write_netcdf(ds, path)
    raise ParameterError("path", str(path), "records are written as .csv, .json or .nc")
