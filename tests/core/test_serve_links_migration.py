"""m011_serve_links on a blank database and on an older project; the links room."""

from __future__ import annotations

from annotator import migrations
from annotator.serve.tokens import new_token, token_hash
from annotator.store import Store
from tests.core.older_schema import write_m001_project


def test_blank_database_has_the_links_table(db_path) -> None:
    with Store.open(db_path, create=True) as store:
        assert "m011_serve_links" in store.schema_version()
        assert set(store.db["serve_links"].columns_dict) == {"name", "token_hash", "created_at", "revoked_at"}


def test_an_older_project_gets_no_links_and_can_make_one(db_path) -> None:
    write_m001_project(db_path)
    with Store.open(db_path) as store:
        assert store.schema_version() == migrations.known_names()
        store.team.add(["ana"], "annotator")
        assert store.links.state("ana") is None
        token = new_token()
        store.links.set_hash("ana", token_hash(token))
        assert store.links.holder(token_hash(token)).name == "ana"
        # Only the hash is in the file.
        assert token not in str(list(store.conn.execute("SELECT * FROM serve_links")))


def test_a_rotated_or_revoked_hash_has_no_holder(store) -> None:
    store.team.add(["ana"], "annotator")
    first, second = new_token(), new_token()
    store.links.set_hash("ana", token_hash(first))
    store.links.set_hash("ana", token_hash(second))
    assert store.links.holder(token_hash(first)) is None
    assert store.links.holder(token_hash(second)).name == "ana"
    assert store.links.revoke("ana")
    assert store.links.holder(token_hash(second)) is None
    assert store.links.state("ana") == "revoked"
