"""Stored text: UTF-8 (BOM accepted), LF line ends, NFC; binary refused; safe display."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.errors import InputError
from annotator.textnorm import content_hash, decode_bytes, normalize_text, visible


def test_crlf_and_cr_become_lf():
    assert normalize_text("a\r\nb\rc\n") == "a\nb\nc\n"


def test_text_is_nfc():
    assert normalize_text("Pe\u0301rez") == "P\u00e9rez"


def test_bom_is_dropped():
    assert decode_bytes(b"\xef\xbb\xbfhalo\r\n", "f.txt") == "halo\n"


def test_bad_utf8_names_file_byte_offset_and_line():
    with pytest.raises(InputError) as error:
        decode_bytes(b"baris satu\nharga \xa35\n", "berita.txt")
    message = str(error.value)
    assert "berita.txt" in message and "byte offset 17" in message and "line 2" in message
    assert "--encoding" in message


def test_byte_offset_counts_the_bom():
    with pytest.raises(InputError, match="byte offset 5"):
        decode_bytes(b"\xef\xbb\xbfab\xff", "f.txt")


def test_explicit_encoding_decodes_what_utf8_refuses():
    assert decode_bytes("harga £5 – naik".encode("cp1252"), "f.txt", "cp1252") == "harga £5 – naik"
    assert decode_bytes("Irak\r\n“Israel”".encode("utf-16"), "f.txt", "utf-16") == "Irak\n“Israel”"


def test_unknown_encoding_is_a_clear_error():
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        decode_bytes(b"x", "f.txt", "klingon")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"abc\x00def", "NUL"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "zip"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (bytes(range(1, 32)) * 20, "control"),
    ],
)
def test_binary_data_is_refused(data, reason):
    with pytest.raises(InputError, match="binary file"):
        decode_bytes(data, "f.bin")


def test_binary_is_refused_even_with_an_encoding():
    with pytest.raises(InputError, match="binary file"):
        decode_bytes(b"\x00\x01\x02" * 100, "f.bin", "latin-1")
    with pytest.raises(InputError, match="binary file"):
        decode_bytes(b"%PDF-1.4 ...", "f.pdf", "latin-1")


def test_utf16_without_encoding_gets_a_hint():
    with pytest.raises(InputError, match="UTF-16 text, not UTF-8; pass --encoding utf-16"):
        decode_bytes("halo".encode("utf-16"), "f.txt")


def test_visible_replaces_control_characters_but_keeps_newline_and_tab():
    raw = "a\x1b[31mb\x07c\x9bd\r\x00\te\nf\x7f"
    shown = visible(raw)
    assert shown == "a\u241b[31mb\u2407c\ufffdd\u240d\u2400\te\nf\u2421"
    assert not any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in shown)


def test_content_hash_is_sha256_of_utf8():
    assert content_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@given(st.text())
def test_normalisation_is_idempotent_and_complete(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert "\r" not in once
    assert unicodedata.is_normalized("NFC", once)


@given(st.text())
def test_decoding_utf8_equals_normalising_the_text(text):
    data = text.encode("utf-8")
    try:
        decoded = decode_bytes(data, "f.txt")
    except InputError as exc:
        assert "binary file" in str(exc)
        return
    assert decoded == normalize_text(text.removeprefix("\ufeff"))


@given(st.text())
def test_visible_output_has_no_control_characters(text):
    assert not any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in visible(text))
