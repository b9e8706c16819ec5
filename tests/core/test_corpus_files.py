"""Readers for .txt, .csv and .jsonl: fields, metadata, encodings, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator import corpus_files
from annotator.corpus_files import TITLE_LIMIT, FieldChoice, expand_paths, read_documents, title_from_text
from annotator.errors import InputError


def read(path: Path, **kwargs) -> list:
    return list(read_documents(path, **kwargs))


def write_jsonl(path: Path, records: list[dict], encoding: str = "utf-8") -> Path:
    path.write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode(encoding))
    return path


# ---------------------------------------------------------------------- txt


def test_txt_is_one_document_with_stem_id_and_first_line_title(tmp_path):
    path = tmp_path / "berita-1.txt"
    path.write_bytes(b"\r\n  Judul berita  \r\nIsi berita. Kalimat kedua.\r\n")
    [doc] = read(path)
    assert doc.id == "berita-1"
    assert doc.title == "Judul berita"
    assert doc.text == "\n  Judul berita  \nIsi berita. Kalimat kedua.\n"
    assert doc.metadata == {}


def test_txt_title_is_cut_to_120_characters(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("kata " * 60, encoding="utf-8")
    [doc] = read(path)
    assert len(doc.title) <= 120 and doc.title == ("kata " * 24).strip()


# ---------------------------------------------------------------------- csv


def test_csv_detects_common_fields_and_keeps_the_rest_as_metadata(tmp_path):
    path = tmp_path / "berita.csv"
    path.write_text(
        "id,judul,content,source,url,date,penulis\n"
        'a1,Judul A,"Baris satu.\nBaris dua, dengan koma.",Antara,http://x/a,2024-02-11,Budi\n'
        "a2,,Teks kedua.,,,,\n",
        encoding="utf-8",
    )
    first, second = read(path)
    assert (first.id, first.title, first.text) == ("a1", "Judul A", "Baris satu.\nBaris dua, dengan koma.")
    assert (first.source, first.url, first.date) == ("Antara", "http://x/a", "2024-02-11")
    assert first.metadata == {"penulis": "Budi"}
    assert first.origin.endswith("berita.csv:2")
    # No title: the first line of the text.
    assert (second.id, second.title, second.source) == ("a2", "Teks kedua.", None)
    assert second.origin.endswith("berita.csv:4")


def test_csv_flags_override_detection(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("kode,text,ringkasan,headline\nk1,bukan ini,Ini teksnya.,Judul\n", encoding="utf-8")
    [doc] = read(path, fields=FieldChoice(text="ringkasan", id="kode", title="headline"))
    assert (doc.id, doc.text, doc.title) == ("k1", "Ini teksnya.", "Judul")
    assert doc.metadata == {"text": "bukan ini"}


def test_csv_without_id_column_numbers_rows_by_line(tmp_path):
    path = tmp_path / "tanpa.csv"
    path.write_text("body\nSatu.\nDua.\n", encoding="utf-8")
    assert [d.id for d in read(path)] == ["tanpa-2", "tanpa-3"]


def test_tsv_and_semicolon_files(tmp_path):
    tsv = tmp_path / "x.tsv"
    tsv.write_text("id\ttext\nt1\tTeks, dengan koma.\n", encoding="utf-8")
    semicolon = tmp_path / "y.csv"
    semicolon.write_text('id;text\ns1;"Teks; dengan titik koma."\n', encoding="utf-8")
    assert [(d.id, d.text) for d in read(tsv)] == [("t1", "Teks, dengan koma.")]
    assert [(d.id, d.text) for d in read(semicolon)] == [("s1", "Teks; dengan titik koma.")]


def test_csv_field_longer_than_the_csv_module_default(tmp_path):
    path = tmp_path / "panjang.csv"
    long_text = "Kalimat panjang sekali. " * 10_000
    path.write_text(f'id,text\np,"{long_text}"\n', encoding="utf-8")
    [doc] = read(path)
    assert doc.text == long_text


def test_csv_with_bom_and_crlf(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b'\xef\xbb\xbfid,text\r\ne1,"Satu.\r\nDua."\r\n')
    [doc] = read(path)
    assert (doc.id, doc.text) == ("e1", "Satu.\nDua.")


def test_csv_with_cr_only_line_ends_is_read_as_lf(tmp_path):
    # Old Mac and some spreadsheet exports end lines with a lone CR; the README says it becomes LF.
    path = tmp_path / "mac.csv"
    path.write_bytes(b'id,text\re1,"Satu.\rDua."\re2,Tiga.\r')
    assert [(doc.id, doc.text, doc.origin) for doc in read(path)] == [
        ("e1", "Satu.\nDua.", f"{path}:2"),
        ("e2", "Tiga.", f"{path}:4"),
    ]


def test_a_crlf_split_between_two_chunks_is_one_line_end(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_files, "SNIFF_BYTES", 8)
    monkeypatch.setattr(corpus_files, "CHUNK_BYTES", 1)
    path = tmp_path / "split.csv"
    path.write_bytes(b"id,text\r\ne1,Satu.\r\ne2,Dua.\r\n")
    assert [(doc.id, doc.text, doc.origin) for doc in read(path)] == [
        ("e1", "Satu.", f"{path}:2"),
        ("e2", "Dua.", f"{path}:3"),
    ]


@pytest.mark.parametrize(
    ("content", "line", "problem"),
    [
        # An unclosed quote runs to the end of the file: the record's first line is named.
        ('id,text\na,"tidak ditutup\nb,lagi\n', 2, "malformed CSV: unexpected end of data"),
        ('id,text\na,ok\nb,"x"y\n', 3, "malformed CSV"),
        ("id,text\na,ok\nb,satu,dua\n", 3, "3 fields where the header has 2"),
    ],
)
def test_malformed_csv_names_the_line(tmp_path, content, line, problem):
    path = tmp_path / "rusak.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as error:
        read(path)
    assert f"rusak.csv:{line}:" in str(error.value) and problem in str(error.value)


def test_csv_without_text_field_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,judul\n1,Judul\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x.csv:1: no text field .*--text-field"):
        read(path)


def test_csv_row_with_empty_text_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,text\n1,Ada.\n2,  \n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x.csv:3: missing or empty text field 'text'"):
        read(path)


def test_csv_with_only_a_header_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,text\n", encoding="utf-8")
    with pytest.raises(InputError, match="no rows"):
        read(path)


# -------------------------------------------------------------------- jsonl


def test_jsonl_fields_metadata_and_non_string_values(tmp_path):
    path = write_jsonl(
        tmp_path / "x.jsonl",
        [
            {"id": 7, "title": "T", "body": "Isi satu.", "tags": ["a", "b"], "published": "2024-02-11"},
            {"doc_id": "b", "text": "Isi dua.", "sumber": "Antara"},
        ],
    )
    first, second = read(path)
    assert (first.id, first.title, first.text, first.date) == ("7", "T", "Isi satu.", "2024-02-11")
    assert first.metadata == {"tags": ["a", "b"]}
    assert (second.id, second.text, second.source, second.metadata) == ("b", "Isi dua.", "Antara", {})


def test_jsonl_text_field_flag(tmp_path):
    path = write_jsonl(tmp_path / "x.jsonl", [{"id": "a", "text": "bukan", "isi_berita": "Ini."}])
    [doc] = read(path, fields=FieldChoice(text="isi_berita"))
    assert doc.text == "Ini." and doc.metadata == {"text": "bukan"}


def test_jsonl_unknown_text_field_flag_is_refused(tmp_path):
    path = write_jsonl(tmp_path / "x.jsonl", [{"id": "a", "text": "x"}])
    with pytest.raises(InputError, match=r"x.jsonl:1: no field 'isi' for the text"):
        read(path, fields=FieldChoice(text="isi"))


def test_malformed_jsonl_names_the_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "a", "text": "Satu."}\n\n{"id": "b", "text": "Dua.",}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"x.jsonl:3: malformed JSON"):
        read(path)


def test_jsonl_line_that_is_not_an_object(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"text": "a"}\n["text"]\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"x.jsonl:2: expected a JSON object per line, got list"):
        read(path)


def test_json_array_file_gets_a_hint(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('[\n  {"text": "a"}\n]\n', encoding="utf-8")
    with pytest.raises(InputError, match="looks like a JSON array"):
        read(path)


def test_jsonl_missing_text_field_names_the_line(tmp_path):
    path = write_jsonl(tmp_path / "x.jsonl", [{"id": "a", "text": "Satu."}, {"id": "b", "judul": "?"}])
    with pytest.raises(InputError, match=r"x.jsonl:2: no text field"):
        read(path)


def test_document_id_with_control_characters_is_refused(tmp_path):
    path = write_jsonl(tmp_path / "x.jsonl", [{"id": "a\x1b[2Jb", "text": "Satu."}])
    with pytest.raises(InputError, match=r"x.jsonl:1: document id .* contains control characters") as error:
        read(path)
    assert "\x1b" not in str(error.value)


# ------------------------------------------------------------ encodings etc.


def test_jsonl_in_utf16_needs_and_accepts_encoding(tmp_path):
    records = [{"id": f"u{i}", "text": f"Kalimat “ke-{i}”.\nBaris dua."} for i in range(3)]
    path = write_jsonl(tmp_path / "u16.jsonl", records, encoding="utf-16")
    with pytest.raises(InputError, match="UTF-16 text, not UTF-8; pass --encoding utf-16"):
        read(path)
    docs = read(path, encoding="utf-16")
    assert [(d.id, d.text) for d in docs] == [(r["id"], r["text"]) for r in records]


def test_csv_in_utf16le_with_encoding(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes('id,text\r\nw1,"Satu.\r\nDua."\r\n'.encode("utf-16-le"))
    [doc] = read(path, encoding="utf-16-le")
    assert (doc.id, doc.text) == ("w1", "Satu.\nDua.")


def test_non_utf8_jsonl_names_byte_offset_and_line_and_encoding_fixes_it(tmp_path):
    path = tmp_path / "x.jsonl"
    good = '{"id": "a", "text": "Satu."}\n'
    path.write_bytes(good.encode() + '{"id": "b", "text": "Harga £5."}\n'.encode("cp1252"))
    with pytest.raises(InputError) as error:
        read(path)
    offset = len(good.encode()) + len('{"id": "b", "text": "Harga ')
    assert f"x.jsonl: not UTF-8 at byte offset {offset} (line 2)" in str(error.value)
    assert [d.text for d in read(path, encoding="cp1252")] == ["Satu.", "Harga £5."]


def test_decoding_error_offset_is_exact_past_the_first_chunk(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_files, "CHUNK_BYTES", 7)
    path = tmp_path / "x.jsonl"
    head = ('{"text": "é"}\n' * 5).encode()
    path.write_bytes(head + b'{"text": "\xe9"}\n')
    with pytest.raises(InputError, match=rf"byte offset {len(head) + 10} \(line 6\)"):
        read(path)


def test_lines_split_across_chunks_are_read_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_files, "CHUNK_BYTES", 5)
    records = [{"id": str(i), "text": f"Kalimat “ke-{i}” é\u2028."} for i in range(20)]
    path = write_jsonl(tmp_path / "x.jsonl", records)
    assert [d.text for d in read(path)] == [r["text"] for r in records]


def test_jsonl_is_streamed_not_read_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_files, "CHUNK_BYTES", 1024)
    path = write_jsonl(tmp_path / "x.jsonl", [{"id": str(i), "text": "Isi berita. " * 20} for i in range(500)])
    records = read_documents(path)
    first = next(records)
    assert first.id == "0"
    assert first.position < path.stat().st_size / 10


@pytest.mark.parametrize("suffix", [".txt", ".csv", ".jsonl"])
def test_empty_and_blank_files_are_refused(tmp_path, suffix):
    for content in (b"", b"  \n\r\n"):
        path = tmp_path / f"kosong{suffix}"
        path.write_bytes(content)
        with pytest.raises(InputError, match="empty file"):
            read(path)


@pytest.mark.parametrize("suffix", [".txt", ".csv", ".jsonl"])
def test_binary_files_are_refused(tmp_path, suffix):
    path = tmp_path / f"gambar{suffix}"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match="binary file"):
        read(path)


def test_format_flag_overrides_the_suffix(tmp_path):
    path = tmp_path / "data.txt"
    write_jsonl(path, [{"id": "j", "text": "Dari JSONL."}])
    assert [d.id for d in read(path, fmt="jsonl")] == ["j"]


# ------------------------------------------------------------------ folders


def test_folders_are_walked_recursively_skipping_hidden_and_unknown_files(tmp_path):
    root = tmp_path / "korpus"
    (root / "b" / "c").mkdir(parents=True)
    (root / ".git").mkdir()
    for name in (
        "a.txt",
        "b/x.jsonl",
        "b/c/y.csv",
        "b/c/z.TXT",
        "README.md",
        ".hidden.txt",
        ".git/k.txt",
        "b/c/img.png",
    ):
        (root / name).write_text("x", encoding="utf-8")
    found = [p.relative_to(root).as_posix() for p in expand_paths([root])]
    assert found == ["a.txt", "b/c/y.csv", "b/c/z.TXT", "b/x.jsonl"]
    assert [p.name for p in expand_paths([root], "txt")] == ["a.txt", "z.TXT"]
    # A file named on the command line is read whatever its suffix.
    assert list(expand_paths([root / "README.md"])) == [root / "README.md"]


def test_jsonl_unpaired_surrogate_escape_is_refused_but_pairs_are_fine(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(
        '{"id": "a", "text": "senyum \\ud83d\\ude00"}\n{"id": "b", "text": "caf\\ud800e"}\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"x.jsonl:2: unpaired surrogate U\+D800"):
        read(path)
    path.write_text('{"id": "a", "text": "senyum \\ud83d\\ude00", "meta": {"\\udfff": 1}}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"x.jsonl:1: unpaired surrogate U\+DFFF"):
        read(path)
    path.write_text('{"id": "a", "text": "senyum \\ud83d\\ude00"}\n', encoding="utf-8")
    assert [d.text for d in read(path)] == ["senyum \U0001f600"]


@given(st.text(alphabet=st.sampled_from(["a", "b", " ", "\n", "\t", "\u00a0", "\x1c", "é"]), max_size=400))
def test_the_title_is_the_first_non_blank_line_stripped_and_cut(text):
    expected = next((line.strip()[:TITLE_LIMIT].rstrip() for line in text.split("\n") if line.strip()), "")
    assert title_from_text(text) == expected
