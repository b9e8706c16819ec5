"""The compiled lexicon: token-based matching with dict lookups and a token trie.

Matching works on the sentence's tokens, never with regular expressions:

- a cache keyed by the lower-cased token answers "which one-word entries match here,
  and which phrases can start here" (exact forms, stems minus exclusions, the first
  word of every phrase). Each distinct token is worked out once, stemming included;
- the sentence is split on whitespace (in C) and each chunk ("irak," or "“israel”.")
  is looked up in a second cache that holds the answers for the chunk's tokens, so a
  sentence costs a handful of C calls plus Python work only where something matches;
- a phrase that can start at a token is followed through a trie of token steps
  (a word, a `~stem`, or a `...` gap), visiting each (trie node, token position)
  once, so gaps cannot multiply the work.

Then `ignore` matches remove every candidate they overlap, and of overlapping
candidates the longest wins; on equal length a phrase beats an exact form, an exact
form beats a stem, and then the earlier entry wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate, compress
from typing import NamedTuple

from ..model import LexiconEntry
from ..segmentation import tokenize
from .entries import excluded
from .phrase import MAX_GAP, Pattern, StemWord, Word, literal_words, parse_phrase
from .stemming import MAX_CACHED, StemCache, shared_stems

# (start, end, entry): what the hot path returns; building a NamedTuple costs more.
Hit = tuple[int, int, LexiconEntry]

# Precedence on equal length.
PHRASE, EXACT, STEM = 3, 2, 1


class Match(NamedTuple):
    """A lexicon match: half-open character offsets into the sentence."""

    start: int
    end: int
    entry: LexiconEntry


class _Node:
    __slots__ = ("words", "stems", "gap", "ends")

    def __init__(self) -> None:
        self.words: dict[str, _Node] = {}
        # stem -> [(excluded surface forms, child)]
        self.stems: dict[str, list[tuple[frozenset[str], _Node]]] = {}
        self.gap: _Node | None = None
        # (entry index, precedence) of the patterns that end here
        self.ends: list[tuple[int, int]] = []


class _TokenCache(dict):
    """lower-cased token -> (one-word hits, phrase trie nodes after this token) or None."""

    def __init__(self, lexicon: CompiledLexicon):
        super().__init__()
        self.lexicon = lexicon

    def __missing__(self, token: str):
        info = self.lexicon._token_info(token)
        if len(self) >= MAX_CACHED:
            self.clear()
        self[token] = info
        return info


class _ChunkCache(dict):
    """A whitespace-separated chunk of lower-cased text ("irak," or "“israel”.") ->
    the token infos of its tokens, or None when none of them matters. `sizes` holds
    each chunk's number of tokens."""

    def __init__(self, tokens: _TokenCache):
        super().__init__()
        self.tokens = tokens
        self.sizes: dict[str, int] = {}

    def __missing__(self, chunk: str):
        spans = tokenize(chunk)
        infos = tuple(self.tokens[chunk[start:end]] for start, end in spans)
        value = infos if any(info is not None for info in infos) else None
        if len(self) >= MAX_CACHED:
            self.clear()
            self.sizes.clear()
        self[chunk] = value
        self.sizes[chunk] = len(spans)
        return value


class CompiledLexicon:
    def __init__(self, entries: Sequence[LexiconEntry], stems: StemCache | None = None):
        self.entries: tuple[LexiconEntry, ...] = tuple(entries)
        self.stems = stems or shared_stems()
        self._exact: dict[str, list[tuple[int, int]]] = {}
        self._stem: dict[str, list[tuple[int, frozenset[str]]]] = {}
        self._root = _Node()
        for index, entry in enumerate(self.entries):
            self._add(index, entry)
        self._is_ignore = [entry.match == "ignore" for entry in self.entries]
        self._cache = _TokenCache(self)
        self._chunks = _ChunkCache(self._cache)

    def clear_cache(self) -> None:
        """Forget what each token matched (the next scan starts cold)."""
        self._cache.clear()
        self._chunks.clear()
        self._chunks.sizes.clear()

    def __len__(self) -> int:
        return len(self.entries)

    # ---------------------------------------------------------------- compiling

    def _add(self, index: int, entry: LexiconEntry) -> None:
        exclude = frozenset(form.lower() for form in entry.exclude)
        if entry.match in ("phrase", "ignore"):
            for phrase in (entry.term, *entry.forms):
                for pattern in parse_phrase(phrase):
                    self._add_pattern(pattern, index, PHRASE, exclude)
            return
        for form in (entry.term, *entry.forms):
            words = literal_words(form)
            if len(words) == 1:
                hits = self._exact.setdefault(words[0], [])
                if all(hit[0] != index for hit in hits):
                    hits.append((index, EXACT))
            elif words:
                self._add_pattern(tuple(Word(w) for w in words), index, PHRASE, exclude)
        if entry.match == "stem":
            stem = self.stems.stem(entry.term.lower())
            self._stem.setdefault(stem, []).append((index, exclude))

    def _add_pattern(self, pattern: Pattern, index: int, precedence: int, exclude: frozenset[str]) -> None:
        node = self._root
        for step in pattern:
            if isinstance(step, Word):
                node = node.words.setdefault(step.text, _Node())
            elif isinstance(step, StemWord):
                stem = self.stems.stem(step.text)
                edges = node.stems.setdefault(stem, [])
                child = next((c for ex, c in edges if ex == exclude), None)
                if child is None:
                    child = _Node()
                    edges.append((exclude, child))
                node = child
            else:
                if node.gap is None:
                    node.gap = _Node()
                node = node.gap
        if all(end[0] != index for end in node.ends):
            node.ends.append((index, precedence))

    def _token_info(self, token: str):
        hits: list[tuple[int, int]] = list(self._exact.get(token, ()))
        if self._stem:
            for index, exclude in self._stem.get(self.stems.stem(token), ()):
                if not excluded(token, exclude) and all(h[0] != index for h in hits):
                    hits.append((index, STEM))
        nodes = self._step(self._root, token)
        if not hits and not nodes:
            return None
        return tuple(hits), tuple(nodes)

    def _step(self, node: _Node, token: str) -> list[_Node]:
        nodes = []
        child = node.words.get(token)
        if child is not None:
            nodes.append(child)
        if node.stems:
            for exclude, child in node.stems.get(self.stems.stem(token), ()):
                if not excluded(token, exclude):
                    nodes.append(child)
        return nodes

    # ----------------------------------------------------------------- matching

    def scan(self, text: str, tokens: Sequence[tuple[int, int]]) -> tuple[list[Hit], list[tuple[int, int]]]:
        """Resolved matches of a sentence as plain (start, end, entry) tuples, in order,
        and the character ranges `ignore` entries cover. `match` gives Match objects.

        The sentence's whitespace chunks (str.split, in C) are looked up in a chunk
        cache, so a sentence where nothing can match costs a few C calls and no
        per-token Python code. Tokens never cross whitespace, so a chunk's tokens are a
        run of the sentence's tokens; if the counts disagree (tokens stored by another
        tokenizer version) the per-token path runs instead.
        """
        if not tokens:
            return [], []
        lowered = text.lower()
        if len(lowered) != len(text):  # a few characters change length when lower-cased
            return self._scan_tokens([text[start:end].lower() for start, end in tokens], tokens)
        chunks = lowered.split()
        infos = list(map(self._chunks.__getitem__, chunks))
        if not any(infos):
            return [], []
        starts = list(accumulate(map(self._chunks.sizes.__getitem__, chunks), initial=0))
        if starts[-1] != len(tokens):
            return self._scan_tokens([lowered[start:end] for start, end in tokens], tokens)
        found: list[tuple[int, int, int, int]] = []
        for c in compress(range(len(infos)), infos):
            i = starts[c]
            for info in infos[c]:
                if info is not None:
                    if info[1]:
                        self._collect(i, info, lowered, tokens, found)
                    else:  # one-word hits only, the common case
                        for index, precedence in info[0]:
                            found.append((i, i + 1, index, precedence))
                i += 1
        if not found:
            return [], []
        return self._resolve(found, tokens)

    def _scan_tokens(
        self, lows: list[str], tokens: Sequence[tuple[int, int]]
    ) -> tuple[list[Hit], list[tuple[int, int]]]:
        """The per-token path: one cache lookup per token."""
        joined, offsets, position = " ".join(lows), [], 0
        for low in lows:
            offsets.append((position, position + len(low)))
            position += len(low) + 1
        infos = list(map(self._cache.__getitem__, lows))
        found: list[tuple[int, int, int, int]] = []
        for i in compress(range(len(infos)), infos):
            self._collect(i, infos[i], joined, offsets, found)
        if not found:
            return [], []
        return self._resolve(found, tokens)

    def _collect(
        self,
        i: int,
        info: tuple,
        lowered: str,
        tokens: Sequence[tuple[int, int]],
        found: list[tuple[int, int, int, int]],
    ) -> None:
        """The one-word hits of token i, and the phrases that start there."""
        hits, nodes = info
        for index, precedence in hits:
            found.append((i, i + 1, index, precedence))
        for node in nodes:
            if node.ends or node.stems or node.gap is not None:
                self._walk(node, lowered, tokens, i + 1, i, found)
            elif i + 1 < len(tokens):
                # Most phrases die at their second word: check it here, without a call.
                s, e = tokens[i + 1]
                child = node.words.get(lowered[s:e])
                if child is not None:
                    self._walk(child, lowered, tokens, i + 2, i, found)

    def match(self, text: str, tokens: Sequence[tuple[int, int]]) -> list[Match]:
        return [Match(*hit) for hit in self.scan(text, tokens)[0]]

    def _walk(
        self,
        node: _Node,
        lowered: str,
        tokens: Sequence[tuple[int, int]],
        position: int,
        start: int,
        found: list[tuple[int, int, int, int]],
    ) -> None:
        """Follow the phrase trie from `node`, the next token being `tokens[position]`.

        A dynamic programme over (trie node, token position), with an explicit stack:
        each state is expanded once, however many gap choices reach it, so one start
        costs at most (trie nodes reached) x (positions a gap can shift them by), and
        nothing recurses on the phrase's or the sentence's length. Most walks die at
        once, so the set of states seen is only made when a walk branches.
        """
        count = len(tokens)
        stack = [(node, position)]
        seen: set[tuple[_Node, int]] | None = None
        while stack:
            node, position = stack.pop()
            for index, precedence in node.ends:
                found.append((start, position, index, precedence))
            following = []
            if position < count and (node.words or node.stems):
                s, e = tokens[position]
                token = lowered[s:e]
                child = node.words.get(token)
                if child is not None:
                    following.append((child, position + 1))
                if node.stems:
                    for exclude, child in node.stems.get(self.stems.stem(token), ()):
                        if not excluded(token, exclude):
                            following.append((child, position + 1))
            gap = node.gap
            if gap is not None:
                words, stems = gap.words, gap.stems
                for after in range(position, min(position + MAX_GAP, count - 1) + 1):
                    s, e = tokens[after]
                    token = lowered[s:e]
                    child = words.get(token)
                    if child is not None:
                        following.append((child, after + 1))
                    if stems:
                        for exclude, child in stems.get(self.stems.stem(token), ()):
                            if not excluded(token, exclude):
                                following.append((child, after + 1))
            if not following:
                continue
            if seen is None:
                seen = set()
            for state in following:
                if state not in seen:
                    seen.add(state)
                    stack.append(state)

    def _resolve(
        self, found: list[tuple[int, int, int, int]], tokens: Sequence[tuple[int, int]]
    ) -> tuple[list[Hit], list[tuple[int, int]]]:
        entries, is_ignore = self.entries, self._is_ignore
        if len(found) == 1:  # the common case: one match in the sentence
            s, e, index, _ = found[0]
            if is_ignore[index]:
                return [], [(tokens[s][0], tokens[e - 1][1])]
            return [(tokens[s][0], tokens[e - 1][1], entries[index])], []
        found.sort()
        previous_end = 0
        for s, e, index, _ in found:
            if is_ignore[index] or s < previous_end:
                break
            previous_end = e
        else:  # no ignore entry and no overlap: nothing to resolve
            return [(tokens[s][0], tokens[e - 1][1], entries[index]) for s, e, index, _ in found], []
        ignored = sorted({(s, e) for s, e, index, _ in found if is_ignore[index]})
        if ignored:
            found = [
                c for c in found if not is_ignore[c[2]] and not any(c[0] < ie and i_s < c[1] for i_s, ie in ignored)
            ]
        # Longest (in characters) first, then precedence, then the earlier entry.
        ordered = sorted(
            {(tokens[s][0] - tokens[e - 1][1], -precedence, index, s, e) for s, e, index, precedence in found}
        )
        taken = bytearray(len(tokens))
        chosen = []
        for _, _, index, s, e in ordered:
            if any(taken[s:e]):
                continue
            taken[s:e] = b"\x01" * (e - s)
            chosen.append((tokens[s][0], tokens[e - 1][1], entries[index]))
        chosen.sort()  # disjoint, so by start
        return chosen, [(tokens[s][0], tokens[e - 1][1]) for s, e in ignored]
