"""The lexicon CSV format: parsing, every validation error with file:line, and the bundled lexicon."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.lexicon.entries import (
    COLUMNS,
    LexiconError,
    parse_lexicon,
    read_lexicon,
    validate_new_entry,
    write_lexicon,
)
from annotator.model import LexiconEntry
from annotator.resources import default_lexicon_path

HEADER = ",".join(COLUMNS)


@pytest.fixture
def labels(tagset):
    return tagset.label_names


def write(tmp_path: Path, text: str, name: str = "mine.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str, labels) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(LexiconError) as caught:
        read_lexicon(path, labels)
    return [str(problem) for problem in caught.value.problems]


def test_reads_every_column_and_normalises_cells(tmp_path, labels):
    path = write(
        tmp_path,
        HEADER + "\n"
        '"  rezim ",name_calling,exact,rezimnya|rezim-rezim,,pemerintah,"a  note\nover lines",me\n'
        "pendudukan,loaded_language,stem,,penduduk|kedudukan,,,\n"
        '"pesawat (nirawak|tak berawak) pengecut",loaded_language,phrase,'
        "serangan (drone|udara) pengecut,,,,\n",
    )
    entries = read_lexicon(path, labels)
    assert [(e.term, e.label, e.match, e.forms, e.exclude, e.line) for e in entries] == [
        ("rezim", "name_calling", "exact", ("rezimnya", "rezim-rezim"), (), 2),
        ("pendudukan", "loaded_language", "stem", (), ("penduduk", "kedudukan"), 4),
        (
            "pesawat (nirawak|tak berawak) pengecut",
            "loaded_language",
            "phrase",
            ("serangan (drone|udara) pengecut",),
            (),
            5,
        ),
    ]
    assert entries[0].neutral == "pemerintah" and entries[0].note == "a note over lines"
    assert entries[0].source == "me"


def test_columns_in_any_order_optional_columns_missing_comments_blank_rows_and_bom(tmp_path, labels):
    path = tmp_path / "x.csv"
    path.write_bytes("\ufeffmatch,label,term\n\n# a comment row\nexact,name_calling,antek\n".encode())
    [entry] = read_lexicon(path, labels)
    assert (entry.term, entry.label, entry.match, entry.forms, entry.line) == ("antek", "name_calling", "exact", (), 4)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("rezim,loaded,exact,,,,,", "unknown label 'loaded' (labels: loaded_language, name_calling,"),
        (",name_calling,exact,,,,,", "empty term"),
        ("  ,name_calling,exact,,,,,", "empty term"),
        ("rezim,name_calling,stemmed,,,,,", "bad match value 'stemmed' for 'rezim' (use one of: exact, stem,"),
        ("rezim,name_calling,,,,,,", "empty match value for 'rezim'"),
        ("rezim,,exact,,,,,", "empty label for 'rezim'"),
        ("serangan (pesawat,loaded_language,phrase,,,,,", "cannot parse phrase 'serangan (pesawat': unclosed '('"),
        ("a (b (c)),loaded_language,phrase,,,,,", "groups cannot be nested"),
        ("a b),loaded_language,phrase,,,,,", "')' without '('"),
        ("~,loaded_language,phrase,,,,,", "'~' must be followed by a word"),
        ("a () b,loaded_language,phrase,,,,,", "empty group '()'"),
        ("... a,loaded_language,phrase,,,,,", "'...' must stand between words"),
        ("a ...,loaded_language,phrase,,,,,", "'...' must stand between words"),
        ("a ... ... b,loaded_language,phrase,,,,,", "two '...' gaps in a row"),
        ("a (b|...) c,loaded_language,phrase,,,,,", "'...' cannot stand inside a group"),
        ("(a|),loaded_language,phrase,,,,,", "the phrase can match nothing"),
        ("~a~b,loaded_language,phrase,,,,,", "misplaced '~'"),
        ("irak,loaded_language,exact,,,,,,surplus", "9 cells but the header has 8 columns"),
        (
            "a (b|c) (d|e) (f|g) (h|i) (j|k) (l|m) (n|o) (p|q) (r|s),loaded_language,phrase,,,,,",
            "expands to 512 variants (at most 256)",
        ),
        ("perlawanan,,ignore,x (y,,,,", "cannot parse phrase 'x (y': unclosed '('"),
        ("serangan ~genosida,loaded_language,exact,,,,,", "phrase syntax (~ ( | ) ...) needs match=phrase"),
        ("klaim palsu,epistemic_framing,stem,,,,,", "a stem entry is one word, not 'klaim palsu'"),
        ("duduk,loaded_language,stem,,penduduk asli,,,", "exclude form 'penduduk asli' must be a single word"),
        ("duduk,loaded_language,stem,diduduki,diduduki,,,", "'diduduki' is both a form and an exclusion"),
    ],
)
def test_every_invalid_row_names_file_line_and_problem(tmp_path, labels, row, message):
    problems = problems_of(tmp_path, HEADER + "\n# a comment line first\n" + row + "\n", labels)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{tmp_path / 'mine.csv'}:3: "), problems
    assert message in problems[0]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            ["rezim,name_calling,exact,,,,,", "Rezim,loaded_language,exact,,,,,"],
            "mine.csv:3: duplicate entry 'Rezim' (exact): already defined on line 2",
        ),
        (
            ["rezim,name_calling,exact,rezimnya,,,,", "pemerintahan rezim,name_calling,exact,rezimnya,,,,"],
            "mine.csv:3: duplicate entry: form 'rezimnya' of 'pemerintahan rezim' already belongs to 'rezim' on line 2",
        ),
        (
            ["penjajah,name_calling,stem,,,,,", "penjajahan,loaded_language,stem,,,,,"],
            "mine.csv:3: duplicate entry: 'penjajahan' has the stem 'jajah' of 'penjajah' on line 2",
        ),
        (
            ["klaim palsu,epistemic_framing,phrase,,,,,", "klaim  palsu,loaded_language,phrase,,,,,"],
            "mine.csv:3: duplicate entry 'klaim palsu' (phrase)",
        ),
    ],
)
def test_duplicates_are_refused_with_the_line_of_the_first(tmp_path, labels, rows, message):
    problems = problems_of(tmp_path, "\n".join([HEADER, *rows]) + "\n", labels)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{tmp_path / 'mine.csv'}:3: ")
    assert message.removeprefix("mine.csv:3: ") in problems[0]


def test_every_problem_of_a_file_is_reported_with_its_own_line(tmp_path, labels):
    text = (
        "\n".join(
            [
                HEADER,
                "rezim,name_calling,exact,,,,,",
                '"a multi-line',
                'note term",nope,exact,,,,,',
                ",name_calling,exact,,,,,",
                "dalih,epistemic_framing,stemmed,,,,,",
                "rezim,name_calling,exact,,,,,",
            ]
        )
        + "\n"
    )
    problems = problems_of(tmp_path, text, labels)
    prefix = str(tmp_path / "mine.csv")
    assert [p.removeprefix(prefix).split(":")[1] for p in problems] == ["3", "5", "6", "7"]
    assert "unknown label 'nope'" in problems[0] and "empty term" in problems[1]
    assert "bad match value 'stemmed'" in problems[2] and "duplicate entry 'rezim'" in problems[3]


def test_header_problems(tmp_path, labels):
    assert problems_of(tmp_path, "", labels) == [
        f"{tmp_path / 'mine.csv'}:1: empty file: expected a header row with " + HEADER
    ]
    problems = problems_of(tmp_path, "term,label,matsch,forms\nrezim,name_calling,exact,\n", labels)
    assert problems == [
        f"{tmp_path / 'mine.csv'}:1: unknown column 'matsch' (columns: " + ", ".join(COLUMNS) + ")",
        f"{tmp_path / 'mine.csv'}:1: missing column 'match'",
    ]


def test_malformed_csv_and_bad_encoding(tmp_path, labels):
    problems = problems_of(tmp_path, HEADER + '\nrezim,name_calling,exact\n"dalih"x,epistemic_framing,stem\n', labels)
    assert problems == [f"{tmp_path / 'mine.csv'}:3: malformed CSV: ',' expected after '\"'"]
    path = tmp_path / "latin.csv"
    path.write_bytes(b"term,label,match\nb\xe9zim,name_calling,exact\n")
    with pytest.raises(LexiconError, match=r"latin.csv:2: not UTF-8 text \(byte offset 18\)"):
        read_lexicon(path, labels)


def test_ignore_entries_may_have_no_label_and_label_check_can_be_skipped(tmp_path, labels):
    path = write(tmp_path, HEADER + "\nPerlawanan Islam (di|) Irak,,ignore,,,,,\nrezim,whatever,exact,,,,,\n")
    with pytest.raises(LexiconError, match="unknown label 'whatever'"):
        read_lexicon(path, labels)
    assert [e.label for e in read_lexicon(path, None)] == ["", "whatever"]


def test_validate_new_entry_checks_against_the_project(labels):
    existing = [LexiconEntry("rezim", "name_calling", "exact", lexicon="id-loaded-language", line=20)]
    assert validate_new_entry(LexiconEntry("rezim", "name_calling", "exact"), existing, labels) == [
        "duplicate entry 'rezim' (exact): already defined in lexicon 'id-loaded-language' (line 20)"
    ]
    assert validate_new_entry(LexiconEntry("antek", "name_calling", "exact"), existing, labels) == []
    assert validate_new_entry(LexiconEntry("antek", "nope", "exact"), existing, labels)[0].startswith(
        "unknown label 'nope'"
    )


# ------------------------------------------------------------------ the bundled lexicon

REQUIRED_TERMS = [
    "pengecut",
    "genosida",
    "serangan ~genosida",
    "pendudukan",
    "kekejaman",
    "dalih",
    "klaim palsu",
    "diklaim ... sebagai",
    "Takfiri",
    "rezim",
    "terkepung",
    "jihadis",
    "~melanggar hukum internasional",
    "perlawanan",
    "Perlawanan Islam (di|) Irak",
    "zionis",
    "penjajahan",
    "penjajah",
    "pembantaian",
    "agresi",
    "teroris",
    "antek",
    "boneka",
    "biadab",
    "syahid",
    "martir",
]


def test_bundled_lexicon_is_valid_curated_and_covers_the_issue_terms(labels):
    entries = read_lexicon(default_lexicon_path(), labels)
    assert len(entries) >= 60
    by_term = {e.term: e for e in entries}
    for term in REQUIRED_TERMS:
        assert term in by_term, term
    for entry in entries:
        assert entry.note, entry.term
        assert entry.source, entry.term
        if entry.match != "ignore":
            assert entry.neutral, entry.term
    assert by_term["~melanggar hukum internasional"].label == "unattributed_claim"
    assert by_term["perlawanan"].label == "name_calling" and by_term["perlawanan"].match == "exact"
    assert "penduduk" in by_term["pendudukan"].exclude and "kecut" in by_term["pengecut"].exclude
    assert by_term["Perlawanan Islam (di|) Irak"].match == "ignore"


# ------------------------------------------------------------------ round trip

_word = st.text(alphabet="abcdefghijklmnoprstuwy", min_size=2, max_size=9)


@st.composite
def entries_strategy(draw):
    terms = draw(st.lists(_word, min_size=1, max_size=8, unique=True))
    entries = []
    for _i, term in enumerate(terms):
        match = draw(st.sampled_from(["exact", "phrase"]))
        if match == "phrase":
            term = f"{term} ~{draw(_word)} ({draw(_word)}|{draw(_word)} {draw(_word)})"
            forms = (f"{draw(_word)} ... {draw(_word)}",)
        else:
            forms = tuple(
                f"{term}{suffix}"
                for suffix in draw(st.lists(st.sampled_from(["nya", "lah", "kan"]), unique=True, max_size=3))
            )
        entries.append(
            LexiconEntry(
                term=term,
                label=draw(st.sampled_from(["loaded_language", "name_calling"])),
                match=match,
                # Stored text is NFC (lexicons are normalised on reading), so the round trip
                # is stated for NFC text; U+0F5C, for one, is not NFC-stable.
                forms=forms,
                neutral=draw(
                    st.text(min_size=0, max_size=20).map(lambda s: unicodedata.normalize("NFC", " ".join(s.split())))
                ),
                note=draw(st.sampled_from(["", 'quotes " and, commas', "multi\nline"])).replace("\n", " "),
                source="test",
            )
        )
    return entries


@settings(max_examples=40, deadline=None)
@given(entries_strategy())
def test_write_then_read_gives_the_same_entries(entries):
    buffer = io.StringIO()
    write_lexicon(entries, buffer)
    back = parse_lexicon(buffer.getvalue(), "roundtrip.csv", ["loaded_language", "name_calling"])
    strip = [(e.term, e.label, e.match, e.forms, e.exclude, e.neutral, e.note, e.source) for e in entries]
    assert [(e.term, e.label, e.match, e.forms, e.exclude, e.neutral, e.note, e.source) for e in back] == strip
