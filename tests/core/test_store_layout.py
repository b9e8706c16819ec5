"""Holds the store package to its shape (issue 12): small modules, and a `Store` that is an
entry point with rooms, not a god object again."""

import inspect
from functools import cached_property
from pathlib import Path

import annotator.store
from annotator.store import Store

STORE = Path(annotator.store.__file__).parent
MAX_LINES = 400  # per module of annotator/store/ (after ruff format)
MAX_STORE_METHODS = 30  # public methods of Store itself; rooms are attributes, not methods


def store_modules() -> list[Path]:
    return sorted(STORE.rglob("*.py"))


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def public_methods(cls: type) -> list[str]:
    return sorted(
        name
        for name, value in vars(cls).items()
        if not name.startswith("_")
        and not isinstance(value, cached_property)
        and (inspect.isfunction(value) or isinstance(value, (classmethod, staticmethod, property)))
    )


def test_no_store_module_is_over_the_line_limit():
    modules = store_modules()
    assert len(modules) > 10 and STORE / "__init__.py" in modules
    too_long = {path.name: line_count(path) for path in modules if line_count(path) > MAX_LINES}
    assert too_long == {}, f"split these modules along a seam (at most {MAX_LINES} lines each): {too_long}"


def test_store_has_few_public_methods_and_its_rooms_are_attributes():
    methods = public_methods(Store)
    assert "transaction" in methods and "open" in methods
    assert len(methods) <= MAX_STORE_METHODS, methods
    rooms = {name for name, value in vars(Store).items() if isinstance(value, cached_property)}
    assert {"corpus", "annotations", "exports", "agreement", "team"} <= rooms
    assert not rooms & set(methods)


def test_the_checks_count_what_they_claim(tmp_path):
    # The helpers must see a long module and a method-heavy class, or the tests above
    # could pass without looking.
    long_module = tmp_path / "long.py"
    long_module.write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
    assert line_count(long_module) == MAX_LINES + 1

    class Heavy:
        @cached_property
        def room(self):
            return None

        @property
        def value(self):
            return 1

        @classmethod
        def make(cls):
            return cls()

        def work(self):
            return None

        def _private(self):
            return None

    assert public_methods(Heavy) == ["make", "value", "work"]
