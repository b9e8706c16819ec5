"""Indonesian sentence segmentation and tokenization, with offsets.

Sentences come from NLTK Punkt, built from `PunktParameters` with our own
abbreviation list, so no trained model (and no `nltk.download`) is needed. A newline
is always a sentence boundary. Tokens come from one compiled regular expression,
which is several times faster than NLTK's word tokenizers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

# Lower case, without the final period, as Punkt stores abbreviation types.
ABBREVIATIONS: frozenset[str] = frozenset(
    """
    jend letjen mayjen brigjen marsma marsda marsdya laksma laksda laksdya kol letkol kapt lettu letda
    serka sertu pratu kopda kompol kombes akbp akp irjen kapolri
    dr drg prof h hj ir drs dra st sp kh ust
    no nr jl jln kec kab kel prov rt rw gg
    dll dsb dst dkk tgl hlm bpk sdr sdri ny nn yth
    pt cv tbk
    s.h m.h s.e m.si m.sc s.pd s.kom s.sos m.pd s.ag m.ag m.a b.a s.t m.t ph.d
    a.n u.p u.b d.a
    no.rek tel telp hp fax
    jan feb mar apr jun jul agu ags sep sept okt nov des
    """.split()
)

# Abbreviations that usually close a list, and so often close a sentence: after them a
# capitalised word starts a new sentence. Punkt alone cannot tell without training data.
_LIST_ENDINGS = ("dll.", "dsb.", "dst.", "dkk.")
_LIST_ENDING_THEN_CAPITAL = re.compile(
    r"\b(?i:" + "|".join(re.escape(a) for a in _LIST_ENDINGS) + r")[\"'”’)]?(?=\s+[\"“‘(]?[A-Z])"
)

_WORD = r"\w+(?:[-'’.,/:]\w+)*"
# Known abbreviations keep their period, so "Dr." and "S.H." are single tokens.
_ABBREVIATION = (
    r"(?<!\w)(?:"
    + "|".join(sorted((re.escape(a) for a in ABBREVIATIONS), key=len, reverse=True))
    + r")\.(?!\w)"
)
TOKEN_PATTERN = re.compile(
    rf"{_ABBREVIATION}|{_WORD}|\.{{2,}}|-{{2,}}|[^\w\s]",
    re.IGNORECASE,
)


def _make_tokenizer() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


_PUNKT = _make_tokenizer()


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Half-open sentence offsets into `text`, trimmed of surrounding whitespace."""
    line_start = 0
    for line in text.split("\n"):
        if line.strip():
            for start, end in _PUNKT.span_tokenize(line):
                yield from _split_after_list_endings(line, start, end, line_start)
        line_start += len(line) + 1


def _split_after_list_endings(line: str, start: int, end: int, offset: int) -> Iterator[tuple[int, int]]:
    piece = line[start:end]
    if "." not in piece:
        yield offset + start, offset + end
        return
    cut = start
    for match in _LIST_ENDING_THEN_CAPITAL.finditer(piece):
        boundary = start + match.end()
        yield offset + cut, offset + boundary
        cut = boundary
        while cut < end and line[cut].isspace():
            cut += 1
    if cut < end:
        yield offset + cut, offset + end


def tokenize(sentence: str) -> list[tuple[int, int]]:
    """Half-open token offsets into `sentence`. Quotes and brackets are tokens of their own."""
    return [match.span() for match in TOKEN_PATTERN.finditer(sentence)]


def segment(text: str) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Sentences of a document as (doc_start, doc_end, tokens relative to the sentence)."""
    return [(start, end, tokenize(text[start:end])) for start, end in sentence_spans(text)]
