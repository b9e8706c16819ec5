"""`annotator annotate` and `annotator demo`: what happens before the UI opens."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.store import Store
from annotator.workspace import AnnotatorLock, open_workspace
from tests.workspace_corpus import build_corpus


@pytest.fixture
def project(db_path, tagset):
    with Store.open(db_path, create=True) as store:
        store.initialize("berita", tagset)
        build_corpus(store)
    return db_path


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_annotate_has_help():
    result = invoke("annotate", "--help")
    assert result.exit_code == 0
    for option in ("--annotator", "--document", "--order", "--seed", "--suggestions", "--db"):
        assert option in result.output


@pytest.mark.parametrize("name", ["gold", "Gold"])
def test_annotate_refuses_the_reserved_gold_name(project, name):
    result = invoke("annotate", "--db", str(project), "--annotator", name)
    assert result.exit_code == 1
    assert "reserved" in result.stderr and "Traceback" not in result.stderr


def test_annotate_needs_an_annotator(project):
    result = invoke("annotate", "--db", str(project))
    assert result.exit_code == 2


def test_annotate_refuses_a_missing_project_without_creating_it(tmp_path):
    missing = tmp_path / "none.db"
    result = invoke("annotate", "--db", str(missing), "--annotator", "alice")
    assert result.exit_code == 1 and "no project" in result.stderr
    assert not missing.exists()


def test_annotate_refuses_an_unknown_document(project):
    result = invoke("annotate", "--db", str(project), "--annotator", "alice", "--document", "nope")
    assert result.exit_code == 1 and "no document 'nope'" in result.stderr


def test_annotate_refuses_bad_choices(project):
    assert invoke("annotate", "--db", str(project), "--annotator", "a", "--order", "alpha").exit_code == 2
    assert invoke("annotate", "--db", str(project), "--annotator", "a", "--suggestions", "maybe").exit_code == 2


def test_annotate_refuses_a_project_without_documents(db_path, tagset):
    with Store.open(db_path, create=True) as store:
        store.initialize("empty", tagset)
    result = invoke("annotate", "--db", str(db_path), "--annotator", "alice")
    assert result.exit_code == 1 and "no documents" in result.stderr


def test_open_workspace_resumes_and_applies_options(project):
    with open_workspace(project, "alice", document="berita-2", suggestions="after", order="random", seed=3) as ws:
        assert ws.session.document.id == "berita-2"
        assert ws.session.mode == "after" and ws.session.order.name == "random"
        assert not ws.session.readonly and ws.lock is not None and ws.lock.held
        assert ws.warnings == []
        assert "alice" in ws.store.annotations.annotators()


def test_the_random_order_is_remembered_per_annotator(project):
    def documents(ws):
        return [ws.session.order.document_at(i) for i in range(len(ws.session.order))]

    with open_workspace(project, "alice", order="random", seed=3) as ws:
        chosen = documents(ws)
    with open_workspace(project, "alice") as ws:  # no --order: the last choice
        assert ws.session.order.name == "random" and documents(ws) == chosen
        assert ws.store.annotations.annotator_order("alice") == ("random", 3)
    with open_workspace(project, "alice", order="random") as ws:  # no --seed: the last seed
        assert documents(ws) == chosen
    with open_workspace(project, "bob") as ws:  # another annotator starts in import order
        assert ws.session.order.name == "document"
    with open_workspace(project, "alice", order="document") as ws:
        assert ws.session.order.name == "document"
    with open_workspace(project, "alice") as ws:
        assert ws.session.order.name == "document"
        assert ws.store.annotations.annotator_order("alice") == ("document", 3)  # the seed is kept
    with open_workspace(project, "alice", order="random") as ws:
        assert documents(ws) == chosen


def test_a_seed_without_the_random_order_is_a_warning(project):
    with open_workspace(project, "carol", seed=5) as ws:
        assert ws.session.order.name == "document"
        assert ws.warnings == ["--seed 5 applies to --order random only; the order is document"]
        assert ws.store.annotations.annotator_order("carol") == ("document", None)


def test_same_annotator_twice_opens_read_only_with_a_warning(project):
    with open_workspace(project, "alice") as first:
        with open_workspace(project, "alice") as second:
            assert second.session.readonly and second.lock is None
            assert "read-only" in second.warnings[0]
        with open_workspace(project, "bob") as other:
            assert not other.session.readonly
        first.session.apply_label("1")
    # The first session's lock went with it.
    with open_workspace(project, "alice") as again:
        assert not again.session.readonly


def test_lock_held_by_another_holder_means_read_only(project):
    holder = AnnotatorLock(project, "carol")
    assert holder.acquire()
    try:
        with open_workspace(project, "carol") as ws:
            assert ws.session.readonly
    finally:
        holder.release()
