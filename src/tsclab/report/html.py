"""A self-contained HTML report: sections of text, figures (embedded PNG), tables.

The report is the one place where computed numbers meet the paper's numbers
(:mod:`tsclab.paper_values`): :meth:`Report.add_paper_comparison` tabulates them, and says for
each whether tsclab *computed* it or took it as a scenario *input* (a round trip that merely
recovers an input is not evidence about the paper).

Examples
--------
>>> from tsclab.report.html import Report
>>> rep = Report("demo")
>>> rep.add_section("Transport", "R(T) of the (m,20) series.")
>>> "<h2" in rep.render()
True
"""

from __future__ import annotations

import base64
import html
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .._version import __version__
from ..paper_values import PAPER_VALUES
from ..results import Result, atomic_write

__all__ = ["Comparison", "Report"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#1b1b1b;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;
margin-top:2em}
.meta{color:#666;font-size:.9em}
figure{margin:1em 0;display:inline-block;vertical-align:top;max-width:100%}
figure img{max-width:100%;border:1px solid #eee}
figcaption{font-size:.88em;color:#444;max-width:700px}
table{border-collapse:collapse;font-size:.88em;margin:.8em 0}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#176917}.warn{color:#a15c00}.bad{color:#b00020}.muted{color:#888}
.toc a{margin-right:1em}
"""


@dataclass(frozen=True)
class Comparison:
    """One row of the computed-vs-paper table.

    Attributes
    ----------
    key
        Key into :data:`tsclab.paper_values.PAPER_VALUES`.
    computed
        The tsclab number (None if undefined).
    stderr
        Its standard error, if any.
    role
        ``"computed"`` (tsclab derived it) or ``"input"`` (a scenario input the study recovered),
        or ``"calibrated"`` (fitted to the paper: agreement is by construction).
    how
        One line: which pipeline produced it.
    """

    key: str
    computed: float | None
    stderr: float | None = None
    role: str = "computed"
    how: str = ""


@dataclass
class Report:
    """Collects sections and writes one self-contained HTML file."""

    title: str
    subtitle: str = ""
    _parts: list[tuple[str, str]] = field(default_factory=list)

    def add_section(self, title: str, text: str = "") -> None:
        """Start a section. ``text`` is plain text: paragraphs split on blank lines, and a
        paragraph whose lines start with ``- `` becomes a bulleted list."""
        anchor = f"s{len(self._parts)}"
        self._parts.append((title, f'<h2 id="{anchor}">{html.escape(title)}</h2>{_text(text)}'))

    def add_text(self, text: str, css_class: str = "") -> None:
        """A paragraph in the current section."""
        cls = f' class="{css_class}"' if css_class else ""
        self._parts.append(("", f"<p{cls}>{html.escape(text)}</p>"))

    def add_figure(self, path: str | os.PathLike[str], caption: str = "") -> None:
        """Embed a PNG (base64, so the report is one portable file)."""
        data = base64.b64encode(Path(path).read_bytes()).decode()
        self._parts.append(
            ("", f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
                 f"<figcaption>{html.escape(caption)}</figcaption></figure>"),
        )  # fmt: skip

    def add_table(self, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        """A plain table; numbers are right-aligned."""
        head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
        body = []
        for row in rows:
            cells = []
            for v in row:
                if isinstance(v, float | int) and not isinstance(v, bool):
                    cells.append(f'<td class="num">{_fmt(v)}</td>')
                else:
                    cells.append(f"<td>{html.escape('' if v is None else str(v))}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        self._parts.append(("", f"<table><tr>{head}</tr>{''.join(body)}</table>"))

    def add_records(self, records: Sequence[Result]) -> None:
        """Tabulate result records."""
        self.add_table(
            ["sample", "quantity", "value", "stderr", "unit", "criterion", "source", "flags"],
            [
                (r.sample, r.quantity, "undefined" if r.value is None else float(r.value),
                 "" if r.stderr is None else float(r.stderr), r.unit, r.criterion,
                 Path(str(r.source.get("file", ""))).name, ", ".join(r.flags))
                for r in records
            ],
        )  # fmt: skip

    def add_paper_comparison(self, rows: Sequence[Comparison]) -> None:
        """The computed-vs-paper table (paper values from :mod:`tsclab.paper_values`).

        Rows whose key the paper does not state are left out, so callers may offer every
        number they computed.
        """
        out = []
        for c in rows:
            ref = PAPER_VALUES.get(c.key)
            if ref is None:
                continue
            if c.computed is None:
                dev, cls = "undefined", "bad"
            else:
                rel = (c.computed - ref.value) / ref.value if ref.value else math.nan
                dev = f"{100 * rel:+.1f} %"
                cls = "ok" if abs(rel) <= 0.1 else ("warn" if abs(rel) <= 0.3 else "bad")
            comp = "undefined" if c.computed is None else _fmt(c.computed)
            if c.stderr is not None and c.computed is not None:
                comp += f" ± {_fmt(c.stderr)}"
            out.append(
                f"<tr><td>{html.escape(ref.sample)}</td><td>{html.escape(ref.quantity)}</td>"
                f'<td class="num">{comp}</td><td class="num">{_fmt(ref.value)} {ref.unit}</td>'
                f'<td class="num {cls}">{dev}</td><td>{html.escape(c.role)}</td>'
                f"<td>{html.escape(ref.source)}</td><td>{html.escape(c.how)}</td></tr>"
            )
        self._parts.append(
            ("", "<table><tr><th>sample</th><th>quantity</th><th>tsclab</th><th>paper</th>"
                 "<th>deviation</th><th>role</th><th>paper source</th><th>how</th></tr>"
                 + "".join(out) + "</table>"
                 '<p class="muted">role: <b>computed</b> = derived by tsclab; <b>input</b> = a '
                 "scenario input recovered by the round trip (tests the pipeline, not the "
                 "physics); <b>calibrated</b> = fitted to the paper (agreement by construction)."
                 "</p>"),
        )  # fmt: skip

    def render(self) -> str:
        """The HTML text."""
        toc = "".join(
            f'<a href="#s{i}">{html.escape(t)}</a>' for i, (t, _) in enumerate(self._parts) if t
        )
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        body = "".join(p for _, p in self._parts)
        return (
            f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(self.title)}</title><style>{_CSS}</style></head><body>"
            f"<h1>{html.escape(self.title)}</h1>"
            f"<p class='meta'>{html.escape(self.subtitle)} — tsclab {__version__}, {stamp}</p>"
            f"<p class='toc'>{toc}</p>{body}</body></html>"
        )

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the report atomically."""
        return atomic_write(path, self.render())


def _text(text: str) -> str:
    """Plain text to HTML paragraphs and bulleted lists (a docstring's layout)."""
    out = []
    for block in text.strip().split("\n\n"):
        lines = [ln.strip() for ln in block.strip().splitlines()]
        if not any(lines):
            continue
        if lines[0].startswith("- "):
            items, cur = [], []
            for ln in lines:
                if ln.startswith("- ") and cur:
                    items.append(" ".join(cur))
                    cur = []
                cur.append(ln[2:] if ln.startswith("- ") else ln)
            items.append(" ".join(cur))
            out.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
        else:
            out.append(f"<p>{html.escape(' '.join(lines))}</p>")
    return "".join(out)


def _fmt(v: float) -> str:
    if isinstance(v, int):
        return str(v)
    return f"{v:.4g}"
