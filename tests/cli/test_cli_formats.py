"""The training formats through their real consumers: datasets, seqeval, krippendorff,
pandas, and Label Studio's task shape (issue 15)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.interchange.conll import SIDECAR_COLUMNS
from annotator.interchange.hf_dataset import HF_FIELDS, tag_names
from annotator.store import Store
from tests.formats_project import build

ANA = "ana"


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


@pytest.fixture
def db(tmp_path, tagset):
    path = tmp_path / "formats.db"
    build(path, tagset, tmp_path / "sources")
    return path


def read(path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def csv_dicts(path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(read(path), newline="")))


def done_units(db, annotators=("ana", "budi")) -> set[tuple[str, int, str]]:
    """(document_id, sentence_index, annotator) of the units marked done, from the store."""
    with Store.open(db, readonly=True) as store:
        return {
            (document_id, index, annotator)
            for document_id, index, annotator in store.db.execute(
                "SELECT s.document_id, s.idx, st.annotator FROM sentence_status st JOIN sentences s"
                " ON s.id = st.sentence_id WHERE st.status = 'done'"
            ).fetchall()
            if annotator in annotators
        }


# ------------------------------------------------------------------ datasets


def test_the_hf_folder_loads_with_datasets_and_class_label_names(db, tmp_path, monkeypatch, tagset):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    import datasets

    out = tmp_path / "dataset"
    run("export", "--db", db, "--format", "hf", "--out", out, "--seed", "7")
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "test.jsonl", "train.jsonl", "validation.jsonl"]
    loaded = datasets.load_dataset(str(out), cache_dir=str(tmp_path / "cache"))
    names = tag_names(tagset.label_names)
    assert set(loaded) == {"train", "validation", "test"}
    for split in loaded.values():
        assert list(split.features) == list(HF_FIELDS)
        assert isinstance(split.features["ner_tags"].feature, datasets.ClassLabel)
        assert split.features["ner_tags"].feature.names == names
    rows = [row for split in loaded.values() for row in split]
    # Done sentences only, by default, each line holding its status.
    assert {(r["document_id"], r["sentence_index"], r["annotator"]) for r in rows} == done_units(db)
    assert {r["status"] for r in rows} == {"done"}
    # By document: no document in two splits.
    documents = [{r["document_id"] for r in split} for split in loaded.values()]
    assert sum(len(d) for d in documents) == len(set().union(*documents))
    naik = next(r for r in rows if r["annotator"] == ANA and "0012" in r["tokens"])
    feature = loaded["train"].features["ner_tags"].feature
    assert [feature.int2str(t) for t in naik["ner_tags"]] == ["O", "B-loaded_language", "I-loaded_language", "O", "O"]
    assert {(s["label"], naik["text"][s["start"] : s["end"]]) for s in naik["spans"]} == {
        ("loaded_language", "0012 naik"),
        ("euphemism", "naik"),
    }
    card = read(out / "README.md")
    for needed in ("license:", "## Tag set", "## Annotators", "## Agreement", "Krippendorff's alpha", "ana, budi"):
        assert needed in card


def test_splits_are_by_document_and_stable_for_a_seed(db, tmp_path):
    first, again, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out, seed in ((first, 3), (again, 3), (other, 4)):
        run(
            "export",
            "--db",
            db,
            "--format",
            "hf",
            "--status",
            "any",
            "--split",
            "50/25/25",
            "--seed",
            seed,
            "--out",
            out,
        )
    for name in ("train.jsonl", "validation.jsonl", "test.jsonl"):
        assert read(first / name) == read(again / name)

    def split_of(folder):
        return {
            json.loads(line)["document_id"]: name
            for name in ("train", "validation", "test")
            for line in read(folder / f"{name}.jsonl").splitlines()
        }

    assert sorted(split_of(first).values()) == ["test", "train", "train", "validation"]
    # The same seed splits the same documents the same way in CoNLL, as three files.
    run(
        "export",
        "--db",
        db,
        "--format",
        "conll",
        "--status",
        "any",
        "--annotator",
        ANA,
        "--split",
        "50/25/25",
        "--seed",
        "3",
        "--out",
        tmp_path / "ana.conll",
    )
    for name in ("train", "validation", "test"):
        rows = csv_dicts(tmp_path / f"ana.{name}.sentences.csv")
        assert {r["document_id"] for r in rows} <= {d for d, split in split_of(first).items() if split == name}


# ------------------------------------------------------------------ CoNLL


def read_conll2003(text: str) -> list[tuple[list[str], list[str]]]:
    """Sentences as the Hugging Face conll2003 builder reads them: space-separated
    columns, the tag last; a blank line or a -DOCSTART- line ends a sentence."""
    sentences, tokens, tags = [], [], []
    for line in text.split("\n"):
        if line.startswith("-DOCSTART-") or line == "":
            if tokens:
                sentences.append((tokens, tags))
                tokens, tags = [], []
            continue
        columns = line.split(" ")
        assert len(columns) == 4, line
        tokens.append(columns[0])
        tags.append(columns[3])
    if tokens:
        sentences.append((tokens, tags))
    return sentences


def test_conll_spans_read_back_by_seqeval_equal_the_spans_csv_apart_from_what_it_reports(db, tmp_path):
    from seqeval.metrics.sequence_labeling import get_entities
    from seqeval.scheme import IOB2, Entities

    result = run("export", "--db", db, "--format", "conll", "--annotator", ANA, "--out", tmp_path / "ana.conll")
    text = read(tmp_path / "ana.conll")
    # No comment lines: every line is blank, a docstart, or four columns (read_conll2003 checks).
    assert not [line for line in text.splitlines() if line.startswith("# ") and len(line.split(" ")) != 4]
    sidecar = csv_dicts(tmp_path / "ana.sentences.csv")
    assert list(sidecar[0]) == list(SIDECAR_COLUMNS)
    sentences = read_conll2003(text)
    assert len(sentences) == len(sidecar)
    assert {(r["document_id"], int(r["sentence_index"]), r["annotator"]) for r in sidecar} == done_units(db, (ANA,))
    assert {r["status"] for r in sidecar} == {"done"}
    run("export", "--db", db, "--annotator", ANA, "--status", "done", "--out", tmp_path / "spans.csv")
    expected = {
        (r["document_id"], int(r["sentence_index"]), int(r["start"]), int(r["end"]), r["label"])
        for r in csv_dicts(tmp_path / "spans.csv")
    }
    read_back = set()
    with Store.open(db, readonly=True) as store:
        for (tokens, tags), row in zip(sentences, sidecar):
            sentence = store.corpus.sentence_at(row["document_id"], int(row["sentence_index"]))
            assert tokens == [sentence.text[s:e] for s, e in sentence.tokens]
            assert row["text"] == sentence.text
            # seqeval's strict IOB2 reading finds the same chunks as its lenient one: valid BIO.
            strict = {(e.tag, e.start, e.end) for e in Entities([tags], IOB2).entities[0]}
            assert strict == {(label, first, last + 1) for label, first, last in get_entities(tags)}
            for label, first, last in get_entities(tags):
                read_back.add(
                    (row["document_id"], sentence.index, sentence.tokens[first][0], sentence.tokens[last][1], label)
                )
    # ana's nested "naik" is dropped, and her "# 😀 rezim" is cut to "# 😀" by her longer span.
    assert "of 7 spans, 1 have no tags" in result.stdout and "1 are cut short" in result.stdout
    assert len(expected - read_back) == 2 and len(read_back - expected) == 1
    [(document_id, index, start, end, label)] = read_back - expected
    assert any(
        d == document_id and i == index and lab == label and s == start and e > end
        for d, i, s, e, lab in expected - read_back
    )


def test_a_hashtag_token_stays_a_token_in_conll(db, tmp_path):
    run("export", "--db", db, "--format", "conll", "--annotator", ANA, "--out", tmp_path / "ana.conll")
    lines = read(tmp_path / "ana.conll").splitlines()
    assert "# -X- _ B-name_calling" in lines


# ------------------------------------------------------------------ agreement


def test_token_alpha_recomputed_from_the_tokens_csv_with_krippendorff_is_the_clis(db, tmp_path):
    import krippendorff

    run("export", "--db", db, "--what", "tokens", "--out", tmp_path / "tokens.csv")
    rows = csv_dicts(tmp_path / "tokens.csv")
    assert {r["status"] for r in rows} == {"done"}
    # The overlap rule: ana's "naik" lies under her longer loaded_language and her
    # shorter euphemism; the longer one labels it.
    assert [r["tag"] for r in rows if r["annotator"] == ANA and r["text"] == "naik"] == ["I-loaded_language"]

    def alpha(label_of) -> float:
        tokens = sorted({(r["document_id"], int(r["sentence_index"]), int(r["token_index"])) for r in rows})
        column = {key: i for i, key in enumerate(tokens)}
        values = sorted({label_of(r) for r in rows})
        matrix = np.full((2, len(tokens)), np.nan)
        for r in rows:
            key = (r["document_id"], int(r["sentence_index"]), int(r["token_index"]))
            matrix[("ana", "budi").index(r["annotator"]), column[key]] = values.index(label_of(r))
        return krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")

    cli_alpha = json.loads(
        run("agreement", "--db", db, "--level", "token", "--annotators", "ana,budi", "--json").stdout
    )["krippendorff_alpha"]
    ours = alpha(lambda r: r["tag"][2:] if r["tag"] != "O" else "O")
    assert ours == pytest.approx(cli_alpha, abs=1e-12)
    assert f"{ours:.4f}" == f"{cli_alpha:.4f}"
    # The tags themselves (B- and I- apart) would not reproduce it: the rule is what agrees.
    assert alpha(lambda r: r["tag"]) != pytest.approx(cli_alpha, abs=1e-6)


# ------------------------------------------------------------------ Label Studio


def test_label_studio_tasks_have_the_shape_and_utf16_offsets_after_an_emoji(db, tmp_path, tagset):
    run("export", "--db", db, "--format", "label-studio", "--out", tmp_path / "ls.json")
    run("export", "--db", db, "--format", "label-studio", "--offsets", "utf16", "--out", tmp_path / "ls16.json")
    tasks = json.loads(read(tmp_path / "ls.json"))
    tasks16 = json.loads(read(tmp_path / "ls16.json"))
    assert isinstance(tasks, list) and len(tasks) == len(tasks16)
    units = set()
    for task, task16 in zip(tasks, tasks16):
        assert set(task) == {"data", "annotations"}
        text, meta = task["data"]["text"], task["data"]["meta"]
        assert {"document_id", "sentence_index", "status"} <= set(meta) and meta["status"] == "done"
        for annotation, annotation16 in zip(task["annotations"], task16["annotations"]):
            units.add((meta["document_id"], meta["sentence_index"], annotation["completed_by"]))
            for item, item16 in zip(annotation["result"], annotation16["result"]):
                assert (item["type"], item["from_name"], item["to_name"]) == ("labels", "label", "text")
                value, value16 = item["value"], item16["value"]
                assert set(value) == {"start", "end", "text", "labels"} and len(value["labels"]) == 1
                assert text[value["start"] : value["end"]] == value["text"]
                # As JavaScript slices the string: UTF-16 code units.
                units16 = text.encode("utf-16-le")
                assert units16[2 * value16["start"] : 2 * value16["end"]].decode("utf-16-le") == value16["text"]
    assert units == done_units(db)
    [rezim] = [
        item["value"]
        for task in tasks16
        for a in task["annotations"]
        if a["completed_by"] == ANA
        for item in a["result"]
        if item["value"]["text"] == "rezim boneka"
    ]
    [plain] = [
        item["value"]
        for task in tasks
        for a in task["annotations"]
        if a["completed_by"] == ANA
        for item in a["result"]
        if item["value"]["text"] == "rezim boneka"
    ]
    assert rezim["start"] == plain["start"] + 1  # the emoji before it is two code units
    config = ET.fromstring(read(tmp_path / "ls.label-config.xml"))
    assert [label.get("value") for label in config.iter("Label")] == list(tagset.label_names)
    assert config.find("Labels").get("name") == "label" and config.find("Text").get("name") == "text"


def test_utf16_offsets_round_trip_through_import_annotations(db, tmp_path, tagset):
    run("export", "--db", db, "--format", "jsonl", "--offsets", "utf16", "--out", tmp_path / "a.jsonl")
    fresh = tmp_path / "fresh.db"
    build(fresh, tagset, tmp_path / "fresh-sources")
    with Store.open(fresh) as store:
        store.db.execute("DELETE FROM span_rows")
        store.db.execute("DELETE FROM sentence_status_rows")
    run("import-annotations", "--db", fresh, "--offsets", "utf16", tmp_path / "a.jsonl")
    run("export", "--db", fresh, "--format", "jsonl", "--offsets", "utf16", "--out", tmp_path / "b.jsonl")
    assert read(tmp_path / "b.jsonl") == read(tmp_path / "a.jsonl")
    # Read as code points, the same file is refused where an offset splits the emoji, or
    # lands spans elsewhere: the flag matters.
    run("export", "--db", db, "--format", "jsonl", "--out", tmp_path / "c.jsonl")
    assert read(tmp_path / "c.jsonl") != read(tmp_path / "a.jsonl")


# ------------------------------------------------------------------ pandas


def test_pandas_with_the_documented_call_keeps_0012_na_and_null_tokens(db, tmp_path):
    import pandas as pd

    run("export", "--db", db, "--what", "tokens", "--status", "any", "--out", tmp_path / "tokens.csv")
    # The call the README documents.
    frame = pd.read_csv(tmp_path / "tokens.csv", dtype=str, keep_default_na=False)
    assert {"0012", "NA", "null", "#"} <= set(frame["text"])
    assert frame.isna().sum().sum() == 0
    assert frame.to_dict("records") == csv_dicts(tmp_path / "tokens.csv")
    # What the default call does to them: NA and null become NaN, numbers become numbers.
    naive = pd.read_csv(tmp_path / "tokens.csv")
    assert naive["text"].isna().any() and naive["token_index"].dtype.kind == "i"
    run("export", "--db", db, "--what", "sentences", "--out", tmp_path / "sentences.csv")
    sentences = pd.read_csv(tmp_path / "sentences.csv", dtype=str, keep_default_na=False)
    assert sentences.to_dict("records") == csv_dicts(tmp_path / "sentences.csv")


# ------------------------------------------------------------------ status and gold


@pytest.mark.parametrize("fmt", ["jsonl", "conll", "label-studio"])
def test_training_formats_leave_out_skipped_and_unfinished_sentences_by_default(db, tmp_path, fmt):
    out = tmp_path / "out"
    run("export", "--db", db, "--format", fmt, "--out", out)
    text = "\n".join(read(p) for p in sorted(out.iterdir())) if out.is_dir() else read(out)
    assert '"skipped"' not in text and '"open"' not in text and ",skipped," not in text and ",open," not in text
    everything = tmp_path / "any"
    run("export", "--db", db, "--format", fmt, "--status", "any", "--out", everything)
    text = "\n".join(read(p) for p in sorted(everything.iterdir())) if everything.is_dir() else read(everything)
    assert "skipped" in text and "open" in text


def test_export_gold_reports_overlapping_spans_of_one_label(db, tmp_path):
    from annotator.model import GOLD, SpanAnnotation

    with Store.open(db) as store:
        sentence = store.corpus.sentence_at("berita_d", 0)
        store.annotations.add_span(
            SpanAnnotation(sentence.id, GOLD, 0, 7, "euphemism", agreed_by=("ana",), resolution="curated")
        )
    result = run("export", "--db", db, "--gold", "--out", tmp_path / "gold.csv")
    assert "Gold holds 1 pair(s) of overlapping spans of the same label:" in result.stdout
    assert "document berita_d, sentence 1: euphemism" in result.stdout


# ------------------------------------------------------------------ numbering


def test_people_read_sentence_numbers_from_1_and_files_keep_the_0_based_index(db):
    shown = run("show", "berita_a", "--db", db).stdout.splitlines()
    assert shown[1].startswith("   1  Harga 0012") and shown[2].startswith("   2  Rezim")
    assert json.loads(run("show", "berita_a", "--db", db, "--json").stdout)["sentences"][0]["index"] == 0
    ranked = json.loads(run("disagreements", "--db", db, "--level", "token", "--limit", "1", "--json").stdout)
    [entry] = ranked["sentences"]
    text = run("disagreements", "--db", db, "--level", "token", "--limit", "1").stdout
    assert f"1. {entry['document_id']} sentence {entry['index'] + 1}:" in text


def test_the_dataset_card_declares_the_licence_the_project_sets(db, tmp_path):
    db_copy = tmp_path / "copy.db"
    shutil.copy(db, db_copy)
    run("settings", "set", "license", "cc-by-4.0", "--db", db_copy)
    run("export", "--db", db_copy, "--format", "hf", "--out", tmp_path / "dataset")
    header = read(tmp_path / "dataset" / "README.md").split("---")[1]
    assert 'license: "cc-by-4.0"' in header
    run("settings", "set", "license", "two\nlines", "--db", db_copy, code=1)
