"""`annotator settings set require-decisions|require-judgment true|false`, and what the
workspace's done then refuses."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.store import Store
from annotator.workspace import ActionRefused, AnnotationSession
from tests.workspace_corpus import build_corpus


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def ok(*args):
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def project_db(db_path):
    ok("init", "--db", db_path, "--name", "p")
    with Store.open(db_path) as store:
        build_corpus(store)
    return db_path


def shown(db):
    return json.loads(ok("settings", "show", "--db", db, "--json").stdout)


@pytest.mark.parametrize("key", ["require-decisions", "require-judgment"])
def test_set_and_show_the_two_settings(project_db, key):
    assert shown(project_db)[key] is False  # the default
    assert ok("settings", "set", key, "true", "--db", project_db).stdout.strip() == f"{key} = true"
    assert shown(project_db)[key] is True
    plain = ok("settings", "show", "--db", project_db).stdout
    assert f"{key} = true" in plain and "refuses to mark a sentence done" in plain
    ok("settings", "set", key, "false", "--db", project_db)
    assert shown(project_db)[key] is False
    result = invoke("settings", "set", key, "sometimes", "--db", project_db)
    assert result.exit_code == 1 and "true or false" in result.output and "\n" == result.output[-1]
    assert shown(project_db)[key] is False


def test_what_done_refuses_under_each_setting(project_db):
    def first_sentence_done() -> tuple[str | None, str | None]:
        with Store.open(project_db) as store:
            session = AnnotationSession(store, "ana")
            session.open()
            try:
                notice = session.mark_done()
            except ActionRefused as refused:
                return None, str(refused)
            return store.annotations.get_judgment(session.sentences[0].id, "ana").status, notice

    ok("settings", "set", "require-decisions", "true", "--db", project_db)
    ok("settings", "set", "require-judgment", "true", "--db", project_db)
    status, said = first_sentence_done()
    assert status is None
    assert said == "not done: 1 suggestion pending: accept (a) or reject (x); no judgment (bias) yet: choose one (v)"
    ok("settings", "set", "require-judgment", "false", "--db", project_db)
    assert first_sentence_done() == (None, "not done: 1 suggestion pending: accept (a) or reject (x)")
    ok("settings", "set", "require-decisions", "false", "--db", project_db)
    assert first_sentence_done() == ("done", "1 suggestion left undecided.")
