"""A deterministic benchmark corpus built from the bundled sample articles.

The sentences of the three sample articles are recombined at random (seeded) into
paragraphs and documents, so the text looks like the news the tool is made for, and
the same (size, seed) always gives the same bytes. Sizes are in MB of UTF-8 document
text (1 MB = 1,000,000 bytes), not counting JSON or CSV overhead.

    make_documents(size_mb, seed)  -> iterator of {"id", "title", "text"}
    write_jsonl(path, size_mb, seed)
    write_csv(path, size_mb, seed)
    write_txt_dir(path, size_mb, seed)

Sentences are cut with a simple regular expression, not with annotator.segmentation,
so that a change to the segmenter does not change the benchmark input.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from annotator.resources import sample_paths

MB = 1_000_000

# A sentence ends at . ! ? (optionally followed by a closing quote) before a space and
# an upper-case letter or an opening quote. Good enough to harvest sample sentences.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”\"’]))\s+(?=[“\"(A-Z])")


@lru_cache(maxsize=1)
def sample_sentences() -> tuple[str, ...]:
    """Every sentence of the bundled samples, in order, without duplicates."""
    seen: dict[str, None] = {}
    for path in sample_paths():
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        for paragraph in text.split("\n"):
            for sentence in _SENTENCE_END.split(paragraph.strip()):
                if sentence.strip():
                    seen.setdefault(sentence.strip(), None)
    return tuple(seen)


def make_documents(size_mb: float, seed: int = 0) -> Iterator[dict]:
    """Documents of recombined sample sentences until `size_mb` MB of text is reached.

    Each document has 2-10 paragraphs of 1-4 sentences (paragraphs joined by a
    newline). Ids are `bench-{seed}-{n:07d}`; the title is the first sentence cut to
    120 characters. Document texts are all different, so none is skipped as a
    duplicate on import.
    """
    rng = random.Random(seed)
    sentences = sample_sentences()
    budget = int(size_mb * MB)
    produced = 0
    seen: set[bytes] = set()
    number = 0
    while produced < budget:
        paragraphs = [
            " ".join(rng.choice(sentences) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(2, 10))
        ]
        text = "\n".join(paragraphs)
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
        if digest in seen:
            continue
        seen.add(digest)
        number += 1
        produced += len(text.encode("utf-8"))
        yield {"id": f"bench-{seed}-{number:07d}", "title": paragraphs[0][:120], "text": text}


def write_jsonl(path: str | Path, size_mb: float, seed: int = 0) -> Path:
    """One JSON object per line with id, title and text."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for document in make_documents(size_mb, seed):
            handle.write(json.dumps(document, ensure_ascii=False))
            handle.write("\n")
    return path


def write_csv(path: str | Path, size_mb: float, seed: int = 0) -> Path:
    """A CSV file with the columns id, title, text (texts hold newlines, so they are quoted)."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "title", "text"])
        writer.writeheader()
        writer.writerows(make_documents(size_mb, seed))
    return path


def write_txt_dir(path: str | Path, size_mb: float, seed: int = 0) -> Path:
    """One `{id}.txt` per document in the folder `path` (created if needed)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    for document in make_documents(size_mb, seed):
        (path / f"{document['id']}.txt").write_text(document["text"], encoding="utf-8", newline="\n")
    return path
