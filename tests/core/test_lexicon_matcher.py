"""Token-based matching: exact, stem with exclusions, phrases, ignore, longest match."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.lexicon.matcher import CompiledLexicon
from annotator.lexicon.phrase import (
    Gap,
    PhraseError,
    StemWord,
    Word,
    parse_phrase,
    split_alternatives,
)
from annotator.lexicon.stemming import StemCache, shared_stems
from annotator.model import LexiconEntry
from annotator.segmentation import tokenize


def E(term, match="exact", label="loaded_language", forms=(), exclude=()):  # noqa: N802 - reads like a row
    return LexiconEntry(term, label, match, tuple(forms), tuple(exclude))


def found(entries, text):
    """(matched text, term, label) for each match in `text`."""
    lexicon = CompiledLexicon(entries)
    return [(text[m.start : m.end], m.entry.term, m.entry.label) for m in lexicon.match(text, tokenize(text))]


# ------------------------------------------------------------------ phrase syntax


def test_phrase_patterns():
    assert parse_phrase("serangan ~genosida") == [(Word("serangan"), StemWord("genosida"))]
    assert parse_phrase("Pesawat (nirawak|tak  berawak)\n Pengecut") == [
        (Word("pesawat"), Word("nirawak"), Word("pengecut")),
        (Word("pesawat"), Word("tak"), Word("berawak"), Word("pengecut")),
    ]
    assert parse_phrase("Perlawanan Islam (di|) Irak") == [
        (Word("perlawanan"), Word("islam"), Word("di"), Word("irak")),
        (Word("perlawanan"), Word("islam"), Word("irak")),
    ]
    assert parse_phrase("diklaim ... sebagai") == [(Word("diklaim"), Gap(), Word("sebagai"))]
    # Words are split like the corpus: "AS," is two tokens.
    assert parse_phrase("pimpinan AS,") == [(Word("pimpinan"), Word("as"), Word(","))]


@pytest.mark.parametrize("bad", ["", "(", ")", "a|b", "(a|(b))", "~", "... a", "a ...", "(|)", "~a b~", "~AS,"])
def test_unparsable_phrases(bad):
    with pytest.raises(PhraseError):
        parse_phrase(bad)


def test_split_alternatives_keeps_groups_whole():
    assert split_alternatives("a (b|c) d| e |f") == ["a (b|c) d", "e", "f"]
    assert split_alternatives("") == []


# ------------------------------------------------------------------ exact and stem


def test_exact_matching_is_case_insensitive_on_whole_tokens():
    entries = [E("rezim", label="name_calling", forms=["rezimnya"])]
    assert found(entries, "Rezim itu dan REZIMNYA, bukan rezimisme.") == [
        ("Rezim", "rezim", "name_calling"),
        ("REZIMNYA", "rezim", "name_calling"),
    ]


def test_stem_matches_affixed_forms_but_not_excluded_words():
    duduk = E("pendudukan", "stem", exclude=["penduduk", "kedudukan"])
    text = (
        "Pangkalan yang diduduki AS, pasukan yang menduduki kota dan pendudukannya ditolak penduduk, "
        "penduduknya dan penduduk-penduduk desa, serta kedudukannya."
    )
    assert [t for t, _, _ in found([duduk], text)] == ["diduduki", "menduduki", "pendudukannya"]


def test_stem_alone_over_matches_which_is_why_exclusions_exist():
    bare = E("pendudukan", "stem")
    assert [t for t, _, _ in found([bare], "penduduk desa")] == ["penduduk"]
    cut = E("pengecut", "stem")
    assert [t for t, _, _ in found([cut], "rasanya kecut, dasar pengecut")] == ["kecut", "pengecut"]
    cut = E("pengecut", "stem", exclude=["kecut"])
    assert [t for t, _, _ in found([cut], "rasanya kecut, kecutnya, dasar pengecut dan kepengecutan")] == [
        "pengecut",
        "kepengecutan",
    ]


def test_kekejamannya_matches_kekejaman_by_stem():
    assert found([E("kekejaman", "stem")], "Israel di Gaza dan kekejamannya terhadap rakyat Irak.") == [
        ("kekejamannya", "kekejaman", "loaded_language")
    ]


# ------------------------------------------------------------------ phrases, longest match, ignore


def test_longest_match_wins():
    entries = [
        E("pengecut", "stem", exclude=["kecut"]),
        E("serangan pesawat (nirawak|tak berawak) pengecut", "phrase"),
        E("genosida", "stem"),
        E("serangan ~genosida", "phrase"),
    ]
    text = "dibunuh dalam serangan pesawat tak berawak pengecut dan serangan genosida, juga genosida"
    assert found(entries, text) == [
        ("serangan pesawat tak berawak pengecut", "serangan pesawat (nirawak|tak berawak) pengecut", "loaded_language"),
        ("serangan genosida", "serangan ~genosida", "loaded_language"),
        ("genosida", "genosida", "loaded_language"),
    ]


def test_on_equal_length_phrase_beats_exact_beats_stem_then_the_first_entry():
    entries = [E("penjajahan", "stem"), E("penjajah", label="name_calling")]
    assert found(entries, "para penjajah dan penjajahan") == [
        ("penjajah", "penjajah", "name_calling"),
        ("penjajahan", "penjajahan", "loaded_language"),
    ]
    entries = [E("boneka", label="name_calling"), E("boneka", "phrase", label="loaded_language")]
    assert found(entries, "rezim boneka") == [("boneka", "boneka", "loaded_language")]
    entries = [E("boneka", label="name_calling"), E("bonekanya", label="loaded_language", forms=["boneka"])]
    assert found(entries, "boneka") == [("boneka", "boneka", "name_calling")]


def test_ignore_entries_suppress_every_overlapping_match():
    entries = [
        E("perlawanan", label="name_calling"),
        E("Perlawanan Islam (di|) Irak", "ignore", label=""),
    ]
    text = "perlawanan Irak Perlawanan Islam Irak mengatakan, dan Perlawanan Islam di Irak serta perlawanan Gaza"
    assert [(t, term) for t, term, _ in found(entries, text)] == [
        ("perlawanan", "perlawanan"),
        ("perlawanan", "perlawanan"),
    ]
    lexicon = CompiledLexicon(entries)
    matches, ignored = lexicon.scan(text, tokenize(text))
    assert [text[s:e] for s, e in ignored] == ["Perlawanan Islam Irak", "Perlawanan Islam di Irak"]


def test_gap_skips_up_to_four_tokens_and_no_more():
    entries = [E("diklaim ... sebagai", "phrase", label="epistemic_framing")]
    assert found(entries, "apa yang diklaim Washington sebagai pasukan") == [
        ("diklaim Washington sebagai", "diklaim ... sebagai", "epistemic_framing")
    ]
    assert found(entries, "diklaim sebagai") == [("diklaim sebagai", "diklaim ... sebagai", "epistemic_framing")]
    assert found(entries, "diklaim oleh pemerintah AS itu sebagai") != []
    assert found(entries, "diklaim oleh pemerintah AS yang baru sebagai") == []
    assert found(entries, "diklaim oleh Perlawanan Islam di Irak, sebuah aliansi") == []


def test_stem_words_in_phrases_and_their_exclusions():
    entries = [E("~melanggar hukum internasional", "phrase", label="unattributed_claim")]
    assert [
        t
        for t, _, _ in found(
            entries, "yang melanggar hukum internasional dan pelanggaran hukum internasional serta hukum internasional"
        )
    ] == ["melanggar hukum internasional", "pelanggaran hukum internasional"]
    entries = [E("tentara ~pendudukan", "phrase", exclude=["penduduk"])]
    assert [t for t, _, _ in found(entries, "tentara pendudukan, tentara penduduk")] == ["tentara pendudukan"]


def test_multi_word_exact_forms_match_literally():
    entries = [E("klaim palsu", label="epistemic_framing", forms=["klaim-klaim palsu"])]
    assert [t for t, _, _ in found(entries, "berdasarkan klaim palsu dan klaim-klaim palsu, bukan klaim")] == [
        "klaim palsu",
        "klaim-klaim palsu",
    ]


def test_characters_that_change_length_when_lower_cased_keep_offsets_right():
    # "İ".lower() is two code points; the matcher must still report offsets into the original text.
    text = "İİİ rezim İstanbul dan rezim"
    assert [
        (s, e) for s, e in ((m.start, m.end) for m in CompiledLexicon([E("rezim")]).match(text, tokenize(text)))
    ] == [(4, 9), (23, 28)]


def test_tokens_from_another_tokenizer_fall_back_to_the_per_token_path():
    text = "serangan genosida Israel"
    odd_tokens = [(0, 8), (9, 13), (13, 17), (18, 24)]  # "geno" + "sida": not how we tokenize
    lexicon = CompiledLexicon([E("serangan"), E("sida")])
    assert [text[m.start : m.end] for m in lexicon.match(text, odd_tokens)] == ["serangan", "sida"]


def test_empty_sentence_and_empty_lexicon():
    assert CompiledLexicon([]).match("rezim", tokenize("rezim")) == []
    assert CompiledLexicon([E("rezim")]).match("", []) == []


def test_stems_are_cached_per_distinct_token():
    stems = StemCache()
    assert stems.stem("kekejamannya") == "kejam" and stems.stem("2.500") == "2.500"
    assert stems.stem("pangkalan-pangkalan") == "pangkal" and len(stems) == 3
    assert stems.stem("kekejamannya") == "kejam" and len(stems) == 3
    assert shared_stems() is shared_stems()


# ------------------------------------------------------------------ properties

VOCABULARY = [
    "rezim",
    "Rezim",
    "penduduk",
    "diduduki",
    "menduduki",
    "serangan",
    "genosida",
    "pesawat",
    "tak",
    "berawak",
    "nirawak",
    "pengecut",
    "kecut",
    "Perlawanan",
    "perlawanan",
    "Islam",
    "di",
    "Irak",
    "diklaim",
    "AS",
    "sebagai",
    "klaim",
    "palsu",
    "dan",
    "“",
    "”",
    ",",
    ".",
    "'",
    "2.500",
    "antek-antek",
    "kekejamannya",
]
LEXICON = [
    E("rezim", label="name_calling"),
    E("pendudukan", "stem", exclude=["penduduk"]),
    E("pengecut", "stem", exclude=["kecut"]),
    E("serangan pesawat (nirawak|tak berawak) pengecut", "phrase"),
    E("genosida", "stem"),
    E("serangan ~genosida", "phrase"),
    E("perlawanan", label="name_calling"),
    E("Perlawanan Islam (di|) Irak", "ignore", label=""),
    E("diklaim ... sebagai", "phrase", label="epistemic_framing"),
    E("klaim palsu", "phrase", label="epistemic_framing"),
    E("antek", label="name_calling", forms=["antek-antek"]),
    E("kekejaman", "stem"),
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(VOCABULARY), max_size=30),
    st.lists(st.sampled_from([" ", "  ", "\t"]), min_size=30, max_size=30),
)
def test_matches_are_token_aligned_disjoint_and_the_same_on_both_paths(words, spaces):
    text = "".join(word + space for word, space in zip(words, spaces)).strip()
    tokens = tokenize(text)
    lexicon = CompiledLexicon(LEXICON)
    matches, ignored = lexicon.scan(text, tokens)
    starts, ends = {s for s, _ in tokens}, {e for _, e in tokens}
    previous_end = -1
    for start, end, entry in matches:
        assert start in starts and end in ends and start < end
        assert start >= previous_end  # sorted and disjoint
        previous_end = end
        assert not any(start < e and s < end for s, e in ignored)
        assert entry.match != "ignore"
    assert lexicon.match(text, tokens) == matches
    # The chunk-cache path and the per-token path agree.
    slow = lexicon._scan_tokens([text[s:e].lower() for s, e in tokens], tokens)
    assert (matches, ignored) == slow


# ------------------------------------------------------------ matching stays linear


def test_gap_phrases_cost_a_bounded_walk_however_many_gaps():
    # Today's code walked every gap choice: 5x per gap, 82 s for these 8 gaps on 61 tokens.
    phrase = " ... ".join(["kata"] * 9)
    text = " ".join(["kata"] * 61)
    lexicon = CompiledLexicon([E(phrase, "phrase")])
    started = time.perf_counter()
    matches = lexicon.match(text, tokenize(text))
    assert time.perf_counter() - started < 1.0
    # The longest match: 9 words and 8 gaps of 4 tokens.
    assert (matches[0].start, matches[0].end) == (0, len(" ".join(["kata"] * 41)))


def test_a_1500_word_phrase_matches_without_recursing():
    words = [f"w{i}" for i in range(1500)]
    text = " ".join(words)
    lexicon = CompiledLexicon([E(" ".join(words), "phrase"), E(" ... ".join(words[:40]), "phrase")])
    assert [(m.start, m.end) for m in lexicon.match(text, tokenize(text))] == [(0, len(text))]
