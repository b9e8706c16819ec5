"""Workloads for the annotation workspace benchmarks: big projects, built fast.

`build_project(path, sentences)` writes a project of exactly `sentences` sentences,
recombined from the bundled samples' sentences, through `Store.corpus.insert_document` in
one transaction (no segmentation at build time: each sample sentence is tokenized
once). A million sentences take about a minute on this machine.

`long_sentence(tokens)` returns a sentence text of about that many tokens.

`measure_startup`, `measure_keys` and `measure_long_sentence` time the workspace
through Pilot; `python -m tests.bench.ui_workload` runs them all and prints the
figures the README reports. These are functions, not tests.

Key latency is taken from just before the key event is sent to the first screen
update the app paints after it, by timing the app's display call. Pilot's own
`press()` then waits for idle in 20 ms steps, which is not part of the latency.
"""

from __future__ import annotations

import asyncio
import gc
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from annotator.model import Document, Sentence, Suggestion
from annotator.resources import default_tagset_path
from annotator.store import Store
from annotator.tagset import load_tagset
from annotator.textnorm import content_hash

SENTENCES_PER_DOCUMENT = 50


@lru_cache(maxsize=1)
def _tokenized_pool() -> tuple[tuple[str, tuple[tuple[int, int], ...]], ...]:
    # Imported here: measuring a new process's startup must not pay for NLTK.
    from annotator.segmentation import tokenize

    from .corpus import sample_sentences

    return tuple((text, tuple(tokenize(text))) for text in sample_sentences())


def build_project(
    path: str | Path,
    sentences: int,
    *,
    per_document: int = SENTENCES_PER_DOCUMENT,
    seed: int = 0,
    suggestions: bool = True,
) -> Path:
    """A project of `sentences` sentences in documents of `per_document` sentences.

    With `suggestions`, the first token of every fifth sentence carries a lexicon-style
    suggestion, so the workspace has something to mark.
    """
    path = Path(path)
    if path.exists():
        path.unlink()
    pool = _tokenized_pool()
    rng = random.Random(seed)
    store = Store.open(path, create=True)
    try:
        store.initialize(path.stem, load_tagset(default_tagset_path()))
        label = store.tagset().labels[0].name
        # Bulk build: durability per commit is pointless for a throwaway corpus.
        store.conn.execute("PRAGMA synchronous = OFF")
        with store.transaction():
            made = 0
            number = 0
            while made < sentences:
                number += 1
                count = min(per_document, sentences - made)
                picks = [pool[rng.randrange(len(pool))] for _ in range(count)]
                parts, rows, offset = [], [], 0
                for index, (text, tokens) in enumerate(picks):
                    rows.append(
                        Sentence(None, f"doc-{number:07d}", index, offset, offset + len(text), text, list(tokens))
                    )
                    parts.append(text)
                    offset += len(text) + 1
                body = " ".join(parts)
                # Recombined documents can repeat; the number keeps every text distinct.
                body_hash = content_hash(f"{number}\n{body}")
                document = Document(
                    id=f"doc-{number:07d}", text=body, title=picks[0][0][:120], source="bench", content_hash=body_hash
                )
                ids = store.corpus.insert_document(document, rows)
                if suggestions:
                    store.suggestions.add(
                        Suggestion(
                            sentence_id,
                            *rows[i].tokens[0],
                            label=label,
                            term=rows[i].text[slice(*rows[i].tokens[0])].lower(),
                        )
                        for i, sentence_id in enumerate(ids)
                        if i % 5 == 0 and rows[i].tokens
                    )
                made += count
        store.conn.execute("PRAGMA synchronous = FULL")
    finally:
        store.close()
    return path


def long_sentence(tokens: int = 300, seed: int = 0) -> str:
    """One sentence of about `tokens` tokens, made of sample sentences joined by commas."""
    rng = random.Random(seed)
    pool = _tokenized_pool()
    parts: list[str] = []
    total = 0
    while total < tokens:
        text, toks = pool[rng.randrange(len(pool))]
        text = text.rstrip(".!?")
        parts.append(text)
        total += len(toks)
    return ", ".join(parts) + "."


def build_long_sentence_project(path: str | Path, tokens: int = 300) -> Path:
    """A project whose first sentence has about `tokens` tokens, with suggestions on every tenth."""
    path = Path(path)
    if path.exists():
        path.unlink()
    from annotator.segmentation import tokenize

    text = long_sentence(tokens)
    spans = tokenize(text)
    with Store.open(path, create=True) as store:
        store.initialize(path.stem, load_tagset(default_tagset_path()))
        label = store.tagset().labels[0].name
        [sentence_id] = store.corpus.insert_document(
            Document(id="long", text=text, title="A long sentence", content_hash=content_hash(text)),
            [Sentence(None, "long", 0, 0, len(text), text, spans)],
        )
        store.suggestions.add(Suggestion(sentence_id, a, b, label, text[a:b].lower()) for a, b in spans[::10])
    return path


# ------------------------------------------------------------------ measuring


def _timed_app_class():
    from annotator.tui.app import SessionApp

    class TimedApp(SessionApp):
        """Records when each screen update is painted (headless: when it would be written)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.paints: list[float] = []

        def _display(self, screen, renderable):  # noqa: ANN001 - Textual's signature
            if renderable is not None:
                self.paints.append(time.monotonic())
            super()._display(screen, renderable)

    return TimedApp


def measure_startup(db_path: str | Path, annotator: str = "bench", size: tuple[int, int] = (80, 24)) -> float:
    """Seconds from opening the project to the first sentence on screen (in this process)."""
    from annotator.tui.widgets.sentence_view import SentenceView
    from annotator.workspace import open_workspace

    async def run() -> float:
        gc.collect()  # not the previous run's garbage (see test_ui_bench._startup)
        start = time.monotonic()
        workspace = open_workspace(Path(db_path), annotator)
        app = _timed_app_class()(workspace.session, cursor_blink=False)
        try:
            async with app.run_test(size=size) as pilot:
                view = app.screen.query_one(SentenceView)
                while not app.paints or view.model is None:
                    await pilot.pause(0.001)
                return app.paints[0] - start
        finally:
            workspace.close()

    return asyncio.run(run())


def measure_process_startup(db_path: str | Path, annotator: str = "bench") -> float:
    """Seconds from starting a new Python process to the first sentence on screen.

    The child imports `annotator.cli` first, as the `annotator annotate` console script
    does, so the figure includes every command module the CLI loads.
    """
    code = (
        "import time, sys\n"
        "t0 = float(sys.argv[1])\n"
        "import annotator.cli\n"
        "from tests.bench.ui_workload import measure_startup\n"
        "inner = measure_startup(sys.argv[2], sys.argv[3])\n"
        "print(time.time() - t0)\n"
    )
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-c", code, repr(started), str(db_path), annotator],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    return float(result.stdout.strip().splitlines()[-1])


DEFAULT_KEYS = (
    "right",
    "right",
    "1",
    "shift+right",
    "2",
    "u",
    "ctrl+r",
    "left",
    "tab",
    "a",
    "f",
    "j",
    "k",
    "enter",
    "n",
)


def measure_keys(
    db_path: str | Path,
    keys: Sequence[str] = DEFAULT_KEYS,
    rounds: int = 10,
    annotator: str = "bench",
    size: tuple[int, int] = (80, 24),
) -> list[float]:
    """Key press to updated screen, in seconds, for each key of `keys` repeated `rounds` times."""
    from annotator.workspace import open_workspace

    async def run() -> list[float]:
        workspace = open_workspace(Path(db_path), annotator)
        app = _timed_app_class()(workspace.session, cursor_blink=False)
        latencies = []
        try:
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                for _ in range(rounds):
                    for key in keys:
                        painted = len(app.paints)
                        sent = time.monotonic()
                        await pilot.press(key)
                        if len(app.paints) > painted:
                            latencies.append(app.paints[painted] - sent)
        finally:
            workspace.close()
        return latencies

    return asyncio.run(run())


def measure_long_sentence(db_path: str | Path, annotator: str = "bench") -> dict[str, float]:
    """Layout and render time of the sentence view on a long sentence, and key latency on it."""
    from annotator.tui.widgets.sentence_view import SentenceView
    from annotator.workspace import open_workspace

    async def run() -> dict[str, float]:
        workspace = open_workspace(Path(db_path), annotator)
        app = _timed_app_class()(workspace.session, cursor_blink=False)
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                view = app.screen.query_one(SentenceView)
                tokens = len(workspace.session.tokens)
                started = time.perf_counter()
                for width in range(60, 80):  # fresh layouts
                    view.layout_for(width)
                layout_ms = (time.perf_counter() - started) / 20 * 1000
                started = time.perf_counter()
                for _ in range(20):
                    view.render()
                render_ms = (time.perf_counter() - started) / 20 * 1000
                latencies = []
                for key in ["right"] * 20 + ["1", "shift+right", "2", "a", "u", "tab", "shift+tab"] * 3:
                    painted = len(app.paints)
                    sent = time.monotonic()
                    await pilot.press(key)
                    if len(app.paints) > painted:
                        latencies.append(app.paints[painted] - sent)
                lines = len(view.layout_for(view.content_size.width).lines)
        finally:
            workspace.close()
        return {
            "tokens": tokens,
            "lines": lines,
            "layout_ms": layout_ms,
            "render_ms": render_ms,
            "key_p95_ms": percentile(latencies, 95) * 1000,
            "key_max_ms": max(latencies) * 1000,
        }

    return asyncio.run(run())


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def main(argv: Sequence[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Time the annotation workspace on big projects.")
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "annotator-ui-bench")
    parser.add_argument("--reuse", action="store_true", help="Reuse projects already built in --folder.")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    small, big, long = args.folder / "s100.db", args.folder / f"s{args.sentences}.db", args.folder / "long.db"
    for path, build in (
        (small, lambda p: build_project(p, 100)),
        (big, lambda p: build_project(p, args.sentences)),
        (long, build_long_sentence_project),
    ):
        if not (args.reuse and path.exists()):
            started = time.perf_counter()
            build(path)
            print(f"built {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    # Warm the file cache and the imports once, as a reviewer's second start would.
    measure_startup(small, "warmup")
    measure_startup(big, "warmup")
    for label, path in (("100 sentences", small), (f"{args.sentences:,} sentences", big)):
        runs = sorted(measure_startup(path, "bench") for _ in range(5))
        print(
            f"startup to first sentence, {label}: median {runs[2] * 1000:.0f} ms (min {runs[0] * 1000:.0f}, "
            f"max {runs[-1] * 1000:.0f}), new process {measure_process_startup(path) * 1000:.0f} ms"
        )
    for label, path in (("100 sentences", small), (f"{args.sentences:,} sentences", big)):
        latencies = measure_keys(path, rounds=args.rounds)
        print(
            f"key press to screen, {label}: {len(latencies)} keys, p50 {percentile(latencies, 50) * 1000:.1f} ms, "
            f"p95 {percentile(latencies, 95) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms"
        )
    figures = measure_long_sentence(long)
    print(
        f"long sentence: {figures['tokens']} tokens on {figures['lines']} lines at 80 columns; "
        f"layout {figures['layout_ms']:.1f} ms, render {figures['render_ms']:.1f} ms, "
        f"key p95 {figures['key_p95_ms']:.1f} ms (max {figures['key_max_ms']:.1f} ms)"
    )


if __name__ == "__main__":
    main()


# ----------------------------------------------------------------- long text
# One long sentence and the keys pressed on it: the default suite's check
# (tests/tui/test_workspace_long_text.py) and the benchmark (test_long_text_bench.py)
# run the same workload, the benchmark with more rounds and each key's own p95.

# Moving, selecting, labelling, the items, undo and redo, accept and reject, marking done.
LONG_TEXT_KEYS = (
    "l",
    "h",
    "shift+right",
    "escape",
    "tab",
    "shift+tab",
    "1",
    "u",
    "ctrl+r",
    "tab",
    "a",
    "tab",
    "x",
    "u",
    "f",
    "t",
    "enter",
)


def long_sentence_app(store: Store, text: str, annotator: str, suggestions: int = 200):
    """A timed app on a document whose first sentence is `text`, with up to `suggestions`
    lexicon-style suggestions spread over its tokens."""
    from annotator.workspace import AnnotationSession
    from tests.workspace_corpus import add_document

    add_document(store, "long", [text, "Kalimat kedua pendek."])
    sentence = store.corpus.sentence_at("long", 0)
    step = max(len(sentence.tokens) // suggestions, 1)
    store.suggestions.add(
        [
            Suggestion(sentence.id, *sentence.tokens[t], "loaded_language", "kata")
            for t in range(0, len(sentence.tokens), step)
        ][:suggestions]
    )
    session = AnnotationSession(store, annotator)
    session.open()
    return _timed_app_class()(session, cursor_blink=False)


async def press_until_painted(app, pilot, key: str) -> float:
    """Seconds from sending `key` to the screen update it caused; without one (a key
    that changes nothing on screen), the whole press."""
    start = time.monotonic()
    await pilot.press(key)
    await pilot.pause()
    painted = [t for t in app.paints if t > start]
    return painted[0] - start if painted else time.monotonic() - start
