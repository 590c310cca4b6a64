"""``tsclab analyze rt``: T_c criteria and phase classification of R(T) files.

Reads Quantum Design ``.dat`` files (every bridge/channel that holds data) and two-column text
(T in K, R in ohm unless the header states other units: ``T (mK)``, ``R_kohm``... are
converted, a header unit of another quantity is an error); analyses each cooling and warming
branch separately; prints a table (or the records as JSON with ``--json``) and writes
``rt_records.csv``/``.json`` and one figure per file and channel into ``--out``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import typer

from ..errors import FileFormatError, ParameterError
from ..results import Result, write_records
from ._common import print_records

__all__ = ["load_rt_curves", "register"]


def load_rt_curves(
    path: Path,
) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray | None]]:
    """Read an R(T) file into ``[(channel, temperature_K, resistance_ohm, field_T), ...]``.

    QD ``.dat``: one entry per channel with data (``"bridge1"``...), in measurement order, with
    the logged field. Text: two columns, T (K) and R (ohm), or the units the header states
    (converted; see :func:`tsclab.io.read_two_column`); channel ``""``, field ``None``.

    Raises
    ------
    FileFormatError
        When the file is neither, or a QD file has no resistance channel with data.
    """
    from .. import io as tio

    kind = tio.sniff(path)
    if kind == "qd_dat":
        ds = tio.read_qd_dat(path)
        chans = tio.qd_channels(ds)
        if not chans or "temperature_K" not in ds:
            raise FileFormatError(path, "no resistance channel with data (resistance_ohm)")
        T = np.asarray(ds["temperature_K"].to_numpy(), dtype=float)
        H = np.asarray(ds["field_T"].to_numpy(), dtype=float) if "field_T" in ds else None
        R = ds["resistance_ohm"]
        return [(c, T, np.asarray(R.sel(channel=c).to_numpy(), dtype=float), H) for c in chans]
    if kind in ("text_table", "gwyddion_text"):
        ds = tio.read_two_column(path, "temperature", "K", "resistance_ohm", "ohm")
        T = ds["temperature"].to_numpy().astype(float)
        return [("", T, ds["resistance_ohm"].to_numpy().astype(float), None)]
    raise FileFormatError(
        path, f"read as {kind!r}; analyze rt takes QD .dat files or two-column text (T, R)"
    )


def _field_varies(H: np.ndarray | None, idx: np.ndarray) -> float | None:
    """The field span (T) of a branch if the field was swept there, else None.

    A sweep is a span above max(10 mT, 5 % of the median |H|): more than the drift and
    noise of a fixed-field R(T) measurement.
    """
    if H is None:
        return None
    h = H[idx]
    h = h[np.isfinite(h)]
    if h.size < 2:
        return None
    span = float(np.ptp(h))
    return span if span > max(0.01, 0.05 * float(np.median(np.abs(h)))) else None


def _analyze_curve(
    path: Path,
    channel: str,
    T: np.ndarray,
    R: np.ndarray,
    H: np.ndarray | None,
    sample: str,
    crit: dict[str, Any],
) -> tuple[list[Result], list[tuple[str, np.ndarray]]]:
    from ..transport import classify_rt, split_branches, tc_criteria

    keep = np.isfinite(T) & np.isfinite(R)
    idx_all = np.nonzero(keep)[0]
    src0 = {"file": path.name, "channel": channel}
    branches = split_branches(T[idx_all]) if idx_all.size else []
    records: list[Result] = []
    if not branches:
        records.append(
            Result("tc_0_K", None, unit="K", method="transport.tc_criteria", sample=sample,
                   source=src0, flags=("not_a_temperature_sweep",),
                   extra={"reason": "no monotonic temperature sweep with >= 8 finite points"})
        )  # fmt: skip
        return records, []
    out_branches = []
    for label, sub in branches:
        idx = idx_all[sub]
        src = {**src0, "sweep": label}
        span = _field_varies(H, idx)
        if span is not None:
            records.append(
                Result("tc_0_K", None, unit="K", method="transport.tc_criteria", sample=sample,
                       source=src, flags=("field_swept",),
                       extra={"reason": f"the field varies by {span:.3g} T in this branch: "
                              "not an R(T) curve (use tsclab analyze hc2)"})
            )  # fmt: skip
            continue
        try:
            recs = tc_criteria(T[idx], R[idx], sample=sample, source=src, **crit)
            cls = classify_rt(T[idx], R[idx], **crit)
        except ParameterError as exc:
            records.append(
                Result("tc_0_K", None, unit="K", method="transport.tc_criteria", sample=sample,
                       source=src, flags=("not_analyzable",), extra={"reason": str(exc)})
            )  # fmt: skip
            continue
        records.extend(recs)
        records.append(cls.to_result(sample=sample, source=src))
        out_branches.append((label, idx))
    return records, out_branches


def _figure(
    path: Path,
    channel: str,
    T: np.ndarray,
    R: np.ndarray,
    branches: list[tuple[str, np.ndarray]],
    records: list[Result],
    out: Path,
) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..results import atomic_write

    fig, axes = plt.subplots(1, 2, figsize=(13, 4.4))
    colors = {"cooling": "tab:blue", "warming": "tab:red"}
    marks = {"tc_onset_K": ("onset", "--"), "tc_mid_K": ("mid", "-."), "tc_0_K": ("zero", ":")}
    lo, hi = np.inf, -np.inf
    for label, idx in branches:
        col = colors.get(label.rstrip("0123456789"), "tab:gray")
        for ax in axes:
            ax.plot(T[idx], R[idx], ".-", ms=2.5, lw=0.8, color=col, label=label)
        br = {r.quantity: r for r in records if r.source.get("sweep") == label}
        vals = [br[q].value for q in marks if q in br and br[q].value is not None]
        if vals:
            lo, hi = min(lo, *vals), max(hi, *vals)
        for q, (name, ls) in marks.items():
            r = br.get(q)
            if r is not None and r.value is not None:
                axes[1].axvline(r.value, color=col, ls=ls, lw=1,
                                label=f"{label} Tc,{name} = {r.value:.3g} K")  # fmt: skip
        rn = br.get("r_normal_ohm")
        if rn is not None and rn.value is not None and "normal_poly_coef" in rn.extra:
            tt = np.linspace(float(np.nanmin(T[idx])), rn.extra["normal_window_K"][1], 200)
            rn_t = np.polyval(rn.extra["normal_poly_coef"], tt)
            axes[1].plot(tt, rn_t, color=col, lw=0.8, ls=(0, (6, 3)), alpha=0.6,
                         label=f"{label} R_N(T) extrapolated")  # fmt: skip
        t0 = br.get("tc_0_K")
        if t0 is not None and t0.value is None:
            lo = min(lo, float(np.nanmin(T[idx])))
            axes[1].plot([], [], " ", label=f"{label} Tc,0 undefined ({', '.join(t0.flags)})")
    if np.isfinite(lo) and np.isfinite(hi):
        span = max(hi - lo, 0.5)
        x0, x1 = lo - 0.3 * span, hi + 1.0 * span
        axes[1].set_xlim(x0, x1)
        inside = np.isfinite(T) & np.isfinite(R) & (T > x0) & (T < x1)
        if inside.any():
            top = float(np.max(R[inside]))
            axes[1].set_ylim(min(0.0, float(np.min(R[inside]))), 1.1 * top)
    for ax in axes:
        ax.set_xlabel("Temperature (K)")
        ax.set_ylabel("Resistance (Ω)")
        ax.grid(alpha=0.3)
    axes[0].set_title("full range")
    axes[1].set_title("transition (criteria marked)")
    axes[1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    phases = [
        f"{r.source.get('sweep')}: {r.criterion.removeprefix('phase = ')}"
        for r in records
        if r.quantity == "r_residual_ratio"
    ]
    title = f"{path.name}" + (f" [{channel}]" if channel else "")
    fig.suptitle(title + ("  —  " + ", ".join(phases) if phases else ""), fontsize=10)
    fig.tight_layout()
    stem = path.stem.replace(" ", "_") + (f"_{channel}" if channel else "")
    target = out / f"rt_{stem}.png"
    import io as _io

    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    plt.close(fig)
    return atomic_write(target, buf.getvalue())


def register(app: typer.Typer) -> None:
    """Add ``rt`` to the ``tsclab analyze`` sub-app."""

    @app.command("rt")
    def rt(
        files: list[Path] = typer.Argument(..., help="QD .dat or two-column text (T K, R ohm)."),
        json_out: bool = typer.Option(False, "--json", help="Print the records as a JSON list."),
        out: Path = typer.Option(Path("rt_results"), "--out", help="Folder for figures, records."),
        no_files: bool = typer.Option(False, "--no-files", help="Write no figures or records."),
        onset: str = typer.Option("fraction", help="Onset criterion: fraction or tangent."),
        onset_fraction: float = typer.Option(0.9, help="Onset at R = f R_N(T)."),
        mid_fraction: float = typer.Option(0.5, help="Midpoint at R = f R_N(T)."),
        zero_fraction: float = typer.Option(1e-3, help="Zero floor as a fraction of R_N."),
        zero_noise_sigma: float = typer.Option(5.0, help="Zero floor in units of the noise."),
        normal_order: int = typer.Option(1, help="Normal-state polynomial order (1 or 2)."),
        sample: str = typer.Option("", help="Sample label, e.g. '(8,50)'."),
    ) -> None:  # fmt: skip
        """T_c,onset / T_c,mid / T_c,0 (criteria stated) and phase of each R(T) branch."""
        crit = dict(
            onset=onset, onset_fraction=onset_fraction, mid_fraction=mid_fraction,
            zero_fraction=zero_fraction, zero_noise_sigma=zero_noise_sigma,
            normal_order=normal_order,
        )  # fmt: skip
        all_records: list[Result] = []
        figures: list[Path] = []
        for f in files:
            for channel, T, R, H in load_rt_curves(f):
                recs, branches = _analyze_curve(f, channel, T, R, H, sample, crit)
                all_records.extend(recs)
                if not no_files and branches:
                    figures.append(_figure(f, channel, T, R, branches, recs, out))
        if not no_files:
            write_records(all_records, out / "rt_records.csv")
            write_records(all_records, out / "rt_records.json")
        print_records(all_records, as_json=json_out, title="R(T) analysis")
        if not json_out and not no_files:
            typer.echo(f"wrote {len(figures)} figure(s) and rt_records.csv/.json to {out}")
