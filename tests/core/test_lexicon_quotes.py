"""Quotations: the quoted flag, and scare quotes told apart from speakers' partial quotations."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.lexicon.quotes import find_quotes, is_quoted, quoted_flag, scare_quotes
from annotator.segmentation import tokenize


def scares(text: str) -> list[str]:
    tokens = tokenize(text)
    return [text[s.start : s.end] for s in scare_quotes(text, tokens, find_quotes(text, tokens))]


def inside(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotes(text, tokenize(text))]


def test_scare_quotes_of_the_samples():
    # 004: no speaker says “Israel”; "diklaim oleh" claims an attack, it quotes nobody.
    assert scares(
        "Mayoritas serangan tersebut diklaim oleh Perlawanan Islam di Irak, sebuah aliansi dari "
        "kelompok-kelompok yang didukung Iran yang marah atas dukungan AS untuk “Israel”."
    ) == ["“Israel”"]
    # 000: straight single quotes, and the speech verb comes long after.
    assert scares(
        "Serangan Ain al-Assad menandai fase baru 'eskalasi' terhadap pangkalan-pangkalan Amerika: "
        "perlawanan Irak Perlawanan Islam Irak mengatakan serangan baru-baru ini terhadap Pangkalan "
        'Udara Ain al-Assad yang diduduki AS di Irak barat menandai "fase baru eskalasi terhadap '
        'pangkalan-pangkalan Amerika."'
    ) == ["'eskalasi'"]


def test_partial_quotations_of_a_speaker_are_not_scare_quotes():
    assert (
        scares(
            "Rasool mengatakan bahwa pertemuan-pertemuan tersebut bertujuan untuk mengatur “jadwal” untuk "
            "“penarikan pasukan koalisi secara progresif” dari Irak, yang mengarah ke akhir misinya."
        )
        == []
    )
    assert (
        scares(
            "Dalam sebuah pernyataan, Menteri Pertahanan AS Lloyd Austin mengonfirmasi pertemuan “dalam "
            "beberapa hari mendatang” untuk membahas “transisi” koalisi berdasarkan hasil Dialog."
        )
        == []
    )
    assert (
        scares(
            "Irak mengatakan pembunuhan massal dan pengusiran warga Palestina yang dilakukan Israel adalah "
            "“contoh nyata genosida.”"
        )
        == []
    )
    assert (
        scares(
            "Sebuah pernyataan pada Kamis dari koalisi mengatakan bahwa tujuannya sekarang adalah “untuk "
            "menilai” kemajuan yang dicapai."
        )
        == []
    )


def test_a_cue_right_after_the_quote_attributes_it():
    assert scares("“Penjajah,” kata Rasool.") == []
    assert scares("Pembicaraan juga berpusat pada “kemampuan,” tambahnya.") == []
    assert scares("Mereka menyebut “penjajah” pasukan itu.") == []
    assert scares("Pasukan “penjajah” itu datang lagi.") == ["“penjajah”"]


def test_a_cue_inside_another_quotation_introduces_nothing():
    assert scares("“Kami tidak pernah kata mereka” lalu pasukan “penjajah” datang.") == ["“penjajah”"]


def test_more_than_three_words_is_a_quotation_not_a_scare_quote():
    assert scares("Mereka menandai “fase baru yang sangat berbahaya” di sana.") == []
    assert scares("Mereka menandai “fase baru berbahaya” di sana.") == ["“fase baru berbahaya”"]


def test_quote_pairing():
    assert inside("Dia “berkata ‘x’ lalu” pergi.") == ["berkata ‘x’ lalu", "x"]
    assert inside('Ia menyebut "teror" dan "agresi".') == ["teror", "agresi"]
    # A closing mark alone: the quotation began in an earlier sentence.
    assert inside("dan itu semua sudah jelas.” Lalu ia pergi.") == ["dan itu semua sudah jelas."]
    # An opening mark alone: it runs on after the sentence.
    assert inside("Ia berkata: “Kami akan kembali.") == ["Kami akan kembali."]
    # Apostrophes inside words and a lone single mark are not quotations.
    assert inside("Qur'an dan Jum’at, pejuang’ itu") == []


def test_quoted_flag():
    text = "Irak mengatakan pembunuhan itu adalah “contoh nyata genosida.” Genosida lagi."
    tokens = tokenize(text)
    start = text.index("genosida")
    assert quoted_flag(text, tokens, start, start + len("genosida"))
    later = text.index("Genosida")
    assert not quoted_flag(text, tokens, later, later + len("Genosida"))
    # A span that includes the marks is not inside them.
    assert not quoted_flag(text, tokens, text.index("“"), text.index("”") + 1)


MARKS = ["“", "”", '"', "'", "‘", "’"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["kata", "rezim", "Israel", "dan", ",", ".", *MARKS]), max_size=25))
def test_quotations_lie_within_the_sentence_and_scare_quotes_are_short_and_unquoted(words):
    text = " ".join(words)
    tokens = tokenize(text)
    quotes = find_quotes(text, tokens)
    for q in quotes:
        assert 0 <= q.start <= q.end <= len(text)
    for scare in scare_quotes(text, tokens, quotes):
        assert text[scare.start] in "“\"'‘" and text[scare.end - 1] in "”\"'’"
        assert 1 <= sum(any(ch.isalnum() for ch in word) for word in scare.text.split()) <= 3
        cues_before = [(s, e) for s, e in tokens if e <= scare.start and text[s:e] == "kata"]
        assert all(is_quoted(quotes, s, e) for s, e in cues_before)


def test_foreign_terms_in_single_quotes_are_italics_not_scare_quotes():
    # Indonesian writing quotes foreign words where print would set them in italics.
    assert scares("Fitch merevisi 'outlook' perusahaan itu menjadi stabil.") == []
    assert scares("Perseroan mengajukan 'tender offer' kepada pemegang saham.") == []
    assert scares("Keputusan 'The Fed' menekan rupiah.") == []


def test_codes_ratings_and_digits_are_not_scare_quotes():
    assert scares("Pefindo menegaskan peringkat 'AA-idn' untuk obligasi itu.") == []
    assert scares("Peringkat utang naik ke 'BB' tahun ini.") == []
    assert scares("Ia mendapat nilai 'idAAA' dari lembaga itu.") == []
    assert scares("Status siaga naik ke level '4' pagi ini.") == []


def test_titles_of_works_are_not_scare_quotes():
    assert scares("Serial “Game of Thrones.” tamat pada 2019.") == []
    assert scares("Ia membintangi “Laskar Pelangi” dan karya lain.") == []


def test_mentions_after_a_cue_are_not_scare_quotes():
    assert scares("Nama “Karibia” berasal dari suku Karib.") == []
    assert scares("Strategi itu dikenal sebagai “pertahanan aktif” di kalangan militer.") == []
    assert scares("Kapal itu bernama “Harapan” sejak 1990.") == []
    assert scares("Novel berjudul “Bumi” laris di pasaran.") == []
    assert scares("Ia menyanyikan lagu “Rindu” di panggung.") == []
    assert scares("Mereka menonton film “Pengkhianatan” bersama.") == []
    # The cue must stand right before the quotation.
    assert scares("Nama itu tak asing bagi pasukan “penjajah” di sana.") == ["“penjajah”"]


def test_new_speech_cues_attribute_a_partial_quotation():
    assert scares('"Luar biasa," lapor pelanggan itu.') == []
    assert scares("“Kejam,” ujar warga.") == []
    assert scares("“Berbahaya,” tutur Menteri.") == []
    assert scares("“Sangat buruk,” ungkap saksi.") == []
    assert scares("“Ilegal,” jelas juru bicara itu.") == []
    assert scares("“Tidak sah,” tegas Presiden.") == []
    assert scares("Warga melapor ada “penjajah” di desa.") == []
    assert scares("Ia menuturkan bahwa “penjajah” datang.") == []
    # Bare "jelas" before a quotation means "clear": it introduces nobody.
    assert scares("Sudah jelas pasukan “penjajah” itu datang.") == ["“penjajah”"]


def test_every_scare_quote_keeps_its_reason():
    text = "Pasukan “penjajah” itu datang lagi."
    tokens = tokenize(text)
    found = scare_quotes(text, tokens, find_quotes(text, tokens))
    assert [s.reason for s in found] == ["1-3 words in quotes, no speech cue"]


def test_the_sample_articles_scare_quotes_are_still_found():
    from annotator.resources import sample_paths
    from annotator.segmentation import segment

    found = []
    for path in sample_paths():
        text = path.read_text(encoding="utf-8")
        for start, end, _tokens in segment(text):
            found += scares(text[start:end])
    assert "“Israel”" in found and "'eskalasi'" in found
