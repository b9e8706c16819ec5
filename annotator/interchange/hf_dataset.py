"""A Hugging Face dataset folder: train/validation/test JSONL and a dataset card.

`datasets.load_dataset(DIR)` reads it unchanged: the card's YAML header lists the
three files (`configs`) and declares the features (`dataset_info`), so `ner_tags`
loads as a sequence of ClassLabel whose names are the BIO tags in a fixed order
(`O`, then `B-`/`I-` of each tag-set label in tag-set order, then any label found on
spans but missing from the tag set, by name). Nothing here imports `datasets`: it is a
test dependency, not a run-time one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TextIO

from ..overlaps import LabelOrder
from .bio import OUTSIDE, bio_tags
from .splits import SPLITS
from .stats import ExportStats
from .units import Unit

# The fields of one line, in order (the contract of issue 15).
HF_FIELDS: tuple[str, ...] = (
    "id",
    "document_id",
    "sentence_index",
    "annotator",
    "status",
    "text",
    "tokens",
    "ner_tags",
    "spans",
    "judgment",
)


def tag_names(labels: Sequence[str]) -> list[str]:
    """The ClassLabel names: O, then B- and I- of each label in order."""
    names = [OUTSIDE]
    for label in labels:
        names += [f"B-{label}", f"I-{label}"]
    return names


class HfWriter:
    """Writes units to the split files (`handles` by split name)."""

    def __init__(self, handles: Mapping[str, TextIO], stats: ExportStats, labels: Sequence[str]):
        self.handles = handles
        self.stats = stats
        self.labels = tuple(labels)
        self.order = LabelOrder(self.labels)
        self.codes = {name: code for code, name in enumerate(tag_names(labels))}
        self.counts = dict.fromkeys(SPLITS, 0)

    def write(self, unit: Unit, split: str) -> None:
        s = unit.sentence
        tagged = bio_tags(s.tokens, unit.spans, self.order)
        self.stats.add_tagged(tagged.kept, tagged.dropped, tagged.cut)
        line = {
            "id": f"{s.document_id}/{s.index}/{unit.annotator}",
            "document_id": s.document_id,
            "sentence_index": s.index,
            "annotator": unit.annotator,
            "status": unit.status,
            "text": s.text,
            "tokens": [s.text[start:end] for start, end in s.tokens],
            "ner_tags": [self.codes[tag] for tag in tagged.tags],
            "spans": [{"start": start, "end": end, "label": label} for start, end, label in unit.spans],
            "judgment": unit.judgment,
        }
        self.handles[split].write(json.dumps(line, ensure_ascii=False))
        self.handles[split].write("\n")
        self.counts[split] += 1
        self.stats.rows += 1


def _yaml(value: str) -> str:
    # A JSON string (ASCII only) is a valid YAML double-quoted scalar.
    return json.dumps(value)


def card_header(labels: Sequence[str], license_id: str, counts: Mapping[str, int]) -> str:
    """The YAML header: licence, the data files, and the features. A split with no lines
    is left out of `configs` (datasets refuses to load an empty split); train is always
    listed."""
    names = "\n".join(f"          '{code}': {_yaml(name)}" for code, name in enumerate(tag_names(labels)))
    files = "\n".join(
        f"  - split: {split}\n    path: {split}.jsonl" for split in SPLITS if split == "train" or counts.get(split)
    )
    return f"""---
license: {_yaml(license_id)}
task_categories:
- token-classification
configs:
- config_name: default
  data_files:
{files}
dataset_info:
  features:
  - name: id
    dtype: string
  - name: document_id
    dtype: string
  - name: sentence_index
    dtype: int64
  - name: annotator
    dtype: string
  - name: status
    dtype: string
  - name: text
    dtype: string
  - name: tokens
    sequence: string
  - name: ner_tags
    sequence:
      class_label:
        names:
{names}
  - name: spans
    list:
    - name: start
      dtype: int64
    - name: end
      dtype: int64
    - name: label
      dtype: string
  - name: judgment
    dtype: string
---
"""


def dataset_card(
    *,
    project: str,
    labels: Sequence[tuple[str, str]],
    annotators: Sequence[str],
    counts: Mapping[str, int],
    agreement: Sequence[str],
    license_id: str,
    statuses: str,
    split: str,
    seed: int,
    stats: ExportStats,
) -> str:
    """The README.md: YAML header, then what the data is. `labels` are (name, description)."""
    label_lines = "\n".join(
        f"| `{name}` | `B-{name}`, `I-{name}` | {description.replace('|', '/') or ''} |" for name, description in labels
    )
    split_lines = "\n".join(f"| {name} | {counts.get(name, 0)} |" for name in SPLITS)
    agreement_lines = "\n".join(f"- {line}" for line in agreement) or "- not computed"
    lost = ""
    if stats.spans_dropped or stats.spans_cut:
        lost = (
            f"\nBIO holds one span per token: {stats.spans_dropped} span(s) nested in a longer one (or covering no "
            f"token) have no tags, and {stats.spans_cut} lost tokens to a longer one. Every span is in `spans` as "
            "annotated.\n"
        )
    empty = [name for name in SPLITS if not counts.get(name)]
    if empty:
        lost += (
            f"\nEmpty here (too few documents): {', '.join(empty)}; its file is empty and not listed in `configs`.\n"
        )
    return (
        card_header([name for name, _ in labels], license_id, counts)
        + f"""
# {project}

Framing and loaded-language annotations of Indonesian news sentences, exported by
framing-annotator. One line per sentence and annotator.

## Fields

- `tokens`, `ner_tags`: the sentence's tokens and their BIO tags (ClassLabel). When
  one annotator's spans overlap on a token, the longest wins (then the label listed
  first); token agreement decides by the same rule.
- `spans`: every span as annotated, `start`/`end` half-open code-point offsets into
  `text`, and its `label`.
- `status`: the annotator's status of the sentence (`done`, `skipped` or `open`);
  this export holds {statuses}.
- `judgment`: the annotator's sentence-level judgment, or null.
- `document_id`, `sentence_index` (0-based), `annotator`, `id`.

## Tag set

| Label | Tags | Description |
|---|---|---|
{label_lines}

## Splits

By document (no document is in two splits): {split}, seed {seed}.

| Split | Lines |
|---|---|
{split_lines}
{lost}
## Annotators

{", ".join(annotators) or "none"}

## Agreement

{agreement_lines}

## Licence

The `license` field in the header says `{license_id}` (the project's `license` setting,
or `unknown` when none is set). Put the data's licence there (an SPDX id such as
`cc-by-4.0`) before publishing: the news texts keep their publishers' rights.
"""
    )
