"""m007_team on a blank database and on an older project."""

from __future__ import annotations

from annotator import migrations
from annotator.store import Store
from tests.core.older_schema import write_m001_project


def test_blank_database_has_the_team_tables(db_path) -> None:
    with Store.open(db_path, create=True) as store:
        assert "m007_team" in store.schema_version()
        assert {"assignments", "sentence_time"} <= set(store.db.table_names())
        assert {"on_roster", "role", "active", "suggestions", "suggestion_share", "last_suggestions"} <= set(
            store.db["annotators"].columns_dict
        )


def test_an_older_project_gets_an_empty_roster_and_keeps_its_annotators(db_path) -> None:
    write_m001_project(db_path)
    with Store.open(db_path) as store:
        assert store.schema_version() == migrations.known_names()
        assert store.annotations.annotators() == ["ana"]
        assert not store.team.has_roster()  # nobody is locked out by the upgrade
        assert not store.team.has_assignments()
        store.team.add(["ana"], "annotator")
        assert store.team.member("ana").active
