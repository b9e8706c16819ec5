"""Navigation orders: the seeded per-annotator permutation and document positions."""

from __future__ import annotations

import pytest

from annotator.workspace import DocumentOrder, Permutation
from tests.workspace_corpus import add_document


@pytest.mark.parametrize("size", [1, 2, 3, 5, 16, 17, 100, 1000, 4097])
def test_permutation_is_a_bijection_with_its_inverse(size):
    permutation = Permutation(size, "seed\x1falice")
    image = [permutation(i) for i in range(size)]
    assert sorted(image) == list(range(size))
    assert [permutation.inverse(v) for v in image] == list(range(size))


def test_permutation_depends_on_the_key_and_is_reproducible():
    a = [Permutation(50, "1\x1falice")(i) for i in range(50)]
    assert a == [Permutation(50, "1\x1falice")(i) for i in range(50)]
    assert a != [Permutation(50, "1\x1fbob")(i) for i in range(50)]
    assert a != [Permutation(50, "2\x1falice")(i) for i in range(50)]
    assert a != list(range(50))


def test_permutation_refuses_values_out_of_range():
    with pytest.raises(IndexError):
        Permutation(3, "k")(3)
    with pytest.raises(IndexError):
        Permutation(3, "k").inverse(-1)


def test_document_order_follows_import_order(store):
    for n in range(4):
        add_document(store, f"d{n}", [f"Kalimat {n}."])
    order = DocumentOrder(store)
    assert [order.document_at(p) for p in range(len(order))] == ["d0", "d1", "d2", "d3"]
    assert order.position_of("d2") == 2 and order.position_of("missing") is None
    with pytest.raises(IndexError):
        order.document_at(4)


def test_unknown_order_is_refused(store):
    with pytest.raises(ValueError):
        DocumentOrder.for_annotator(store, "alice", "alphabetical")
