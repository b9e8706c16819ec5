"""The keystroke planner (issue 16): the fewest keys that make a span in the workspace.

A model of what the workspace's keys do to one sentence, from its opening state (cursor
on the first token, nothing selected), searched shortest-path first (Dijkstra: a jump
costs more than one key). The keys come from `annotator/tui/bindings.py`, so a key that
is not bound there is not used; what the keys do follows the issue's fixed contract:

- `right` / `left`: move one token (clearing the selection); `shift+right` / `shift+left`:
  extend the selection by one token (starting it at the cursor);
- `home` / `end`: first / last token; `shift+home` / `shift+end`: extend to them;
- `'` then letters: jump to the next token (wrapping) whose text starts with the letters,
  as `annotator.workspace.jump.jump_target` decides; with a selection active the jump
  extends it. `enter` ends the jump, and so does a key that types nothing (an arrow,
  home, end), which then does its own work; a printable key (a digit, `e`) would be
  typed into the jump, so `enter` comes first;
- a label digit labels the selection, or the token under the cursor;
- `e` on the selection (or the token under the cursor) opens a boundary edit of its
  characters: `right` / `left` move the end by one character, `shift+right` /
  `shift+left` the start, and a label digit labels the edited range. So a span may start
  or end inside a token. (`e` on an existing span ends with `enter` instead, one key more
  than labelling afterwards, so the planner never needs it from the opening state.)

`tests/tui/test_keystroke_replay.py` replays plans through Pilot and checks the store, so
the model cannot drift from the real keys unnoticed.
"""

from __future__ import annotations

import heapq
import json
import statistics
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from annotator.model import Tagset
from annotator.tui import bindings as workspace_keys
from annotator.workspace.cursor import token_range
from annotator.workspace.jump import fold, jump_target

REFERENCE = Path(__file__).parent / "data" / "reference_spans.jsonl"

# What an annotator types in a jump: letters, as the contract promises (the workspace
# also takes digits, but another reading of the contract could give them to labels).
TYPABLE = frozenset(string.ascii_lowercase)

# Keys with a Textual name that differs from the character.
_KEY_NAMES = {"'": "apostrophe"}


@dataclass(frozen=True)
class ReferenceSpan:
    document: str
    sentence: int
    start: int
    end: int
    label: str
    text: str


def load_reference(path: Path = REFERENCE) -> list[ReferenceSpan]:
    with path.open(encoding="utf-8") as lines:
        return [ReferenceSpan(**json.loads(line)) for line in lines if line.strip()]


# ------------------------------------------------------------------ the key model


@dataclass(frozen=True)
class KeyModel:
    """Which keys exist; None where a key is not bound."""

    name: str
    next: str
    previous: str
    extend_next: str
    extend_previous: str
    labels: dict[str, str]  # label name -> key
    clear: str | None = None
    first: str | None = None
    last: str | None = None
    extend_first: str | None = None
    extend_last: str | None = None
    jump: str | None = None
    boundary: str | None = None
    # The keys inside the two modes (the contract's; the bindings' where they define them).
    jump_end: str = "enter"
    edit_end_right: str = "right"
    edit_end_left: str = "left"
    edit_start_right: str = "shift+right"
    edit_start_left: str = "shift+left"
    # The contract ends a jump with enter or escape; the workspace also lets a key that
    # types nothing (an arrow, home, end) end it and then do its own work, saving the
    # enter. Printable keys (letters, digits, ' and e) are typed into the jump. False
    # measures the contract's minimum: every jump ended with enter.
    jump_ends_on_unprintable: bool = True

    @property
    def missing(self) -> list[str]:
        """The issue-16 keys this model lacks."""
        wanted = {
            "home": self.first,
            "end": self.last,
            "shift+home": self.extend_first,
            "shift+end": self.extend_last,
            "'": self.jump,
            "e": self.boundary,
        }
        return [key for key, bound in wanted.items() if bound is None]


def printable(key: str) -> bool:
    """Whether a key (as Textual names it) types a character: `a`, `1`, `apostrophe`."""
    return len(key) == 1 or key in _KEY_NAMES.values()


def _keys_by_id(bindings: Iterable) -> dict[str, str]:
    """Binding id -> its first key (the one the planner presses)."""
    return {b.id: b.key.split(",")[0].strip() for b in bindings if b.id}


def _bound(bindings: Sequence, *keys: str) -> str | None:
    """The first of `keys` that some binding lists, else None."""
    listed = {k.strip() for b in bindings for k in b.key.split(",")}
    return next((k for k in keys if k in listed), None)


def label_keys(tagset: Tagset, bindings: Iterable) -> dict[str, str]:
    """Label name -> its key, from the label bindings (`label.<key>` ids)."""
    by_id = _keys_by_id(bindings)
    return {label.name: by_id[f"label.{label.key}"] for label in tagset.labels if f"label.{label.key}" in by_id}


def workspace_bindings(tagset: Tagset) -> tuple[list, list]:
    """The workspace's bindings with the tag set's label keys, and the bindings of the
    jump and boundary-edit modes (none before the screen defines them)."""
    keys = [*workspace_keys.WORKSPACE_BINDINGS, *workspace_keys.label_bindings(tagset)]
    modes = getattr(workspace_keys, "MODE_KEYS", {})
    return keys, [binding for mode in modes.values() for binding in mode]


# Mode binding id -> the KeyModel field it sets.
_MODE_FIELDS = {
    "jump.end": "jump_end",
    "boundary.end_right": "edit_end_right",
    "boundary.end_left": "edit_end_left",
    "boundary.start_right": "edit_start_right",
    "boundary.start_left": "edit_start_left",
}


def model_from_bindings(name: str, bindings: Sequence, tagset: Tagset, mode_bindings: Sequence = ()) -> KeyModel:
    """The workspace as its bindings stand: every contract key that is bound."""
    ids = _keys_by_id(bindings)
    modes = _keys_by_id(mode_bindings)
    in_modes = {name: modes[id] for id, name in _MODE_FIELDS.items() if id in modes}
    jump = _bound(bindings, "apostrophe", "'")
    return KeyModel(
        name=name,
        next=ids["cursor.next"],
        previous=ids["cursor.previous"],
        extend_next=ids["selection.right"],
        extend_previous=ids["selection.left"],
        labels=label_keys(tagset, bindings),
        clear=ids.get("selection.clear"),
        first=_bound(bindings, "home"),
        last=_bound(bindings, "end"),
        extend_first=_bound(bindings, "shift+home"),
        extend_last=_bound(bindings, "shift+end"),
        jump=_KEY_NAMES.get(jump, jump) if jump else None,
        boundary=_bound(bindings, "e"),
        **in_modes,
    )


def old_model(bindings: Sequence, tagset: Tagset) -> KeyModel:
    """The keys before issue 16: token moves, selection by one token, label digits."""
    ids = _keys_by_id(bindings)
    return KeyModel(
        name="old",
        next=ids["cursor.next"],
        previous=ids["cursor.previous"],
        extend_next=ids["selection.right"],
        extend_previous=ids["selection.left"],
        labels=label_keys(tagset, bindings),
    )


def contract_model(bindings: Sequence, tagset: Tagset, mode_bindings: Sequence = ()) -> KeyModel:
    """Every key of the issue's contract, bound or not (for figures before they land)."""
    return replace(
        model_from_bindings("contract", bindings, tagset, mode_bindings),
        first="home",
        last="end",
        extend_first="shift+home",
        extend_last="shift+end",
        jump="apostrophe",
        boundary="e",
    )


# ------------------------------------------------------------------ the search

# (cursor position, selection anchor or None, a jump still open): the whole state the
# keys change. A jump is left open when `jump_ends_on_unprintable`.
State = tuple[int, "int | None", bool]
OPENING: State = (0, None, False)


@dataclass(frozen=True)
class Plan:
    keys: tuple[str, ...]

    @property
    def cost(self) -> int:
        return len(self.keys)


class SentencePlanner:
    """Shortest key sequences over one sentence, searched once and shared by its spans."""

    def __init__(self, model: KeyModel, text: str, tokens: Sequence[tuple[int, int]]):
        self.model = model
        self.tokens = tokens
        # jump_target folds every token per call: folding once first gives the same
        # answers (folding is idempotent) for a fraction of the work.
        self.folded = [fold(text[s:e]) for s, e in tokens]
        self._jumps: dict[int, dict[int, str]] = {}
        # state -> (keys to reach it, the state before, the keys of that last step)
        self._distance: dict[State, tuple[int, State | None, tuple[str, ...]]] = {}
        self._search()

    # ------------------------------------------------------------ moves

    def _clamp(self, index: int) -> int:
        return max(0, min(index, len(self.tokens) - 1))

    def _jump_letters(self, position: int) -> dict[int, str]:
        """Target token -> the fewest letters that jump there from `position`."""
        if position in self._jumps:
            return self._jumps[position]
        found: dict[int, str] = {}
        answers: dict[str, int | None] = {}
        for target, word in enumerate(self.folded):
            for length in range(1, len(word) + 1):
                typed = word[:length]
                if typed[-1] not in TYPABLE:
                    break
                if typed not in answers:
                    answers[typed] = jump_target(self.folded, position, typed)
                if answers[typed] == target:
                    found[target] = typed
                    break
        self._jumps[position] = found
        return found

    def _moves(self, state: State) -> Iterable[tuple[tuple[str, ...], State]]:
        """Every key (or key sequence, for a jump) from `state`, and where it leads.

        From an open jump, `enter` ends it, and a key that types nothing ends it and then
        does its work; a printable key would be typed into the jump instead."""
        position, anchor, jumping = state
        if jumping:
            yield (self.model.jump_end,), (position, anchor, False)
            for keys, after in self._closed_moves(position, anchor):
                # escape too only ends a jump (like enter, without clearing the selection)
                if not printable(keys[0]) and keys[0] != self.model.clear:
                    yield keys, after
        else:
            yield from self._closed_moves(position, anchor)

    def _closed_moves(self, position: int, anchor: int | None) -> Iterable[tuple[tuple[str, ...], State]]:
        model = self.model
        last = len(self.tokens) - 1
        held = position if anchor is None else anchor
        yield (model.next,), (self._clamp(position + 1), None, False)
        yield (model.previous,), (self._clamp(position - 1), None, False)
        yield (model.extend_next,), (self._clamp(position + 1), held, False)
        yield (model.extend_previous,), (self._clamp(position - 1), held, False)
        if model.clear:
            yield (model.clear,), (position, None, False)
        if model.first:
            yield (model.first,), (0, None, False)
        if model.last:
            yield (model.last,), (last, None, False)
        if model.extend_first:
            yield (model.extend_first,), (0, held, False)
        if model.extend_last:
            yield (model.extend_last,), (last, held, False)
        if model.jump:
            left_open = model.jump_ends_on_unprintable
            ending = () if left_open else (model.jump_end,)
            for target, typed in self._jump_letters(position).items():
                yield (model.jump, *typed, *ending), (target, anchor, left_open)

    def _search(self) -> None:
        self._distance = {OPENING: (0, None, ())}
        queue: list[tuple[int, int, State]] = [(0, 0, OPENING)]
        order = 0  # ties: first found first, so plans are stable
        done: set[State] = set()
        while queue:
            cost, _, state = heapq.heappop(queue)
            if state in done:
                continue
            done.add(state)
            for keys, after in self._moves(state):
                new = cost + len(keys)
                if after not in self._distance or new < self._distance[after][0]:
                    self._distance[after] = (new, state, keys)
                    order += 1
                    heapq.heappush(queue, (new, order, after))

    def _keys_to(self, state: State) -> tuple[str, ...]:
        keys: list[str] = []
        while True:
            _, previous, step = self._distance[state]
            if previous is None:
                return tuple(keys)
            keys[:0] = step
            state = previous

    # ------------------------------------------------------------ spans

    def _edit_keys(self, have: tuple[int, int], want: tuple[int, int]) -> tuple[str, ...] | None:
        """The boundary edit from range `have` to `want` (the label digit ends it): widen
        first, then narrow, so the range is never empty on the way."""
        if have == want:
            return ()
        if not self.model.boundary:
            return None
        model, (start, end), (to_start, to_end) = self.model, have, want
        widen = [model.edit_end_right] * max(0, to_end - end) + [model.edit_start_left] * max(0, start - to_start)
        narrow = [model.edit_end_left] * max(0, end - to_end) + [model.edit_start_right] * max(0, to_start - start)
        return (model.boundary, *widen, *narrow)

    def plan(self, start: int, end: int, label: str) -> Plan | None:
        """The fewest keys that leave the span [start, end) with `label`, or None."""
        digit = self.model.labels[label]
        best: Plan | None = None
        for state, (cost, _, _) in self._distance.items():
            position, anchor, jumping = state
            first, last = sorted((position, position if anchor is None else anchor))
            edit = self._edit_keys((self.tokens[first][0], self.tokens[last][1]), (start, end))
            if edit is None:
                continue
            # The digit and `e` are printable: an open jump must be ended first.
            close = (self.model.jump_end,) if jumping else ()
            total = cost + len(close) + len(edit) + 1
            if best is None or total < best.cost:
                best = Plan((*self._keys_to(state), *close, *edit, digit))
        return best


# ------------------------------------------------------------------ the benchmark


@dataclass
class SpanCost:
    span: ReferenceSpan
    token_count: int
    plan: Plan | None
    # For a model that cannot make the span: the plan of the tokens that cover it.
    covering: Plan | None = None

    @property
    def cost(self) -> int:
        chosen = self.plan or self.covering
        assert chosen is not None
        return chosen.cost


def plan_all(model: KeyModel, spans: Sequence[ReferenceSpan], sentences: dict) -> list[SpanCost]:
    """Plan every span; `sentences` maps (document, index) to the stored Sentence."""
    planners: dict[tuple[str, int], SentencePlanner] = {}
    costs = []
    for span in spans:
        sentence = sentences[(span.document, span.sentence)]
        key = (span.document, span.sentence)
        if key not in planners:
            planners[key] = SentencePlanner(model, sentence.text, sentence.tokens)
        planner = planners[key]
        first, last = token_range(sentence.tokens, span.start, span.end)
        plan = planner.plan(span.start, span.end, span.label)
        covering = None
        if plan is None:
            covering = planner.plan(sentence.tokens[first][0], sentence.tokens[last][1], span.label)
        costs.append(SpanCost(span, last - first + 1, plan, covering))
    return costs


@dataclass
class Summary:
    spans: int
    mean: float
    max: int
    max_short: int  # over spans of 1-4 tokens
    impossible: int  # spans the model cannot make exactly (counted at their covering tokens)


def summarize(costs: Sequence[SpanCost]) -> Summary:
    values = [c.cost for c in costs]
    short = [c.cost for c in costs if c.token_count <= 4]
    return Summary(
        spans=len(costs),
        mean=statistics.fmean(values),
        max=max(values),
        max_short=max(short, default=0),
        impossible=sum(c.plan is None for c in costs),
    )
