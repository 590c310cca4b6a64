"""Helpers shared by the readers: decoding, names, number parsing, error wrapping."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from ..errors import FileFormatError
from ..units import OE_TO_T

PathLike = str | os.PathLike[str]

_NAME_RE = re.compile(r"[^0-9a-zA-Z]+")


def read_bytes(path: PathLike) -> bytes:
    """Read a whole file, turning OS errors into :class:`FileFormatError`."""
    try:
        raw = Path(path).read_bytes()
    except IsADirectoryError:
        raise FileFormatError(path, "is a folder, not a file") from None
    except FileNotFoundError:
        raise FileFormatError(path, "no such file") from None
    except OSError as exc:
        raise FileFormatError(path, f"cannot be read ({exc.strerror})") from None
    return utf16_to_utf8(raw)


def utf16_to_utf8(raw: bytes, *, partial: bool = False) -> bytes:
    """Text saved as "Unicode" by Windows tools (UTF-16 with a byte-order mark) as UTF-8 bytes;
    anything else unchanged. ``partial``: ``raw`` may end in the middle of a character."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return raw.decode("utf-16", errors="ignore" if partial else "strict").encode("utf-8")
        except UnicodeDecodeError:
            return raw
    return raw


def decode(raw: bytes) -> str:
    """Decode instrument text: UTF-8 (with or without BOM) first, else Latin-1.

    Instrument software on Windows writes the local code page (Latin-1 / cp1252: ``°``, ``µ``,
    ``Å``); Latin-1 never fails, so it is the fallback.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _nul_line(raw: bytes) -> int:
    """1-based line of the first NUL byte (where a text file turns binary)."""
    i = raw.find(b"\x00")
    return raw.count(b"\n", 0, max(i, 0)) + 1


def text_encoding(raw: bytes) -> str:
    """The codec :func:`decode` would use for ``raw``."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def snake(name: str) -> str:
    """``"Number of Readings"`` -> ``"number_of_readings"`` (a safe variable name)."""
    s = _NAME_RE.sub("_", name).strip("_").lower()
    if not s:
        s = "unnamed"
    if s[0].isdigit():
        s = "c_" + s
    return s


def parse_float(text: str) -> float | None:
    """A float from a header value (``"+04.366"``, ``"Inf"``, ``"1,5951E+0"`` with a decimal
    comma); None when the text is not a number."""
    t = text.strip()
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        pass
    # Nanonis on a German-locale Windows writes a decimal comma ("1,5951E+0").
    if t.count(",") == 1 and "." not in t:
        try:
            return float(t.replace(",", "."))
        except ValueError:
            return None
    return None


def unit_of(label: str) -> tuple[str, str]:
    """Split ``"Current (A)"`` into ``("Current", "A")``; no unit gives ``(label, "")``."""
    m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", label)
    if m:
        return m.group(1).strip(), m.group(2).strip()
    return label.strip(), ""


# Units tsclab reads from column headers: base symbol -> (quantity, factor to the canonical
# unit of that quantity: K, T (mu0 H), ohm, V, A, deg). Oe -> T is mu0 H in tesla.
_UNIT_BASES: dict[str, tuple[str, float]] = {
    "K": ("temperature", 1.0),
    "T": ("field", 1.0),
    "G": ("field", 1e-4),
    "Oe": ("field", OE_TO_T),
    "ohm": ("resistance", 1.0),
    "V": ("voltage", 1.0),
    "A": ("current", 1.0),
    "deg": ("angle", 1.0),
    "rad": ("angle", 180.0 / np.pi),
}
_UNIT_PREFIXES = {"n": 1e-9, "u": 1e-6, "m": 1e-3, "k": 1e3, "M": 1e6}
_UNIT_ALIASES = {"ohms": "ohm", "oe": "Oe", "degree": "deg", "degrees": "deg", "°": "deg"}


def parse_unit(unit: str) -> tuple[str, float] | None:
    """``(quantity, factor to the canonical unit)`` of a unit symbol, None when unknown.

    Prefixes are case-sensitive (``mOhm`` milli, ``MOhm`` mega), the ``ohm``/``Oe`` bases are
    not (``kohm``, ``kOhm``, ``kΩ``). ``K`` before ``ohm`` reads as kilo (``KOhm``).

    Examples
    --------
    >>> parse_unit("mK"), parse_unit("kOhm"), parse_unit("furlong")
    (('temperature', 0.001), ('resistance', 1000.0), None)
    """
    s = unit.strip().replace("\u03a9", "ohm").replace("\u2126", "ohm")
    s = s.replace("\u00b5", "u").replace("\u03bc", "u")
    if not s:
        return None
    low = s.lower()
    for body in (s, low):
        if body in _UNIT_ALIASES:
            s = _UNIT_ALIASES[body]
            break
    for pre, mult in [("", 1.0), *_UNIT_PREFIXES.items(), ("K", 1e3)]:
        if not s.startswith(pre):
            continue
        rest = s[len(pre) :]
        if pre == "K" and rest.lower() not in ("ohm", "ohms"):
            continue
        rest = _UNIT_ALIASES.get(rest.lower(), rest)
        if rest.lower() in ("ohm", "oe"):
            rest = "ohm" if rest.lower() == "ohm" else "Oe"
        if rest in _UNIT_BASES and (pre == "" or rest not in ("deg", "rad")):
            q, f = _UNIT_BASES[rest]
            return q, f * mult
    return None


def column_unit(label: str) -> tuple[str, bool]:
    """The unit a column header states and whether it is explicit.

    ``"field (Oe)"`` and ``"field [Oe]"`` give ``("Oe", True)``; a known unit after the last
    ``_`` or ``/`` (``"T_mK"``, ``"R/kohm"``) gives ``("mK", False)``: a name suffix, honoured
    only when it is a unit of the expected quantity. No unit gives ``("", False)``.
    """
    _, u = unit_of(label)
    if u:
        return u, True
    m = re.match(r"^(.*?)\s*\[([^\[\]]*)\]\s*$", label)
    if m and m.group(2).strip():
        return m.group(2).strip(), True
    for sep in ("/", "_"):
        if sep in label:
            tail = label.rsplit(sep, 1)[1].strip()
            if parse_unit(tail) is not None:
                return tail, False
    return "", False


def unit_factor(from_unit: str, to_unit: str) -> float | None:
    """Factor converting values in ``from_unit`` to ``to_unit``; None when they are not units
    of the same quantity (or either is unknown and they differ).

    Examples
    --------
    >>> unit_factor("mT", "T"), unit_factor("K", "T")
    (0.001, None)
    """
    if from_unit.strip() == to_unit.strip():
        return 1.0
    a, b = parse_unit(from_unit), parse_unit(to_unit)
    if a is None or b is None or a[0] != b[0]:
        return None
    return a[1] / b[1]


def header_unit_factor(
    path: PathLike, label: str, to_unit: str, *, line: int | None = None
) -> tuple[float, str]:
    """``(factor, unit)`` turning a column headed ``label`` into ``to_unit``.

    A header without a unit gives ``(1.0, "")``: the caller's declared unit applies; so does
    an empty ``to_unit`` (arbitrary units: any header unit is kept as is). A unit
    name suffix (``"R_A"``) that is not a unit of the wanted quantity is read as part of the
    name.

    Raises
    ------
    FileFormatError
        The header states a unit in brackets (``"field (V)"``) that cannot be converted to
        ``to_unit``.
    """
    unit, explicit = column_unit(label)
    if not unit:
        return 1.0, ""
    if not to_unit.strip():
        return 1.0, unit
    f = unit_factor(unit, to_unit)
    if f is None:
        if not explicit:
            return 1.0, ""
        want = parse_unit(to_unit)
        what = f"a {want[0]} in {to_unit}" if want else to_unit
        raise FileFormatError(
            path, f"column {label!r}: unit {unit!r} cannot be converted to {what}", line=line
        )
    return f, unit


def check_finite_range(path: PathLike, arr: np.ndarray, what: str) -> None:
    """Raise when ``arr`` (a coordinate) holds NaN or inf."""
    if arr.size and not np.all(np.isfinite(arr)):
        raise FileFormatError(path, f"{what} contains non-finite values", key=what)
