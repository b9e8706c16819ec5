"""Turn input bytes into stored text: decoded UTF-8 (BOM accepted), LF line ends, NFC.

All offsets in the project refer to text produced here.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata

from .errors import InputError

# How much of a file is inspected to tell text from binary data.
SNIFF_BYTES = 8192

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_32_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# File signatures of formats people mistake for text: PDF, Office and zip, old Office,
# gzip, bzip2, xz, 7z, rar, images, executables.
_MAGIC = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a zip archive (docx, xlsx, odt, ...)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"Rar!\x1a\x07", "a rar archive"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
# C0 control characters that plain text does contain: tab, LF, VT, FF, CR, ESC.
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x1b")
_BINARY_CONTROL_SHARE = 0.05


def normalize_text(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def sniff(head: bytes, origin: str, encoding: str | None) -> str:
    """Check the first bytes of a file; return the codec to read it with.

    Refuses binary files (a known file signature, NUL bytes, or many control bytes)
    and, without --encoding, UTF-16/UTF-32 text, which is not UTF-8.
    """
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            raise InputError(f"{origin}: binary file ({kind}); not imported")
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r} (try utf-8, cp1252, latin-1 or utf-16)") from None
        # A BOM at the start of UTF-8 text is accepted even when the encoding is named.
        return "utf-8-sig" if codec == "utf-8" else codec
    for bom, codec in _UTF16_32_BOMS:
        if head.startswith(bom):
            raise InputError(f"{origin}: {codec.upper()} text, not UTF-8; pass --encoding {codec}")
    if b"\x00" in head:
        raise InputError(f"{origin}: binary file (contains NUL bytes); not imported")
    if head:
        controls = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROLS)
        if controls > _BINARY_CONTROL_SHARE * len(head):
            raise InputError(f"{origin}: binary file (mostly control bytes); not imported")
    return "utf-8-sig"


def check_decoded_head(text: str, origin: str) -> None:
    """After decoding with an explicit encoding: NUL or many control characters mean binary."""
    head = text[:SNIFF_BYTES]
    if "\x00" in head:
        raise InputError(f"{origin}: binary file (contains NUL characters once decoded); not imported")
    controls = sum(1 for ch in head if ch < "\x20" and ord(ch) not in _TEXT_CONTROLS)
    if head and controls > _BINARY_CONTROL_SHARE * len(head):
        raise InputError(f"{origin}: binary file (mostly control characters once decoded); not imported")


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_unicode(text: str, origin: str) -> None:
    """Refuse unpaired surrogates (from a JSON \\ud800 escape or an odd codec): they are
    not Unicode text, and neither SQLite nor a terminal can take them."""
    found = _SURROGATE.search(text)
    if found:
        raise InputError(
            f"{origin}: unpaired surrogate U+{ord(found.group()):04X} at character {found.start()};"
            " not valid Unicode text"
        )


def decode_bytes(raw: bytes, origin: str, encoding: str | None = None) -> str:
    """Decode a whole file; refuse binary data and name the byte offset of bad UTF-8."""
    codec = sniff(raw[:SNIFF_BYTES], origin, encoding)
    base = 0
    if codec == "utf-8-sig":
        codec = "utf-8"
        if raw.startswith(UTF8_BOM):
            raw, base = raw[len(UTF8_BOM) :], len(UTF8_BOM)
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(decode_error_message(origin, codec, exc, raw, encoding is None, base)) from None
    if encoding is not None:
        check_decoded_head(text, origin)
        check_unicode(text, origin)
    return normalize_text(text)


def decode_error_message(
    origin: str, codec: str, exc: UnicodeDecodeError, data: bytes, suggest: bool, base: int = 0, line: int = 1
) -> str:
    """One line naming the file, byte offset (and line) of a decoding error.

    `data` is what was being decoded: it starts at byte `base` of the file, on line `line`.
    """
    where = ""
    if ascii_compatible(codec):
        newlines = data[: exc.start].count(b"\n")
        where = f" (line {line + newlines})"
    name = "UTF-8" if codec in ("utf-8-sig", "utf-8") else codec
    hint = "; pass --encoding (e.g. --encoding cp1252)" if suggest else ""
    return f"{origin}: not {name} at byte offset {base + exc.start}{where}{hint}"


def ascii_compatible(codec: str) -> bool:
    """True if the codec writes a newline as the single byte 0x0A (not UTF-16/32)."""
    try:
        return codec == "utf-8-sig" or "\n".encode(codec) == b"\n"
    except (LookupError, UnicodeError):
        return False


# Characters hashed at a time: a 100 MB document is never encoded whole just to hash it.
_HASH_CHARS = 1 << 20


def content_hash(text: str) -> str:
    digest = hashlib.sha256()
    for start in range(0, len(text), _HASH_CHARS):
        digest.update(text[start : start + _HASH_CHARS].encode("utf-8"))
    return digest.hexdigest()


def visible(text: str) -> str:
    """Replace control characters (except newline and tab) with visible placeholders.

    Used by every command that prints document text, so ESC sequences, OSC 52 or BEL
    from scraped news never reach the terminal.
    """
    return text.translate(_CONTROL_PLACEHOLDERS)


def error_line(message: str) -> str:
    """The one form of every error the CLI prints: `error: ` and the message on one
    line (newlines and runs of spaces folded), control characters made visible."""
    return "error: " + visible(" ".join(message.split()))


def _placeholder(code: int) -> str:
    if code < 0x20:
        return chr(0x2400 + code)  # U+2400 block: ␀ ␁ ... ␛ ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


_CONTROL_PLACEHOLDERS = {
    code: _placeholder(code) for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)] if code not in (0x09, 0x0A)
}
