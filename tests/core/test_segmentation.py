"""Sentence boundaries and tokens, exactly, on the samples and on hand-written text."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.corpus_files import read_txt
from annotator.resources import sample_paths
from annotator.segmentation import (
    ABBREVIATIONS,
    punkt,
    punkt_class,
    segment,
    sentence_spans,
    tokenize,
)
from annotator.textnorm import normalize_text

# (start, end, first 24 characters, last 16 characters) of every sentence. Checked by
# reading: a newline always ends a sentence (000: "genosida Z" / "Israel di Gaza"),
# 2.500 and (11/2/2024) never split, the ellipsis inside quotes in 001 does not split,
# closing quotes stay with their sentence, and the trailing "[IT/r]" and
# "(haninmazaya/arrahmah.id)" credits are sentences of their own.
SAMPLE_SENTENCES = {
    "000_da3b1012a6ad7316": [
        (0, 80, "Laporan: Washington dan ", "kan AS dari Irak"),
        (81, 101, "Story Code : 1158489", "y Code : 1158489"),
        (102, 372, "Kantor berita Reuters, m", 'gal pengumuman."'),
        (373, 501, '"Kami telah mencapai kes', "jabat senior AS."),
        (502, 738, "Pengumuman resmi awalnya", "sumber tersebut."),
        (739, 940, "Farhad Alaaldin, penasih", "i telah selesai."),
        (941, 1155, '"Kami sekarang berada di', 'udaya," katanya.'),
        (1156, 1339, "Menurut kantor berita te", "narikan pasukan."),
        (1340, 1509, "Kesepakatan tersebut ter", "-pangkalan Irak."),
        (1510, 1808, "Serangan Ain al-Assad me", 'gkalan Amerika."'),
        (1809, 1995, "Pembicaraan tersebut dim", "hadap genosida Z"),
        (1996, 2049, "Israel di Gaza dan kekej", "dap rakyat Irak."),
        (2050, 2323, "Kelompok perlawanan Irak", "pemusnah massal."),
        (2324, 2476, "Ada hampir 2.500 tentara", "r melawan Daesh."),
        (2477, 2624, "AS telah mempertahankan ", "pada akhir 2017."),
        (2625, 2701, "Pada tahun 2020, parleme", "iran pasukan AS."),
        (2702, 2974, "Pemungutan suara dilakuk", "bandara Baghdad."),
        (2975, 3215, "Pada tanggal 8 Januari 2", "tinggi tersebut."),
        (3215, 3221, "[IT/r]", "[IT/r]"),
    ],
    "001_0da7177c8754087f": [
        (0, 240, "Baghdad, Purna Warta – K", "a Arab tersebut."),
        (241, 442, "Dalam sebuah pernyataan ", "pejabat militer."),
        (443, 680, "Kedua negara sepakat unt", " pernyataan itu."),
        (681, 864, "Kementerian tersebut men", " keamanan Irak.”"),
        (865, 1120, "Dalam sebuah pernyataan,", "a bulan Agustus."),
        (1121, 1386, "Pernyataan tersebut munc", " internasional.”"),
        (1387, 1517, "Para pejabat senior Irak", "stabilitas Irak."),
        (1518, 1776, "Seruan yang sudah lama d", "n keamanan Irak."),
        (1777, 1888, "Irak mengutuk serangan A", "ung kota Bagdad."),
        (1889, 2080, "Perlawanan Islam Irak, s", "perlawanan Gaza."),
        (2081, 2238, "Para pejabat senior di B", "apat dihentikan."),
        (2239, 2357, "Irak mengatakan pembunuh", "nyata genosida.”"),
        (2358, 2520, "AS menempatkan sekitar 2", "Irak dan Suriah."),
        (2521, 2754, "Daesh dikalahkan ketika ", "di tanah Muslim."),
        (2755, 2815, "Pada tahun 2020, parleme", "ikan pasukan AS."),
        (2816, 3052, "Beberapa hari sebelumnya", " bandara Bagdad."),
    ],
    "004_42838089c5e12062": [
        (0, 280, "BAGHDAD (Arrahmah.id) – ", "ebuah keputusan."),
        (281, 535, "Pembicaraan putaran pert", "balasan dari AS."),
        (536, 776, "“Komisi militer tertingg", "orkan Arab News."),
        (777, 958, "“Selama tidak ada yang m", "kin,” tambahnya."),
        (959, 1139, "Rasool mengatakan bahwa ", "e akhir misinya."),
        (1140, 1340, "Koalisi militer yang dip", "ngganya, Suriah."),
        (1341, 1520, "Pasukan AS dan sekutu te", "l-Hamas di Gaza."),
        (1521, 1688, "Mayoritas serangan terse", " untuk “Israel”."),
        (1689, 1794, "Amerika Serikat telah me", "ok-kelompok ini."),
        (1795, 1912, "Washington memiliki 2.50", "si melawan ISIS."),
        (1913, 2060, "Pasukannya di Irak diker", "li rezim Suriah."),
        (2061, 2169, "Saat ini, pasukan AS di ", "an kembali ISIS."),
        (2170, 2414, "Dalam pernyataan pada Ah", "akukan serangan."),
        (2415, 2494, "Pembicaraan juga berpusa", "rak,” tambahnya."),
        (2495, 2678, "Untuk menggantikan koali", "asukan tersebut."),
        (2679, 2729, "Namun prosesnya kemungki", "erlangsung lama."),
        (2730, 2944, "Sebuah pernyataan pada K", "n” misi koalisi."),
        (2945, 2970, "(haninmazaya/arrahmah.id", "aya/arrahmah.id)"),
    ],
}

# Written for this test: every abbreviation the issue names, in running text.
ABBREVIATED_TEXT = (
    "Brigjen. Pol. Ahmad Ramadhan dan Kol. Inf. Budi Santoso hadir di Jl. Merdeka No. 5, Jakarta Pusat. "
    "Acara dibuka oleh Letjen. TNI Suharto dan Mayjen. Dudung pada pukul 10.30 WIB. "
    "Dr. Ir. H. Joko Widodo, S.H., M.Si. menyampaikan sambutan tentang Jend. Sudirman. "
    "Prof. Drs. Hj. Siti Aminah memimpin doa. "
    "Surat itu ditujukan a.n. Bpk. Hasan u.p. Sdr. Rudi di PT. Maju Jaya. "
    "Rinciannya tercantum pada tgl. 11/2/2024, hlm. 12, dsb. "
    "Jumlah peserta mencapai 2.500 orang, termasuk mahasiswa, guru, dll. "
    "Mereka berkumpul sejak pagi (pukul 07.00).\n"
    "Menurut Susilo B. Yudhoyono, “semua sudah siap... tinggal menunggu,” katanya. "
    "Kantor Bpk. Rahmat di Jl. Sudirman Kav. 21\n"
    "berdiri sejak 1998, dst.\n"
    "Penanggung jawab: Ir. Bambang, Kol. (Purn.) Hasan, Sdri. Wati, dkk. Semua hadir."
)
ABBREVIATED_SENTENCES = [
    "Brigjen. Pol. Ahmad Ramadhan dan Kol. Inf. Budi Santoso hadir di Jl. Merdeka No. 5, Jakarta Pusat.",
    "Acara dibuka oleh Letjen. TNI Suharto dan Mayjen. Dudung pada pukul 10.30 WIB.",
    "Dr. Ir. H. Joko Widodo, S.H., M.Si. menyampaikan sambutan tentang Jend. Sudirman.",
    "Prof. Drs. Hj. Siti Aminah memimpin doa.",
    "Surat itu ditujukan a.n. Bpk. Hasan u.p. Sdr. Rudi di PT. Maju Jaya.",
    # A list ending (dsb., dll., dst., dkk.) before a capital ends the sentence.
    "Rinciannya tercantum pada tgl. 11/2/2024, hlm. 12, dsb.",
    "Jumlah peserta mencapai 2.500 orang, termasuk mahasiswa, guru, dll.",
    "Mereka berkumpul sejak pagi (pukul 07.00).",
    "Menurut Susilo B. Yudhoyono, “semua sudah siap... tinggal menunggu,” katanya.",
    # The newline is a hard boundary, even in the middle of a clause.
    "Kantor Bpk. Rahmat di Jl. Sudirman Kav. 21",
    "berdiri sejak 1998, dst.",
    "Penanggung jawab: Ir. Bambang, Kol. (Purn.) Hasan, Sdri. Wati, dkk.",
    "Semua hadir.",
]


def sample_text(stem: str) -> str:
    [path] = [p for p in sample_paths() if p.stem == stem]
    return read_txt(path).text


def test_sample_sentence_boundaries_are_exact():
    for stem, expected in SAMPLE_SENTENCES.items():
        text = sample_text(stem)
        got = [(s, e, text[s:e][:24], text[s:e][-16:]) for s, e in sentence_spans(text)]
        assert got == expected, stem


def test_abbreviations_from_the_issue_do_not_end_sentences():
    got = [ABBREVIATED_TEXT[s:e] for s, e in sentence_spans(ABBREVIATED_TEXT)]
    assert got == ABBREVIATED_SENTENCES


def test_abbreviation_list_has_everything_the_issue_requires():
    required = "Jend. Letjen. Mayjen. Brigjen. Kol. Dr. Prof. H. Hj. Ir. Drs. No. Jl. dll. dsb. dst. tgl. hlm. Bpk. Sdr. PT. S.H. M.Si. a.n. u.p."
    assert {a[:-1].lower() for a in required.split()} <= ABBREVIATIONS


def test_newline_is_a_hard_boundary():
    text = "Pasukan tiba di kota\nitu pada pagi hari. Warga menyambut."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Pasukan tiba di kota",
        "itu pada pagi hari.",
        "Warga menyambut.",
    ]


def test_numbers_dates_and_quoted_ellipses_do_not_split():
    text = "Sekitar 2.500 tentara tiba pukul 10.30 pada Ahad (11/2/2024) di pangkalan. “Kami... menunggu,” katanya."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Sekitar 2.500 tentara tiba pukul 10.30 pada Ahad (11/2/2024) di pangkalan.",
        "“Kami... menunggu,” katanya.",
    ]


def test_sentences_are_trimmed_of_surrounding_whitespace():
    text = "  \tHalo dunia.   Apa kabar?  \n\n   "
    assert [text[s:e] for s, e in sentence_spans(text)] == ["Halo dunia.", "Apa kabar?"]


def test_empty_and_blank_text_have_no_sentences():
    assert segment("") == []
    assert segment(" \n\t\n ") == []


def words(sentence: str) -> list[str]:
    return [sentence[s:e] for s, e in tokenize(sentence)]


def test_curly_and_straight_quotes_are_separate_tokens():
    assert words("dukungan AS untuk “Israel”.") == ["dukungan", "AS", "untuk", "“", "Israel", "”", "."]
    assert words("fase baru 'eskalasi' dan \"fase\"") == ["fase", "baru", "'", "eskalasi", "'", "dan", '"', "fase", '"']


def test_names_numbers_dates_and_abbreviations_stay_single_tokens():
    assert words("Ain al-Assad, 2.500 tentara, pukul 10.30 (11/2/2024) anti-AS") == [
        "Ain",
        "al-Assad",
        ",",
        "2.500",
        "tentara",
        ",",
        "pukul",
        "10.30",
        "(",
        "11/2/2024",
        ")",
        "anti-AS",
    ]
    assert words("Dr. Budi, S.H., M.Si. dan guru, dll.") == [
        "Dr.",
        "Budi",
        ",",
        "S.H.",
        ",",
        "M.Si.",
        "dan",
        "guru",
        ",",
        "dll.",
    ]
    # A word that is not an abbreviation does not take the sentence's period.
    assert words("di Irak. Lalu...") == ["di", "Irak", ".", "Lalu", "..."]


def test_tokens_of_a_sample_sentence_in_the_database_order():
    text = sample_text("004_42838089c5e12062")
    [(start, end, tokens)] = [piece for piece in segment(text) if "“Israel”" in text[piece[0] : piece[1]]]
    sentence = text[start:end]
    assert [sentence[s:e] for s, e in tokens][-4:] == ["“", "Israel", "”", "."]


def test_segmentation_needs_no_nltk_data(tmp_path):
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    code = textwrap.dedent(
        """
        import nltk
        def refuse(*args, **kwargs):
            raise AssertionError("nltk.download called")
        nltk.download = refuse
        from annotator.segmentation import segment
        text = "Dr. Budi tiba di Jl. Merdeka No. 5. Ia disambut 2.500 warga.\\nLalu pulang."
        print(len(segment(text)))
        """
    )
    env = {**os.environ, "NLTK_DATA": str(empty), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3"


@lru_cache(maxsize=1)
def stock_punkt():
    """Our Punkt class with the same parameters, without the faster regexes."""

    return punkt_class()(punkt()._params)


def stock_punkt_spans(text: str) -> list[tuple[int, int]]:
    return [span for line_spans in _per_line(text, stock_punkt()) for span in line_spans]


def _per_line(text, tokenizer):
    offset = 0
    for line in text.split("\n"):
        yield [(offset + s, offset + e) for s, e in tokenizer.span_tokenize(line)] if line.strip() else []
        offset += len(line) + 1


def test_faster_punkt_matches_nltk_punkt_on_the_samples():
    fast = punkt()
    for path in sample_paths():
        text = read_txt(path).text
        assert [s for spans in _per_line(text, fast) for s in spans] == stock_punkt_spans(text)


# ------------------------------------------------------------------ properties

_PIECES = st.sampled_from(
    [
        "Irak",
        "pasukan",
        "AS",
        "2.500",
        "10.30",
        "(11/2/2024)",
        "al-Assad",
        "“Israel”",
        "'eskalasi'",
        "Dr.",
        "Jl.",
        "No.",
        "dll.",
        "dsb.",
        "S.H.",
        "M.Si.",
        "a.n.",
        "H.",
        "B.",
        "...",
        "…",
        ".",
        ",",
        "!",
        "?",
        "“",
        "”",
        '"',
        "(",
        ")",
        "-",
        "--",
        ":",
        "Kami",
        "tiba",
        "Lalu",
        "x",
        "\u00e9",
        "e\u0301",
    ]
)
_SEPARATORS = st.sampled_from([" ", " ", " ", "  ", "\n", "\t", "", "\n\n", " \u00a0"])


@st.composite
def news_like_text(draw) -> str:
    pieces = draw(st.lists(st.tuples(_PIECES, _SEPARATORS), max_size=40))
    return normalize_text("".join(piece + separator for piece, separator in pieces))


any_text = st.one_of(news_like_text(), st.text(max_size=200).map(normalize_text))


@settings(max_examples=150, deadline=None)
@given(any_text)
def test_sentences_are_ordered_trimmed_and_cover_all_text(text):
    spans = list(sentence_spans(text))
    covered = set()
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip()
        assert "\n" not in piece
        covered.update(range(start, end))
        previous_end = end
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


@settings(max_examples=150, deadline=None)
@given(any_text)
def test_tokens_are_ordered_inside_their_sentence_and_cover_it(text):
    for start, end, tokens in segment(text):
        sentence = text[start:end]
        covered = set()
        previous_end = 0
        for token_start, token_end in tokens:
            assert previous_end <= token_start < token_end <= len(sentence)
            assert not any(ch.isspace() for ch in sentence[token_start:token_end])
            covered.update(range(token_start, token_end))
            previous_end = token_end
        assert all(i in covered for i, ch in enumerate(sentence) if not ch.isspace())


@settings(max_examples=100, deadline=None)
@given(news_like_text())
def test_faster_punkt_matches_nltk_punkt(text):
    assert [s for spans in _per_line(text, punkt()) for s in spans] == stock_punkt_spans(text)


def test_readme_lists_every_abbreviation():
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Text handling", 1)[1].split("\n## ", 1)[0]
    listed = {word.rstrip(".,") for word in section.replace("\n", " ").split(" ") if word.endswith((".", ".,"))}
    missing = {a for a in ABBREVIATIONS if a not in listed}
    letters = {chr(c) for c in range(ord("a"), ord("z") + 1)}
    assert missing <= letters, sorted(missing)  # the letters are listed as a range
    assert "single letters a.–z." in section


# ------------------------------------------------------------------ unseen text (issue 19)


def sentences_of(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_company_suffixes_do_not_end_sentences_before_lower_case():
    assert sentences_of("Saham Keppel Pte. Ltd. naik. Apple Inc. merilis ponsel. Google LLC. digugat.") == [
        "Saham Keppel Pte. Ltd. naik.",
        "Apple Inc. merilis ponsel.",
        "Google LLC. digugat.",
    ]
    assert sentences_of("Kapal itu milik Sony Co. Ltd. asal Jepang.") == ["Kapal itu milik Sony Co. Ltd. asal Jepang."]


def test_company_suffix_before_a_capital_ends_the_sentence():
    assert sentences_of("Barang itu dibeli dari Sony Co. Pemerintah menyetujuinya.") == [
        "Barang itu dibeli dari Sony Co.",
        "Pemerintah menyetujuinya.",
    ]


def test_country_initials_precede_names_and_end_before_indonesian_words():
    assert sentences_of("Presiden A.S. Joe Biden datang. Pejabat U.S. menolak.") == [
        "Presiden A.S. Joe Biden datang.",
        "Pejabat U.S. menolak.",
    ]
    assert sentences_of("Kantor pusatnya ada di A.S. Pemerintah menyetujuinya.") == [
        "Kantor pusatnya ada di A.S.",
        "Pemerintah menyetujuinya.",
    ]


def test_foreign_forms_of_address_do_not_end_sentences():
    assert sentences_of("Kepada Tn. Smith, Mr. Jones dan Ms. Lee berbicara.") == [
        "Kepada Tn. Smith, Mr. Jones dan Ms. Lee berbicara."
    ]


def test_eras_in_initials():
    assert sentences_of("Kota itu didirikan pada 500 B.C. oleh bangsa Fenisia.") == [
        "Kota itu didirikan pada 500 B.C. oleh bangsa Fenisia."
    ]
    assert sentences_of("Ia lahir sekitar 300 B.C. Namun tanggalnya diragukan.") == [
        "Ia lahir sekitar 300 B.C.",
        "Namun tanggalnya diragukan.",
    ]


def test_no_split_before_a_lower_case_word_unless_the_period_clearly_ends_it():
    # An abbreviation the list lacks, a stray period, a question inside quotes.
    assert sentences_of("Acme Grp. membeli aset itu.") == ["Acme Grp. membeli aset itu."]
    assert sentences_of("Harga naik 5 persen. dan turun lagi.") == ["Harga naik 5 persen. dan turun lagi."]
    assert sentences_of("“Mengapa?” tanya dia. Lalu pergi.") == ["“Mengapa?” tanya dia.", "Lalu pergi."]
    # An ordinary word's period before a word such as iPhone does end it.
    assert sentences_of("Ia membeli ponsel. iPhone itu mahal.") == ["Ia membeli ponsel.", "iPhone itu mahal."]


def test_the_letter_after_a_hyphen_is_not_an_initial():
    assert sentences_of("Anggaran itu masuk dalam APBN-P. Pemerintah setuju.") == [
        "Anggaran itu masuk dalam APBN-P.",
        "Pemerintah setuju.",
    ]
    # A real initial still does not end the sentence.
    assert sentences_of("Menurut Susilo B. Yudhoyono, semua siap.") == ["Menurut Susilo B. Yudhoyono, semua siap."]


def test_a_clause_starter_after_an_abbreviation_or_ellipsis_starts_a_sentence():
    assert sentences_of("Pasukan A.S. Mereka pulang.") == ["Pasukan A.S.", "Mereka pulang."]
    assert sentences_of("Ia terdiam... Kemudian pergi.") == ["Ia terdiam...", "Kemudian pergi."]
    assert sentences_of("Dr. Budi tiba.") == ["Dr. Budi tiba."]


def test_boundaries_on_unseen_text_reach_the_target():
    from tests.core.segmentation_text import text_and_boundaries

    text, gold = text_and_boundaries()
    assert len(gold) >= 300
    found = {end for _start, end in sentence_spans(text)}
    correct = len(found & gold)
    assert correct / len(found) >= 0.995, sorted(found - gold)
    assert correct / len(gold) >= 0.995, sorted(gold - found)


def test_punkt_loads_without_the_whole_of_nltk_and_nltk_still_imports_afterwards():
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from annotator.segmentation import punkt, sentence_spans\n"
        "punkt()\n"
        "assert len(list(sentence_spans('Tn. Budi datang. Dia pergi.'))) == 2\n"
        "loaded = sorted(m for m in sys.modules if m == 'nltk' or m.startswith('nltk.'))\n"
        "assert 'nltk' not in loaded and 'nltk.classify' not in loaded, loaded\n"
        "import nltk\n"
        "assert callable(nltk.sent_tokenize) and nltk.tokenize.PunktSentenceTokenizer\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
