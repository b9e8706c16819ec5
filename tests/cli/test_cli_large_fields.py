"""Round trip of any size: a 200 KB sentence and a 200 KB note go through `export` and back
in through `import-annotations` (and a 200 KB lexicon note through `lexicon load`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.model import SentenceState, SpanAnnotation
from annotator.store import Store

BIG = 200_000
# One sentence: words and commas, no sentence end, longer than csv's 128 KiB default.
LONG_SENTENCE = ("kata, " * (BIG // 6 + 1)).strip() + "."
LONG_NOTE = ("catatan panjang " * (BIG // 16 + 1)).strip()


def run(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output + result.stderr


def _project(tmp_path: Path, name: str) -> Path:
    corpus = tmp_path / "long.txt"
    corpus.write_text(LONG_SENTENCE + "\n", encoding="utf-8")
    db = tmp_path / f"{name}.db"
    run("init", "--db", str(db), "--name", name)
    run("import", "--db", str(db), str(corpus))
    return db


@pytest.mark.parametrize("what", ["spans", "sentences"])
def test_a_200_kb_sentence_and_note_round_trip_through_export_and_import_annotations(tmp_path: Path, what):
    source = _project(tmp_path, "source")
    with Store.open(source) as store:
        [sentence] = store.corpus.iter_sentences()
        assert len(sentence.text) > BIG
        store.annotations.add_span(SpanAnnotation(sentence.id, "ana", 0, 4, "loaded_language", note=LONG_NOTE))
        store.annotations.put_judgment(SentenceState(sentence.id, "ana", status="done", note=LONG_NOTE))
    out = tmp_path / f"{what}.csv"
    run("export", "--db", str(source), "--what", what, "--out", str(out))
    assert out.stat().st_size > BIG  # the note (spans), or the sentence and the note

    target = _project(tmp_path, "target")
    run("import-annotations", "--db", str(target), str(out))
    with Store.open(target, readonly=True) as store:
        [sentence] = store.corpus.iter_sentences()
        if what == "spans":
            [span] = store.annotations.spans_for_sentence(sentence.id, "ana")
            assert span.note == LONG_NOTE
        else:
            assert store.annotations.get_judgment(sentence.id, "ana").note == LONG_NOTE


def test_a_lexicon_entry_with_a_200_kb_note_loads(tmp_path: Path):
    db = _project(tmp_path, "lexicon")
    lexicon = tmp_path / "big.csv"
    lexicon.write_text(
        f'term,label,match,forms,exclude,neutral,note,source\nkata,loaded_language,exact,,,,"{LONG_NOTE}",test\n',
        encoding="utf-8",
    )
    run("lexicon", "load", "--db", str(db), str(lexicon))
    with Store.open(db, readonly=True) as store:
        [entry] = [e for e in store.lexicons.entries() if e.term == "kata"]
        assert entry.note == LONG_NOTE
