"""Turn input bytes into stored text: decoded UTF-8 (BOM accepted), LF line ends, NFC.

All offsets in the project refer to text produced here.
"""

from __future__ import annotations

import hashlib
import unicodedata

from .errors import InputError

# Bytes that never occur in text files; a NUL in the first block marks binary input.
_BINARY_SNIFF = 8192


def normalize_text(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return unicodedata.normalize("NFC", text)


def decode_bytes(raw: bytes, origin: str, encoding: str | None = None) -> str:
    """Decode a whole file; refuse binary data and name the byte offset of bad UTF-8."""
    if encoding is None:
        if b"\x00" in raw[:_BINARY_SNIFF]:
            raise InputError(f"{origin}: binary file (contains NUL bytes); not imported")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{origin}: not UTF-8 at byte offset {exc.start}; pass --encoding (e.g. --encoding cp1252)"
            ) from None
    else:
        try:
            text = raw.decode(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{origin}: not valid {encoding} at byte offset {exc.start}") from None
    return normalize_text(text)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def visible(text: str) -> str:
    """Replace control characters (except newline and tab) with visible placeholders.

    Used by every command that prints document text, so ESC sequences, OSC 52 or BEL
    from scraped news never reach the terminal.
    """
    return text.translate(_CONTROL_PLACEHOLDERS)


def _placeholder(code: int) -> str:
    if code < 0x20:
        return chr(0x2400 + code)  # U+2400 block: ␀ ␁ ... ␛ ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


_CONTROL_PLACEHOLDERS = {
    code: _placeholder(code)
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]
    if code not in (0x09, 0x0A)
}
