"""Opening adjudication from the command line: one curator writes gold at a time."""

import pytest

from annotator.adjudication.launch import open_adjudication
from annotator.corpus_import import Importer
from annotator.errors import ProjectMissing
from annotator.model import GOLD, SentenceState
from annotator.resources import default_tagset_path, sample_paths
from annotator.store import Store
from annotator.tagset import load_tagset


@pytest.fixture
def project(db_path):
    with Store.open(db_path, create=True) as store:
        store.initialize("p", load_tagset(default_tagset_path()))
        Importer(store).run(sample_paths())
        sentence = store.corpus.sentences_of("001_0da7177c8754087f")[0]
        for who in ("a", "b"):
            store.annotations.put_judgment(SentenceState(sentence.id, who, status="done", judgment="biased"))
    return db_path


def test_a_second_curator_opens_read_only(project):
    with open_adjudication(project, "rita") as first:
        assert not first.session.readonly and first.warnings == []
        assert first.store.annotations.get_judgment(first.session.sentence_id, GOLD).judgment == "biased"  # pre-filled
        with open_adjudication(project, "sam") as second:
            assert second.session.readonly
            assert "being curated in another process" in second.warnings[0]
    with open_adjudication(project, "sam") as again:
        assert not again.session.readonly


def test_a_missing_project_is_refused_without_creating_it(tmp_path):
    missing = tmp_path / "none.db"
    with pytest.raises(ProjectMissing):
        open_adjudication(missing, "rita")
    assert not missing.exists()
