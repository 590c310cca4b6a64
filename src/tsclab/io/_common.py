"""Helpers shared by the readers: decoding, names, number parsing, error wrapping."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from ..errors import FileFormatError

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


def check_finite_range(path: PathLike, arr: np.ndarray, what: str) -> None:
    """Raise when ``arr`` (a coordinate) holds NaN or inf."""
    if arr.size and not np.all(np.isfinite(arr)):
        raise FileFormatError(path, f"{what} contains non-finite values", key=what)
