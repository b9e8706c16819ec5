"""A test text of our own for sentence boundaries on unseen Indonesian prose.

Paragraphs of gold sentences: news, business and encyclopaedic prose, written for this
test (not taken from the samples), with every hard class the segmenter must handle:
company suffixes, A.S./U.S., Tn./Mr./Ms., B.C., ranks and degrees, lists, numbers and
dates, quotations, `APBN-P.` and other hyphenated codes at a sentence end, sentences
after an abbreviation, and lower-case words after a period. The handwritten
paragraphs are followed by combinations of sentence frames and fillers (`paragraphs`),
so every class meets many neighbours; both are listed here, nothing is generated at
random.
"""

from __future__ import annotations

from itertools import product

HANDWRITTEN: list[list[str]] = [
    [
        "Saham Keppel Pte. Ltd. naik 3 persen pada perdagangan Senin.",
        "Perusahaan asal Singapura itu membeli aset di Batam senilai Rp 2,5 triliun.",
        "Analis menilai langkah tersebut wajar.",
    ],
    [
        "Apple Inc. merilis ponsel baru di Jakarta.",
        "Harga iPhone itu mulai dari Rp 15 juta.",
        "Penjualan diperkirakan naik tahun depan.",
    ],
    [
        "Google LLC. digugat oleh regulator Eropa pekan lalu.",
        "Gugatan itu menyangkut iklan daring.",
    ],
    [
        "Mitsubishi Co. dan Toyota Motor Corp. menandatangani nota kesepahaman.",
        "Kedua perusahaan akan membangun pabrik baterai di Karawang.",
        "Namun jadwalnya belum ditetapkan.",
    ],
    [
        "Presiden A.S. Joe Biden bertemu Perdana Menteri Jepang di Washington.",
        "Pertemuan itu membahas keamanan kawasan.",
        "Pejabat U.S. menolak memberi keterangan lebih lanjut.",
    ],
    [
        "Pasukan A.S. ditarik dari pangkalan itu.",
        "Mereka kembali ke Kuwait pada malam hari.",
    ],
    [
        "Kepada Tn. Smith, Mr. Jones menyampaikan terima kasih.",
        "Ms. Lee dari Reuters ikut hadir dalam jamuan itu.",
        "Acara berakhir pukul 21.00 WIB.",
    ],
    [
        "Kota itu didirikan sekitar tahun 500 B.C. oleh bangsa Fenisia.",
        "Reruntuhannya kini menjadi situs warisan dunia.",
    ],
    [
        "Pemerintah mengajukan perubahan anggaran dalam APBN-P.",
        "DPR akan membahasnya bulan depan.",
        "Defisit diperkirakan mencapai 2,8 persen.",
    ],
    [
        "Pembahasan itu merujuk pada RAPBN-P.",
        "Menteri Keuangan menjelaskan rinciannya di Senayan.",
    ],
    [
        "Brigjen. Pol. Ahmad Ramadhan menyebut tersangka ditangkap di Jl. Sudirman No. 12.",
        "Polisi menyita dua senjata api, amunisi, telepon genggam, dll.",
        "Pemeriksaan masih berlangsung.",
    ],
    [
        "Dr. Ir. Hj. Siti Nurbaya, M.Sc. membuka seminar lingkungan.",
        "Ia menekankan pentingnya hutan adat.",
        "Peserta datang dari Papua, Kalimantan, Sumatra, dsb.",
        "Diskusi berlangsung hingga sore.",
    ],
    [
        "Harga beras naik menjadi Rp 14.500 per kilogram.",
        "Kenaikan itu terjadi sejak 1 Maret 2024.",
        "Pedagang di Pasar Induk Cipinang mengeluhkan sepinya pembeli.",
    ],
    [
        "“Kami tidak akan mundur,” kata juru bicara kelompok itu.",
        "Ia menambahkan bahwa perundingan masih mungkin.",
    ],
    [
        "“Mengapa harus sekarang?” tanya seorang warga.",
        "Pertanyaan itu tidak dijawab.",
    ],
    [
        "Menurut Susilo B. Yudhoyono, reformasi belum selesai.",
        "Pernyataan itu disampaikan di Cikeas.",
    ],
    [
        "Sungai Kapuas adalah sungai terpanjang di Indonesia.",
        "Panjangnya sekitar 1.143 km.",
        "Sungai itu mengalir dari Pegunungan Müller ke Selat Karimata.",
    ],
    [
        "Candi Borobudur dibangun pada masa Dinasti Syailendra.",
        "Bangunan itu terdiri atas sepuluh tingkat.",
        "UNESCO menetapkannya sebagai warisan dunia pada 1991.",
    ],
    [
        "Bank Indonesia mempertahankan suku bunga acuan di level 6 persen.",
        "Keputusan itu diambil dalam Rapat Dewan Gubernur.",
        "Rupiah menguat tipis setelahnya.",
    ],
    [
        "Fitch Ratings menegaskan peringkat BBB untuk Indonesia.",
        "Prospeknya tetap stabil.",
    ],
    [
        "Ia terdiam sejenak...",
        "Kemudian ia pergi tanpa pamit.",
    ],
    [
        "PT. Maju Jaya Tbk. mencatatkan laba Rp 1,2 triliun.",
        "Laba itu naik 12 persen dibanding tahun lalu.",
        "Dividen akan dibagikan pada Juni.",
    ],
    [
        "Petronas Bhd. memenangkan tender blok migas di Natuna.",
        "Kontraknya berlaku 30 tahun.",
    ],
    [
        "Siemens GmbH. membuka kantor baru di Surabaya.",
        "Kantor itu mempekerjakan 200 orang.",
    ],
    [
        "Mahkamah Konstitusi menolak gugatan itu.",
        "Putusan dibacakan oleh sembilan hakim.",
        "Pemohon menyatakan kecewa.",
    ],
    [
        "Gempa bermagnitudo 5,6 mengguncang Cianjur pukul 13.21 WIB.",
        "BMKG menyatakan gempa itu tidak berpotensi tsunami.",
        "Warga sempat panik dan keluar rumah.",
    ],
    [
        "Timnas Indonesia menang 2-1 atas Vietnam.",
        "Gol kemenangan dicetak pada menit ke-89.",
        "Pelatih memuji semangat para pemain.",
    ],
    [
        "Festival itu menampilkan tari Saman, tari Kecak, tari Piring, dst.",
        "Pengunjung memadati alun-alun sejak pagi.",
    ],
    [
        "Kapal itu milik Evergreen Marine Corp. asal Taiwan.",
        "Kapal tersebut kandas di perairan Bangka.",
    ],
    [
        "Laporan itu disusun oleh PBB dan U.N. Women.",
        "Isinya menyoroti kekerasan terhadap perempuan.",
    ],
]

# Written after the rules were final and never tuned against: the figures on these
# paragraphs alone are the honest estimate for unseen text.
HELD_OUT: list[list[str]] = [
    [
        "Unilever Indonesia Tbk. membagikan dividen interim.",
        "Besarnya Rp 150 per saham.",
        "Pembayaran dilakukan pada 20 Desember.",
    ],
    [
        "Samsung Electronics Co. Ltd. membuka pabrik di Cikarang.",
        "Investasinya mencapai US$ 1 miliar.",
        "Sebanyak 3.000 pekerja akan direkrut.",
    ],
    [
        "Duta Besar A.S. untuk Indonesia mengunjungi Ambon.",
        "Ia bertemu gubernur dan tokoh agama.",
        "Kunjungan itu berlangsung dua hari.",
    ],
    [
        "Sanksi itu dijatuhkan oleh Departemen Keuangan A.S.",
        "Pemerintah Rusia mengecamnya.",
        "Moskow menyebut sanksi itu ilegal.",
    ],
    [
        "Wawancara dengan Mr. Brown dilakukan di Bali.",
        "Ia sudah tinggal di Ubud selama 20 tahun.",
        "Menurutnya, pariwisata berubah cepat.",
    ],
    ["Mrs. Thatcher pernah berkunjung ke Jakarta pada 1985.", "Kunjungan itu membahas perdagangan."],
    [
        "Prasasti itu diperkirakan berasal dari abad ke-5 B.C.",
        "Namun para ahli masih berdebat.",
        "Sebagian menduga usianya lebih muda.",
    ],
    ["Tambahan belanja itu dimasukkan ke APBN-P.", "Wakil rakyat menyetujuinya dengan catatan."],
    ["Kebijakan itu berlaku untuk SIM-C.", "Pengendara motor wajib memperpanjangnya."],
    ["Kol. (Purn.) Hasan Basri meresmikan masjid di Kec. Bojong.", "Warga menyambutnya dengan rebana."],
    ["Produk itu dijual di Indomaret, Alfamart, dsb.", "Harganya Rp 12.000 per bungkus."],
    ["“Kami siap bertanding,” ujar kapten tim.", "Pertandingan digelar Sabtu malam.", "Tiket sudah habis terjual."],
    ["Ia bertanya, “Siapa yang bertanggung jawab?” lalu meninggalkan ruangan.", "Tidak ada yang menjawab."],
    ["BHP Group plc. melaporkan penurunan laba.", "Harga bijih besi melemah sepanjang tahun."],
    ["Pendiri perusahaan, John Smith Jr. meninggal dunia pekan lalu.", "Ia berusia 84 tahun."],
    [
        "Data itu dirilis Badan Pusat Statistik pukul 11.00 WIB.",
        "Inflasi tahunan tercatat 2,61 persen.",
        "Angka itu di bawah perkiraan pasar.",
    ],
]

# Sentence frames: each {} is one filler (a word or phrase that holds a hard class).
FRAMES = [
    "Saham {} naik tajam pada sesi pertama.",
    "Laporan keuangan {} dirilis pekan ini.",
    "Kerja sama dengan {} diumumkan di Jakarta.",
    "Pejabat {} menghadiri pertemuan itu.",
    "Pernyataan itu disampaikan oleh {} kepada wartawan.",
]
FILLERS = [
    "Keppel Pte. Ltd.",
    "Apple Inc.",
    "Google LLC.",
    "Sony Co.",
    "Acme Corp.",
    "Petronas Bhd.",
    "HSBC Holdings plc.",
    "pemerintah A.S.",
    "militer U.S.",
    "Tn. Smith",
    "Mr. Jones",
    "Ms. Lee",
    "Prof. Dr. Budi",
    "Kol. Inf. Hasan",
    "PT. Sinar Tbk.",
    "Letjen. TNI Suharto",
]
# Sentences that end with a hard case, each followed by an ordinary sentence.
ENDINGS = [
    "Anggaran itu masuk dalam APBN-P.",
    "Hal itu diatur dalam RUU-P.",
    "Dokumennya berkode PMK-B.",
    "Peserta datang dari Aceh, Riau, dll.",
    "Ia lahir sekitar 300 B.C.",
    "Laporan itu dikirim ke PT. Pos.",
    "Kantor pusatnya ada di A.S.",
    "Dana itu dicairkan lewat APBD-P.",
    "Barang itu dibeli dari Sony Co.",
]
NEXT = [
    "Pemerintah menyetujuinya.",
    "Namun DPR menolak.",
    "Ia tidak berkomentar.",
    "Mereka pulang.",
    "Sementara itu harga naik.",
    "Dalam rapat itu tidak ada keputusan.",
]


def paragraphs() -> list[list[str]]:
    """Every paragraph of gold sentences: the handwritten ones, then the combinations."""
    combined = [[frame.format(filler), "Analis menilai hal itu wajar."] for frame, filler in product(FRAMES, FILLERS)]
    combined += [[ending, after] for ending, after in product(ENDINGS, NEXT)]
    return HANDWRITTEN + combined


def text_and_boundaries() -> tuple[str, set[int]]:
    """All the paragraphs (tuned on and held out) as one text; see `boundaries_of`."""
    return boundaries_of(paragraphs() + HELD_OUT)


def boundaries_of(paragraph_list: list[list[str]]) -> tuple[str, set[int]]:
    """The paragraphs as one text (sentences joined by a space, paragraphs by a newline),
    and the offset where each gold sentence ends."""
    parts, ends, offset = [], set(), 0
    for paragraph in paragraph_list:
        line = " ".join(paragraph)
        cursor = offset
        for sentence in paragraph:
            cursor += len(sentence)
            ends.add(cursor)
            cursor += 1
        parts.append(line)
        offset += len(line) + 1
    return "\n".join(parts), ends
