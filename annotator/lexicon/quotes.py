"""Quotation marks in a sentence: the `quoted` flag, and the scare-quote detector.

The `quoted` flag tells the speaker's voice from the author's: a span is quoted when it
lies inside quotation marks in its sentence. A closing ” with no opening mark in the
sentence means the quotation began in an earlier sentence, and an opening “ with no
closing mark runs to the sentence end. Straight quotes (" and ') pair up in order.

Scare quotes: a quotation of 1 to 3 words that no speech verb introduces, such as
“Israel”. It is a partial quotation of a speaker, not a scare quote, when a speech cue
(kata, ujar, mengatakan, menurut, bunyi, tambahnya ...) comes earlier in the sentence
outside quotation marks, or an attribution cue within three tokens after the closing
mark (`,” kata`, `," lapor pelanggan`, `,” tegas Menteri`).

Indonesian typography quotes much that is not a scare quote, so the detector also
leaves out (`not_scare_reason`):
- foreign words, which single quotes set apart where print uses italics ('outlook',
  'tender offer'): a lower-case word that neither Sastrawi's dictionary nor its stem
  knows;
- codes and ratings ('AA-idn', 'BB', 'idAAA') and anything with a digit ('4');
- titles of works in Title Case (“Game of Thrones.”, 'The Fed'), two words or more;
- mentions of a name or a word after a cue (`Nama “Karibia”`, `dikenal sebagai
  “pertahanan aktif”`, `lagu “…”`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from typing import NamedTuple

from .vocabulary import is_indonesian

_PAIRS = {"“": "”", "‘": "’", "«": "»"}
_OPENERS_OF = {close: open_ for open_, close in _PAIRS.items()}
_STRAIGHT = frozenset("\"'")
QUOTE_MARKS = frozenset(_PAIRS) | frozenset(_OPENERS_OF) | _STRAIGHT
_MARK_LIST = tuple(sorted(QUOTE_MARKS))
# Marks that can stand for a quotation begun or continued beyond the sentence. A lone
# single mark is more often an apostrophe than a quotation.
_OPEN_ACROSS = frozenset("“«")
_CLOSE_ACROSS = frozenset("”»")

MAX_SCARE_WORDS = 3
CUE_WINDOW_AFTER = 3
# Punctuation that may cling to a word when text is split on whitespace.
_SEPARATORS = str.maketrans({ch: " " for ch in ",.:;!?()[]{}/…\"'“”‘’«»"})

# Lower-case tokens that introduce or attribute reported speech. "diklaim" is left out
# on purpose: "serangan diklaim oleh ..." (responsibility was claimed) quotes nobody.
SPEECH_CUES = frozenset(
    """
    kata katanya berkata mengatakan dikatakan ujar ujarnya tutur tuturnya bertutur ucapnya
    mengucapkan menurut menurutnya bunyi berbunyi bunyinya tambahnya menambahkan ditambahkan
    imbuhnya lanjutnya jelasnya menjelaskan dijelaskan menyatakan dinyatakan pernyataan
    pernyataannya tegasnya menegaskan ditegaskan sebutnya menyebut menyebutkan disebut disebutkan
    ungkapnya mengungkapkan diungkapkan paparnya memaparkan dipaparkan tanyanya bertanya
    menanyakan jawabnya menjawab serunya menyerukan mengutip dikutip menyampaikan disampaikan
    klaimnya mengklaim mengonfirmasi dikonfirmasi mengkonfirmasi mengumumkan diumumkan mencatat
    dicatat menulis tulisnya ditulis menuding tudingnya menuduh mengakui diakui membantah
    bantahnya menekankan ditekankan memperingatkan menggambarkan digambarkan melaporkan dilaporkan
    mengecam kecamnya mendesak meminta pintanya harapnya berpendapat menilai dinilai terangnya
    menerangkan melapor lapornya laporannya berujar menuturkan dituturkan mengungkap
    menjelaskannya mempertegas menegaskannya
    """.split()
)

# Bare stems that attribute a quotation only in the attribution slot right after the
# closing mark (`,” jelas Menteri`): before a quotation "jelas" means "clear" and
# "lapor" is part of a name as often as not.
ATTRIBUTION_CUES = SPEECH_CUES | frozenset(
    """
    kata lapor lapornya melapor ujar tutur ungkap jelas tegas sebut tambah imbuh lanjut papar
    tanya jawab seru terang tulis kecam pinta harap klaim bantah tuding akunya ucap
    """.split()
)
# A word right before the opening mark that names or mentions what is quoted: a
# name, a title, a term (`Nama “Karibia”`, `film “…”`, `istilah “…”`).
MENTION_CUES = frozenset(
    """
    nama namanya bernama dinamai dinamakan menamai menamakan berjudul judul judulnya bertajuk
    lagu film buku novel album serial sinetron acara program istilah julukan dijuluki sebutan
    slogan semboyan tagar merek kode sandi
    """.split()
)
# Two words before the opening mark that do the same (`dikenal sebagai “…”`).
MENTION_PHRASES = frozenset(
    {
        ("dikenal", "sebagai"),
        ("disebut", "sebagai"),
        ("dijuluki", "sebagai"),
        ("diberi", "nama"),
        ("kata", "kunci"),
        ("dengan", "nama"),
        ("atas", "nama"),
    }
)
# Short words a Title-Case title leaves in lower case ("Game of Thrones", "Laskar Pelangi
# dan ...").
TITLE_SMALL_WORDS = frozenset("of the a an and or in on at to for di ke dari dan yang untuk pada".split())
# Ratings and codes: 'AA-idn', 'BB+', 'idAAA', 'A'.
_CODE = re.compile(r"(?:id)?[A-Z]{1,4}[+-]?(?:-[a-z]{2,4})?")

# Why a suggestion from the detector was made, as the details pane shows it.
SCARE_REASON = "1-3 words in quotes, no speech cue"


class Quote(NamedTuple):
    """A quotation in a sentence; `start`/`end` bound the text inside the marks.

    `open_token` is None when the quotation began before the sentence, and
    `close_token` is None when it goes on after it.
    """

    open_token: int | None
    close_token: int | None
    start: int
    end: int


def has_marks(text: str) -> bool:
    # Eight `in` tests beat one regular-expression search several times over: for the
    # curly marks in an ASCII sentence CPython answers without scanning.
    return (
        '"' in text
        or "'" in text
        or "“" in text
        or "”" in text
        or "‘" in text
        or "’" in text
        or "«" in text
        or "»" in text
    )


def _mark_positions(text: str) -> list[int]:
    positions = []
    for mark in _MARK_LIST:
        at = text.find(mark)
        while at != -1:
            positions.append(at)
            at = text.find(mark, at + 1)
    positions.sort()
    return positions


def find_quotes(text: str, tokens: Sequence[tuple[int, int]]) -> list[Quote]:
    if not tokens or not has_marks(text):
        return []
    if type(tokens[0]) is not tuple:
        tokens = [tuple(token) for token in tokens]
    stack: list[tuple[str, int]] = []
    quotes: list[Quote] = []
    count = len(tokens)
    for position in _mark_positions(text):
        i = bisect_left(tokens, (position,))
        if i == count or tokens[i][1] != position + 1 or tokens[i][0] != position:
            continue  # inside a word, as the apostrophe of "Qur'an"
        mark = text[position]
        if mark in _PAIRS:
            stack.append((mark, i))
            continue
        opener = _OPENERS_OF.get(mark, mark)
        depth = len(stack) - 1
        while depth >= 0 and stack[depth][0] != opener:
            depth -= 1
        if depth >= 0:
            open_index = stack[depth][1]
            del stack[depth:]
            quotes.append(Quote(open_index, i, tokens[open_index][1], position))
        elif mark in _STRAIGHT:
            stack.append((mark, i))
        elif mark in _CLOSE_ACROSS:
            quotes.append(Quote(None, i, 0, position))
    for mark, i in stack:
        if mark in _OPEN_ACROSS:
            quotes.append(Quote(i, None, tokens[i][1], len(text)))
    if len(quotes) > 1:
        quotes.sort(key=_by_position)
    return quotes


def _by_position(quote: Quote) -> tuple[int, int]:
    return quote.start, -quote.end


def is_quoted(quotes: Sequence[Quote], start: int, end: int) -> bool:
    for quote in quotes:
        if quote.start <= start and end <= quote.end:
            return True
    return False


def quoted_flag(text: str, tokens: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether the span [start, end) of a sentence lies inside quotation marks."""
    return is_quoted(find_quotes(text, tokens), start, end)


class ScareQuote(NamedTuple):
    """A scare quote, marks included; `text` is the quoted words."""

    start: int
    end: int
    text: str
    reason: str = SCARE_REASON


def scare_quotes(text: str, tokens: Sequence[tuple[int, int]], quotes: Sequence[Quote]) -> list[ScareQuote]:
    found = []
    for quote in quotes:
        if quote.open_token is None or quote.close_token is None:
            continue
        if quote.close_token - quote.open_token - 1 > 2 * MAX_SCARE_WORDS + 1:
            continue  # too many tokens for 1 to 3 words, whatever the punctuation
        inner = tokens[quote.open_token + 1 : quote.close_token]
        # A word token starts with a letter or digit; punctuation tokens never do.
        words = sum(1 for start, _ in inner if text[start].isalnum())
        if not 1 <= words <= MAX_SCARE_WORDS:
            continue
        if _introduced_by_speech(text, tokens, quote, quotes):
            continue
        if not_scare_reason(text, tokens, quote) is not None:
            continue
        found.append(
            ScareQuote(
                tokens[quote.open_token][0],
                tokens[quote.close_token][1],
                " ".join(text[inner[0][0] : inner[-1][1]].split()),
            )
        )
    return found


def _introduced_by_speech(text: str, tokens: Sequence[tuple[int, int]], quote: Quote, quotes: Sequence[Quote]) -> bool:
    assert quote.open_token is not None and quote.close_token is not None
    for start, end in tokens[quote.close_token + 1 : quote.close_token + 1 + CUE_WINDOW_AFTER]:
        if text[start:end].lower() in ATTRIBUTION_CUES:
            return True
    # The words before the opening mark, leaving out other quotations (a cue a speaker
    # says inside quotation marks introduces nothing).
    limit = tokens[quote.open_token][0]
    pieces, cursor = [], 0
    for other in quotes:
        if other.start >= limit:
            break
        if other.start <= quote.start and quote.end <= other.end:
            continue  # a quotation around this one
        pieces.append(text[cursor : max(cursor, other.start - 1)])
        cursor = max(cursor, other.end + 1)
    pieces.append(text[cursor:limit])
    words = " ".join(pieces).lower().translate(_SEPARATORS).split()
    return not SPEECH_CUES.isdisjoint(words)


def not_scare_reason(text: str, tokens: Sequence[tuple[int, int]], quote: Quote) -> str | None:
    """Why a short quotation that no speaker introduces is still not a scare quote
    (a foreign term, a code, a title, a mention), or None when it is one."""
    assert quote.open_token is not None and quote.close_token is not None
    words = [
        text[start:end] for start, end in tokens[quote.open_token + 1 : quote.close_token] if text[start].isalnum()
    ]
    if any(ch.isdigit() for word in words for ch in word):
        return "digits"
    if any(_CODE.fullmatch(word) for word in words):
        return "a code or rating"
    if (
        len(words) >= 2
        and words[0][0].isupper()
        and all(word[0].isupper() or word.lower() in TITLE_SMALL_WORDS for word in words)
    ):
        return "a title in Title Case"
    if any(word[0].islower() and not is_indonesian(word.lower()) for word in words):
        return "not Indonesian words"
    before = [text[start:end].lower() for start, end in tokens[max(0, quote.open_token - 2) : quote.open_token]]
    if before and before[-1] in MENTION_CUES or tuple(before) in MENTION_PHRASES:
        return "a mention after a cue"
    return None
