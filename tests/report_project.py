"""A small project for the report tests: three annotators and gold on real sample sentences,
timed, with suggestions decided in part, some sentences seen with suggestions hidden, and
one document whose text is hostile HTML."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from annotator.corpus_import import Importer
from annotator.model import (
    GOLD,
    LexiconEntry,
    SentenceState,
    SpanAnnotation,
    Suggestion,
)
from annotator.resources import default_tagset_path, sample_paths
from annotator.store import Store
from annotator.tagset import load_tagset

HOSTILE = (
    'Kata <script>alert("x")</script> dan </svg><img src="http://example.invalid/x.png"> '
    'serta <a href="javascript:alert(1)">klik</a> &amp; <b>tebal</b> di sini.'
)
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build_report_project(folder: Path) -> Path:
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    hostile = folder / "docs" / "zz_hostile.txt"
    hostile.write_text(HOSTILE + "\n", encoding="utf-8")
    db_path = folder / "project.db"
    with Store.open(db_path, create=True) as store:
        with store.transaction():
            store.initialize("report-demo", load_tagset(default_tagset_path()))
            Importer(store).run([*sample_paths(), hostile])
        store.lexicons.save(
            "demo", [LexiconEntry("kata", "loaded_language", "exact"), LexiconEntry("serta", "euphemism", "exact")]
        )
        sentences = list(store.corpus.iter_sentences())
        chosen = sentences[:24] + [s for s in sentences if "<script>" in s.text]
        with store.transaction():
            for i, s in enumerate(chosen):
                tokens = s.tokens
                base = (
                    [(0, 1, "loaded_language")]
                    if i % 2
                    else [(min(2, len(tokens) - 1), min(2, len(tokens) - 1), "name_calling")]
                )
                plans = {
                    "ana": base,
                    "budi": base if i % 4 else [(0, 0, "loaded_language")],
                    "citra": base if i % 5 else [],
                    GOLD: base,
                }
                for k, (name, spans) in enumerate(plans.items()):
                    if name == GOLD and i % 3 == 0:
                        continue
                    shown = START + timedelta(days=i, minutes=10 * k)
                    seconds = 20 + 7 * ((i * 3 + k) % 9) + (600 if (i + k) % 11 == 0 else 0)  # one idle visit
                    mode = "on" if i % 3 else ("after" if i % 2 else "off")
                    store.annotations.put_judgment(
                        SentenceState(
                            s.id,
                            name,
                            status="done",
                            judgment="biased" if (i + k * (i % 4)) % 3 else "neutral",
                            suggestion_mode=mode,
                            first_shown_at=_stamp(shown),
                            finished_at=_stamp(shown + timedelta(seconds=seconds)),
                        )
                    )
                    for first, last, label in spans:
                        store.annotations.add_span(SpanAnnotation(s.id, name, tokens[first][0], tokens[last][1], label))
                first_token = tokens[0]
                store.suggestions.add([Suggestion(s.id, first_token[0], first_token[1], "loaded_language", "kata")])
        for i, s in enumerate(chosen[:12]):
            suggestion = store.suggestions.for_sentence(s.id)[0]
            store.suggestions.set_decision(suggestion.id, "ana", "accepted" if i % 3 else "rejected")
            store.suggestions.set_decision(suggestion.id, "budi", "rejected" if i % 2 else "accepted")
    return db_path
