"""Indonesian sentence segmentation and tokenization, with offsets.

Sentences come from NLTK Punkt (`PunktSentenceTokenizer` built from `PunktParameters`
with our own Indonesian abbreviation list), so no trained model and no `nltk.download`
are needed. Rules on top of Punkt:

- a newline is always a sentence boundary;
- after a list ending (dll., dsb., dst., dkk.) a capitalised word starts a new
  sentence, which Punkt cannot tell without training data;
- after any abbreviation or ellipsis, a capitalised word that only starts clauses
  (Namun, Ia, Mereka, Sementara ...) starts a new sentence: names never look like
  that, so `pasukan A.S. Mereka` splits and `A.S. Joe Biden` does not;
- no split before a lower-case word unless the period clearly ends the sentence
  (an ordinary word's period before a word like `iPhone`): `Ltd. naik`, `persen. dan`
  and an unknown `Corp. membeli` stay one sentence;
- the letter after a hyphen is not an initial: `APBN-P.` ends a sentence where stock
  Punkt reads the P as one of the single-letter abbreviations;
- numbers (2.500, 10.30), dates ((11/2/2024)) and ellipses inside quotes never split,
  because Punkt only considers a period followed by whitespace or punctuation.

Punkt is given its regular expressions compiled with the standard `re` module
(through its own `PunktLanguageVars` / `PunktToken` extension points). NLTK routes
its built-in patterns through a slower engine with a timeout, a guard meant for
caller-supplied patterns; these fixed patterns are linear, and this makes Punkt
more than twice as fast with identical output (checked in the tests).

Tokens come from one compiled regular expression, several times faster than NLTK's
word tokenizers: words (with inner hyphens, apostrophes, and the . , / : of numbers,
dates and times), known abbreviations with their period, runs of dots or hyphens,
and every other non-space character on its own, so quotes are separate tokens.

NLTK is imported on first use, so commands that never segment start quickly.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

# Lower case, without the final period, as Punkt stores abbreviation types. The
# single letters are initials in names (Susilo B. Yudhoyono, H. M. Soeharto).
ABBREVIATIONS: frozenset[str] = frozenset(
    """
    jend letjen mayjen brigjen marsma marsda marsdya laksma laksda laksdya kol letkol kapt lettu letda
    serka sertu pratu kopda kompol kombes akbp akp irjen kapolri pol purn inf kav
    dr drg prof h hj ir drs dra st sp kh ust
    no nr jl jln kec kab kel prov rt rw gg
    dll dsb dst dkk tgl hlm bpk sdr sdri ny nn yth
    pt cv tbk ltd pte co inc llc corp bhd plc gmbh
    tn mr mrs ms jr sr
    a.s u.s u.k u.n b.c a.d
    s.h m.h s.e m.si m.sc s.pd s.kom s.sos m.pd s.ag m.ag m.a b.a s.t m.t ph.d
    a.n u.p u.b d.a
    no.rek tel telp hp fax
    jan feb mar apr jun jul agu ags sep sept okt nov des
    a b c d e f g i j k l m n o p q r s t u v w x y z
    """.split()
)

# Abbreviations that usually close a list, and so often close a sentence: after them a
# capitalised word starts a new sentence. Punkt alone cannot tell without training data.
_LIST_ENDINGS = ("dll.", "dsb.", "dst.", "dkk.")
_LIST_ENDING_THEN_CAPITAL = re.compile(
    r"\b(?i:" + "|".join(re.escape(a) for a in _LIST_ENDINGS) + r")[\"'”’)]?(?=\s+[\"“‘(]?[A-Z])"
)

# Capitalised words that start a clause and never a name: after an abbreviation they
# begin a new sentence.
SENTENCE_STARTERS = frozenset(
    """
    Namun Tetapi Akan Adapun Sementara Sedangkan Selain Setelah Sebelum Sejak Saat Ketika Kemudian
    Lalu Bahkan Meski Meskipun Walaupun Jika Apabila Karena Sebab Oleh Dalam Pada Di Ke Dari Untuk
    Dengan Menurut Hal Ini Itu Ia Dia Mereka Kami Kita Saya Kata Ada Tidak Belum Sudah Para
    """.split()
)
# The period comes first, so the engine can look for it as a literal.
_ABBREVIATION_THEN_STARTER = re.compile(
    r"\.(?<=\S\.)[\"'”’)]?(?=\s+[\"“‘(]?(?:" + "|".join(sorted(SENTENCE_STARTERS)) + r")\b)"
)
# A sentence start that Punkt found before a lower-case word: kept only when the period
# clearly ends a sentence, an ordinary word's before a word such as iPhone or eKTP. A
# bracket opens something else, such as a credit line: "(haninmazaya/arrahmah.id)".
# Abbreviations that close a name (company suffixes, eras, Jr.): before a capitalised
# word that is not itself an abbreviation ("Co. Ltd.") they end the sentence. Country
# initials precede names as often ("Presiden A.S. Joe Biden"), so after them only a
# capitalised Indonesian word (one Sastrawi's dictionary knows) starts a sentence.
CLOSING_ABBREVIATIONS = frozenset("ltd inc co corp llc bhd plc gmbh tbk b.c a.d jr sr".split())
COUNTRY_INITIALS = frozenset("a.s u.s u.k u.n".split())
# A period before a capitalised word; the word before the period is looked at in Python
# (`_closing_cuts`), which keeps the regular expression a fast literal search.
_PERIOD_THEN_CAPITAL = re.compile(r"\.[\"'”’)]?(?=\s+[\"“‘(]?([A-Z][\w.-]*))")
_WORD_BEFORE = re.compile(r"(?<![\w.])[\w.]+\Z")
_LOWER_START = re.compile(r"[\"'“‘]*[^\W\d_A-Z]")
_CLEAR_END = re.compile(r"(?<![^\W\d_])[a-z]{2,}[.!?][\"'”’)]*$")
_LOWER_BRAND = re.compile(r"[\"'“‘]*[a-z]+[A-Z]")

_WORD = r"\w+(?:[-'’.,/:]\w+)*"
# Words, runs of dots (ellipsis) or hyphens, and any other single non-space character.
_TOKEN = re.compile(rf"{_WORD}|\.{{2,}}|-{{2,}}|[^\w\s]")


@lru_cache(maxsize=1)
def punkt_module() -> ModuleType:
    """NLTK's Punkt module, loaded without running NLTK's package `__init__`.

    That `__init__` imports all of NLTK, and with it SciPy and scikit-learn where they
    are installed: 2.3 s and about 190 MB in every importing process, its segmentation
    workers included (measured here: peak RSS 208 MiB against 24 MiB). Punkt itself
    needs only a few small NLTK modules. Placeholder packages stand in for `nltk` and
    `nltk.tokenize` while it loads, and are removed afterwards, so a later `import nltk`
    elsewhere still runs NLTK's own `__init__`. Should a future NLTK need its package set
    up first, the plain import is used."""
    import importlib.util
    import sys
    import types

    if "nltk.tokenize.punkt" in sys.modules:
        return sys.modules["nltk.tokenize.punkt"]
    spec = None if "nltk" in sys.modules else importlib.util.find_spec("nltk")
    if spec is None or not spec.submodule_search_locations:
        return importlib.import_module("nltk.tokenize.punkt")
    root = list(spec.submodule_search_locations)[0]
    placed = []
    try:
        for name, folder in (("nltk", root), ("nltk.tokenize", f"{root}/tokenize")):
            package = types.ModuleType(name)
            package.__path__ = [folder]
            package.__package__ = name
            sys.modules[name] = package
            placed.append(name)
        return importlib.import_module("nltk.tokenize.punkt")
    except Exception:
        for name in [m for m in sys.modules if m == "nltk" or m.startswith("nltk.")]:
            del sys.modules[name]
        placed.clear()
        return importlib.import_module("nltk.tokenize.punkt")
    finally:
        for name in placed:
            del sys.modules[name]


@lru_cache(maxsize=1)
def punkt() -> PunktSentenceTokenizer:
    """The Punkt sentence tokenizer with the Indonesian abbreviation list."""
    nltk_punkt = punkt_module()
    PunktLanguageVars, PunktParameters, PunktToken = (
        nltk_punkt.PunktLanguageVars,
        nltk_punkt.PunktParameters,
        nltk_punkt.PunktToken,
    )

    class LanguageVars(PunktLanguageVars):
        __slots__ = ()
        # The same patterns as NLTK's, compiled with the standard library's re.
        re_boundary_realignment = re.compile(PunktLanguageVars.re_boundary_realignment.pattern, re.MULTILINE)

        def _word_tokenizer_re(self) -> re.Pattern:
            try:
                return self._re_word_tokenizer
            except AttributeError:
                self._re_word_tokenizer = re.compile(
                    self._word_tokenize_fmt
                    % {
                        "NonWord": self._re_non_word_chars,
                        "MultiChar": self._re_multi_char_punct,
                        "WordStart": self._re_word_start,
                    },
                    re.UNICODE | re.VERBOSE,
                )
                return self._re_word_tokenizer

        def period_context_re(self) -> re.Pattern:
            try:
                return self._re_period_context
            except AttributeError:
                self._re_period_context = re.compile(
                    self._period_context_fmt
                    % {"NonWord": self._re_non_word_chars, "SentEndChars": self._re_sent_end_chars},
                    re.UNICODE | re.VERBOSE,
                )
                return self._re_period_context

    non_punct = re.compile(r"[^\W\d]")

    class Token(PunktToken):
        __slots__ = ()
        _RE_ELLIPSIS = re.compile(r"\.\.+$")
        _RE_NUMERIC = re.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
        _RE_INITIAL = re.compile(r"[^\W\d]\.$")
        _RE_ALPHA = re.compile(r"[^\W\d]+$")

        @property
        def is_non_punct(self):
            return non_punct.search(self.type)

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return punkt_class()(params, lang_vars=LanguageVars(), token_cls=Token)


@lru_cache(maxsize=1)
def punkt_class() -> type[PunktSentenceTokenizer]:
    """Punkt whose abbreviation test does not read the letter after a hyphen as an initial."""
    PunktSentenceTokenizer = punkt_module().PunktSentenceTokenizer

    class IndonesianPunkt(PunktSentenceTokenizer):
        def _first_pass_annotation(self, aug_tok) -> None:
            tok = aug_tok.tok
            if tok in self._lang_vars.sent_end_chars:
                aug_tok.sentbreak = True
            elif aug_tok.is_ellipsis:
                aug_tok.ellipsis = True
            elif aug_tok.period_final and not tok.endswith(".."):
                # Stock Punkt also takes the part after the last hyphen, so the P of
                # "APBN-P." is an initial and the sentence never ends. Only an
                # abbreviation of two letters or more counts there.
                word = tok[:-1].lower()
                tail = word.rsplit("-", 1)[-1]
                abbrev_types = self._params.abbrev_types
                if word in abbrev_types or (len(tail) > 1 and tail in abbrev_types):
                    aug_tok.abbr = True
                else:
                    aug_tok.sentbreak = True

    return IndonesianPunkt


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Half-open sentence offsets into `text`, trimmed of surrounding whitespace."""
    offset = 0
    for line in text.split("\n"):
        if line and not line.isspace():
            for start, end in _line_spans(line):
                yield offset + start, offset + end
        offset += len(line) + 1


def _line_spans(line: str) -> Iterator[tuple[int, int]]:
    # Cuts after list endings and before clause starters; most lines have none, and
    # skip the extra work.
    cuts = []
    if _LIST_ENDING_THEN_CAPITAL.search(line):
        cuts += [m.end() for m in _LIST_ENDING_THEN_CAPITAL.finditer(line)]
    if _ABBREVIATION_THEN_STARTER.search(line):
        cuts += [m.end() for m in _ABBREVIATION_THEN_STARTER.finditer(line)]
    cuts += _closing_cuts(line)
    cuts.sort()
    for start, end in _punkt_spans(line):
        for cut in cuts:
            if start < cut < end:
                yield start, cut
                start = cut
                while start < end and line[start].isspace():
                    start += 1
        if start < end:
            yield start, end


def _closing_cuts(line: str) -> list[int]:
    cuts = []
    for match in _PERIOD_THEN_CAPITAL.finditer(line):
        at = match.start()
        before = _WORD_BEFORE.search(line, max(0, at - 8), at)
        if before is not None:
            abbreviation = before[0].lower()
            closing = abbreviation in CLOSING_ABBREVIATIONS or abbreviation in COUNTRY_INITIALS
            if closing and _closes(abbreviation, match[1]):
                cuts.append(match.end())
    return cuts


def _closes(abbreviation: str, following: str) -> bool:
    """Whether a closing abbreviation or country initials end the sentence before the
    capitalised word `following`."""
    word = following.rstrip(".").lower()
    if word in ABBREVIATIONS or following.endswith("."):
        return False  # "Co. Ltd.", "A.S. Dr. Budi"
    if abbreviation in COUNTRY_INITIALS:
        from .lexicon.vocabulary import is_indonesian

        return following[1:].islower() and is_indonesian(word)
    return True


def _punkt_spans(line: str) -> Iterator[tuple[int, int]]:
    """Punkt's sentences of one line, trimmed, with the false starts before a lower-case
    word joined to the sentence before."""
    pending: tuple[int, int] | None = None
    for start, end in punkt().span_tokenize(line):
        # Punkt keeps leading whitespace in a line's first sentence.
        while start < end and line[start].isspace():
            start += 1
        while end > start and line[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        if pending is not None:
            if _LOWER_START.match(line, start) and not (
                _LOWER_BRAND.match(line, start) and _CLEAR_END.search(line, pending[0], pending[1])
            ):
                pending = (pending[0], end)
                continue
            yield pending
        pending = (start, end)
    if pending is not None:
        yield pending


def tokenize(sentence: str) -> list[tuple[int, int]]:
    """Half-open token offsets into `sentence`. Quotes and brackets are tokens of their own."""
    spans = [match.span() for match in _TOKEN.finditer(sentence)]
    # A known abbreviation keeps its period: "Dr." and "S.H." are single tokens. Only
    # the few periods in a sentence are looked at, which keeps this cheap.
    period = sentence.find(".")
    while period != -1:
        i = bisect_left(spans, (period, period + 1))
        if 0 < i < len(spans) and spans[i] == (period, period + 1):
            start, end = spans[i - 1]
            if end == period and sentence[start:end].lower() in ABBREVIATIONS:
                spans[i - 1 : i + 1] = [(start, period + 1)]
        period = sentence.find(".", period + 1)
    return spans


def segment(text: str) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Sentences of a document as (doc_start, doc_end, tokens relative to the sentence)."""
    return [(start, end, tokenize(text[start:end])) for start, end in sentence_spans(text)]
