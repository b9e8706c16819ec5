"""--status on every export format: a property test over random projects."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.interchange.export import (
    Layout,
    Selection,
    export,
    export_conll,
    export_hf,
)
from annotator.model import Document, Sentence, SentenceState, SpanAnnotation
from annotator.resources import default_tagset_path
from annotator.segmentation import tokenize
from annotator.store import Store
from annotator.tagset import load_tagset

TAGSET = load_tagset(default_tagset_path())
LABELS = TAGSET.label_names
ANNOTATORS = ("ana", "budi")
SENTENCES = ("Harga naik tajam sekali.", "Rezim itu menyebut dalih 😀 lagi.", "Warga diamankan aparat.")
# Per (document, sentence, annotator): None (nothing), or a status with or without spans.
STATE = st.one_of(
    st.none(),
    st.tuples(
        st.sampled_from(["done", "skipped", "open"]),
        st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.sampled_from(LABELS[:3])), max_size=3),
    ),
)


def project(states: list) -> tuple[Store, dict[tuple[str, int, str], str]]:
    """A store with three documents of three sentences and the given states; returns the
    status of every unit it holds."""
    store = Store.memory()
    store.initialize("status", TAGSET)
    units = {}
    states_iter = iter(states)
    for d in range(3):
        text = " ".join(SENTENCES)
        sentences, start = [], 0
        for index, sentence_text in enumerate(SENTENCES):
            sentences.append(
                Sentence(
                    None, f"doc{d}", index, start, start + len(sentence_text), sentence_text, tokenize(sentence_text)
                )
            )
            start += len(sentence_text) + 1
        store.corpus.insert_document(Document(id=f"doc{d}", text=text, content_hash=f"h{d}"), sentences)
        for sentence in store.corpus.sentences_of(f"doc{d}"):
            for name in ANNOTATORS:
                state = next(states_iter)
                if state is None:
                    continue
                status, spans = state
                if status == "open" and not spans:
                    # An open state needs something kept: a judgment.
                    store.annotations.put_judgment(SentenceState(sentence.id, name, judgment="neutral"))
                elif status != "open":
                    store.annotations.put_judgment(SentenceState(sentence.id, name, status=status))
                for first, width, label in spans:
                    first = min(first, len(sentence.tokens) - 1)
                    last = min(first + width, len(sentence.tokens) - 1)
                    span = SpanAnnotation(sentence.id, name, sentence.tokens[first][0], sentence.tokens[last][1], label)
                    if not any(
                        s.start == span.start and s.end == span.end and s.label == span.label
                        for s in store.annotations.spans_for_sentence(sentence.id, name)
                    ):
                        store.annotations.add_span(span)
                units[(f"doc{d}", sentence.index, name)] = status
    return store, units


def text_of(store: Store, kind: str, fmt: str, selection: Selection) -> str:
    handle = io.StringIO(newline="")
    export(store, kind, fmt, handle, selection)
    return handle.getvalue()


def exported_units(store: Store, selection: Selection) -> dict[str, set]:
    """(document_id, sentence_index, annotator) in each format's output."""
    found: dict[str, set] = {}
    jsonl = [json.loads(line) for line in text_of(store, "spans", "jsonl", selection).splitlines()]
    found["jsonl"] = {(o["document_id"], o["sentence_index"], o["annotator"]) for o in jsonl}
    sidecar = io.StringIO(newline="")
    export_conll(store, io.StringIO(), selection, sidecar=sidecar)
    rows = list(csv.DictReader(io.StringIO(sidecar.getvalue(), newline="")))
    found["conll"] = {(r["document_id"], int(r["sentence_index"]), r["annotator"]) for r in rows}
    for kind in ("tokens", "sentences", "spans"):
        rows = list(csv.DictReader(io.StringIO(text_of(store, kind, "csv", selection), newline="")))
        found[f"{kind}-csv"] = {(r["document_id"], int(r["sentence_index"]), r["annotator"]) for r in rows}
    tasks = json.loads(text_of(store, "spans", "label-studio", selection))
    found["label-studio"] = {
        (t["data"]["meta"]["document_id"], t["data"]["meta"]["sentence_index"], a["completed_by"])
        for t in tasks
        for a in t["annotations"]
    }
    with tempfile.TemporaryDirectory() as folder:
        export_hf(store, Path(folder), selection, Layout())
        lines = [
            json.loads(line)
            for name in ("train", "validation", "test")
            for line in (Path(folder) / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        ]
    found["hf"] = {(o["document_id"], o["sentence_index"], o["annotator"]) for o in lines}
    return found


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(STATE, min_size=18, max_size=18), st.sampled_from([("done",), ("skipped",), ("open",), ("done", "open")])
)
def test_every_format_with_a_status_holds_exactly_the_sentences_of_that_status(states, statuses):
    store, units = project(states)
    try:
        selection = Selection.of(statuses=statuses)
        wanted = {unit for unit, status in units.items() if status in statuses}
        with_spans = {
            (document_id, index, name)
            for document_id, index, name in wanted
            if store.annotations.spans_for_sentence(store.corpus.sentence_at(document_id, index).id, name)
        }
        with_state = {
            (document_id, index, name)
            for document_id, index, name in wanted
            if store.annotations.get_judgment(store.corpus.sentence_at(document_id, index).id, name) is not None
        }
        for fmt, found in exported_units(store, selection).items():
            # The spans CSV has a row per span, the sentences CSV one per stored state.
            expected = with_spans if fmt == "spans-csv" else with_state if fmt == "sentences-csv" else wanted
            assert found == expected, fmt
    finally:
        store.close()
