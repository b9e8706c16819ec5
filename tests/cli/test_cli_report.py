"""`annotator report`: the JSON, the page, the figures, and that its numbers are the agreement command's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from tests.report_project import HOSTILE

SECTIONS = ["overview", "progress", "labels", "agreement", "suggestions", "quality", "disagreements"]


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


@pytest.fixture
def project_db(report_db) -> Path:
    return report_db


@pytest.fixture(scope="module")
def report(report_db) -> dict:
    return json.loads(run("report", "--db", str(report_db), "--bootstrap", "200", "--seed", "5", "--json").stdout)


def test_json_has_every_section(report):
    assert [key for key in report if key in SECTIONS] == SECTIONS
    assert report["overview"]["annotators"] == ["ana", "budi", "citra"]
    assert report["overview"]["gold"]["sentences_done"] > 0


def test_report_numbers_equal_the_agreement_command_for_the_same_options(project_db, report):
    agreement = json.loads(
        run("agreement", "--db", str(project_db), "--bootstrap", "200", "--seed", "5", "--json").stdout
    )
    assert report["agreement"]["levels"] == agreement
    by_document = json.loads(
        run("agreement", "--db", str(project_db), "--level", "token", "--by", "document", "--json").stdout
    )["by_document"]
    for row in report["agreement"]["worst_documents"]:
        assert row["krippendorff_alpha"] == by_document[row["document_id"]]["krippendorff_alpha"]
    disagreements = json.loads(run("disagreements", "--db", str(project_db), "--json").stdout)
    assert report["disagreements"] == disagreements


def test_time_on_task_is_capped_and_gives_a_rate_and_eta(report):
    progress = report["progress"]
    assert progress["idle_cap_seconds"] == 120
    ana = progress["per_annotator"]["ana"]
    assert ana["timed_sentences"] == ana["done"] == 25
    assert ana["seconds_per_sentence"]["whisker_high"] <= 120  # the 600 s visit counts 120
    assert ana["sentences_per_hour"] == pytest.approx(25 * 3600 / (ana["active_hours"] * 3600))
    assert ana["eta_hours"] == pytest.approx(ana["remaining"] / ana["sentences_per_hour"])
    assert len(progress["timeline"]["ana"]) == 25


def test_suggestions_precision_acceptance_and_shown_against_hidden(report):
    suggestions = report["suggestions"]
    kata = next(e for e in suggestions["entries"] if e["term"] == "kata")
    assert kata["accepted"] + kata["rejected"] == 24
    assert suggestions["acceptance"]["ana"]["accepted"] == 8 and suggestions["acceptance"]["ana"]["rejected"] == 4
    split = suggestions["shown_vs_hidden"]
    assert split["shown"]["sentences"] + split["hidden"]["sentences"] + split["mixed_sentences"] == 25
    assert split["hidden"]["sentences"] > 0 and split["shown"]["sentences"] > 0


def test_quality_against_gold_and_drift_windows(report):
    gold = report["quality"]["gold"]["per_annotator"]
    assert gold["ana"]["token_alpha"] == pytest.approx(1.0)  # ana marked what gold holds
    assert gold["budi"]["token_alpha"] < 1
    drift = report["quality"]["drift"]["per_annotator"]["ana"]
    assert drift["window"] == "week"  # 25 days of work
    assert sum(p["sentences"] for p in drift["points"]) == 25


def test_page_is_written_with_figures_and_escaped_text(report_page):
    page, figures = report_page
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") >= 8 and "<script" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert 'href="javascript' not in text and "<img" not in text
    ids = {p.stem for p in figures.iterdir()}
    assert {"per_label_alpha", "pairwise_kappa", "token_confusion", "time_on_task", "drift"} <= ids
    for chart in ids:
        assert (figures / f"{chart}.svg").read_text().lstrip().startswith("<?xml")
        assert (figures / f"{chart}.pdf").read_bytes().startswith(b"%PDF")
    assert HOSTILE not in text


def test_default_page_goes_to_exports(project_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    written = Path(run("report", "--db", str(project_db)).stdout.strip())
    assert written.parent == Path("exports") and written.name.startswith("report-demo-report-")
    assert written.suffix == ".html" and written.exists()


def test_unknown_annotator_is_a_one_line_error(project_db):
    result = run("report", "--db", str(project_db), "--annotators", "ana,nobody", code=1)
    assert "nobody" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_project_without_timing_suggestions_or_gold_still_reports(tmp_path):
    from annotator.corpus_import import Importer
    from annotator.model import SentenceState, SpanAnnotation
    from annotator.resources import default_tagset_path, sample_paths
    from annotator.store import Store
    from annotator.tagset import load_tagset

    db_path = tmp_path / "bare.db"
    with Store.open(db_path, create=True) as store:
        with store.transaction():
            store.initialize("bare", load_tagset(default_tagset_path()))
            Importer(store).run(sample_paths())
        for s in list(store.corpus.iter_sentences())[:4]:
            for name in ("ana", "budi"):
                store.annotations.put_judgment(SentenceState(s.id, name, status="done"))
                store.annotations.add_span(
                    SpanAnnotation(s.id, name, s.tokens[0][0], s.tokens[0][1], "loaded_language")
                )
    data = json.loads(run("report", "--db", str(db_path), "--json").stdout)
    assert data["progress"]["timing_source"] is None and data["progress"]["timing_note"]
    assert data["suggestions"]["available"] is False and data["suggestions"]["note"]
    assert data["quality"]["gold"]["available"] is False and data["quality"]["gold"]["note"]
    page = tmp_path / "bare.html"
    run("report", "--db", str(db_path), "--out", str(page))
    text = page.read_text(encoding="utf-8")
    assert "no time on task recorded" in text and "no gold yet" in text and "<svg" in text


def test_annotators_with_no_sentence_in_common_get_a_report_with_intervals_asked(tmp_path):
    from annotator.corpus_import import Importer
    from annotator.model import SentenceState
    from annotator.resources import default_tagset_path, sample_paths
    from annotator.store import Store
    from annotator.tagset import load_tagset

    db_path = tmp_path / "apart.db"
    with Store.open(db_path, create=True) as store:
        with store.transaction():
            store.initialize("apart", load_tagset(default_tagset_path()))
            Importer(store).run(sample_paths())
        first, second = list(store.corpus.iter_sentences())[:2]
        store.annotations.put_judgment(SentenceState(first.id, "ana", status="done"))
        store.annotations.put_judgment(SentenceState(second.id, "budi", status="done"))
    by_document = json.loads(
        run("agreement", "--db", str(db_path), "--by", "document", "--bootstrap", "20", "--json").stdout
    )
    assert by_document["token"]["units"] == 0 and by_document["token"]["by_document"] == {}
    assert by_document["span"]["mean_exact_f1_ci"] is None
    data = json.loads(run("report", "--db", str(db_path), "--bootstrap", "20", "--json").stdout)
    assert data["agreement"]["worst_documents"] == [] and data["disagreements"]["sentences"] == []
    run("report", "--db", str(db_path), "--out", str(tmp_path / "apart.html"))
    assert "No label used yet" in (tmp_path / "apart.html").read_text(encoding="utf-8")
