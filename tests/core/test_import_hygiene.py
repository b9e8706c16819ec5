"""Proves the layering: the core never imports textual, SQL lives only in the store
package and the migrations, and the store imports nothing above it."""

import ast
import io
import pkgutil
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import annotator

ROOT = Path(annotator.__file__).parent
STORE = ROOT / "store"

# SQL statements as they appear in string literals, in any letter case. Each needs the
# shape of a statement (SELECT ... FROM x, INSERT INTO x, UPDATE x SET c =, ...), so
# English such as "select a label" in a help text is not taken for SQL.
SQL = re.compile(
    r"\b(?:select\s+(?:distinct\s+)?\S.*?\bfrom\s+[\w(]"
    r"|insert\s+(?:or\s+\w+\s+)?into\s+[\w.]+\s*[(\s]"
    r"|update\s+(?:or\s+\w+\s+)?[\w.]+\s+set\s+\w+\s*="
    r"|delete\s+from\s+[\w.]+"
    r"|(?:create|drop|alter)\s+(?:temp\s+|temporary\s+|unique\s+)?(?:table|index|trigger|view)\b"
    r"|pragma\s+\w+"
    r"|begin\s+(?:immediate|deferred|exclusive)\b"
    r"|attach\s+database\b"
    r"|with\s+recursive\b)",
    re.IGNORECASE | re.DOTALL,
)

# What the store may not import: everything built on top of it.
ABOVE_THE_STORE = (
    "annotator.workspace",
    "annotator.adjudication",
    "annotator.interchange",
    "annotator.lexicon",
    "annotator.agreement",
    "annotator.commands",
    "annotator.tui",
    "annotator.cli",
    "annotator.corpus_import",
    "annotator.corpus_files",
    "annotator.team.campaign",
    "annotator.team.status",
    "annotator.team.admission",
)


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(annotator.__path__, "annotator."):
        if info.name.startswith("annotator.tui"):
            continue
        names.append(info.name)
    return names


def string_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string literal, implicitly concatenated pieces joined."""
    found: list[tuple[int, str]] = []
    joining = False
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING:
            if joining:
                found[-1] = (found[-1][0], found[-1][1] + token.string)
            else:
                found.append((token.start[0], token.string))
            joining = True
        elif token.type not in (tokenize.NL, tokenize.COMMENT):
            joining = False
    return found


def holds_sql(source: str) -> bool:
    return any(SQL.search(text) for _, text in string_literals(source))


def imported_modules(path: Path) -> set[str]:
    """The absolute names a module imports (relative imports resolved)."""
    package = ".".join(("annotator", *path.relative_to(ROOT).with_suffix("").parts[:-1]))
    if path.name == "__init__.py":
        package = ".".join(("annotator", *path.relative_to(ROOT).parent.parts))
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_core_modules_load_without_textual():
    modules = core_modules()
    assert "annotator.store" in modules and "annotator.cli" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"core imported textual: {result.stdout.strip()}"


def test_the_sql_check_finds_sql_in_any_case_and_spares_prose():
    for sql in (
        '"SELECT id FROM documents"',
        "'select id from documents'",
        'f"Delete From spans WHERE id = ?"',
        '"insert or ignore into annotators (name) VALUES (?)"',
        '"UPDATE spans SET note = ?"',
        "'pragma journal_mode'",
        '"create temp table t (a)"',
        '("SELECT a,"\n  " b FROM t")',
    ):
        assert holds_sql(f"x = {sql}\n"), sql
    for prose in ('"select a label, then press Enter"', '"delete the span"', '"update from the lexicon"'):
        assert not holds_sql(f"x = {prose}\n"), prose


def test_sql_only_in_the_store_package_and_migrations():
    allowed = {ROOT / "migrations.py"}
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted(ROOT.rglob("*.py"))
        if path not in allowed and STORE not in path.parents and holds_sql(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_store_imports_nothing_built_on_it():
    modules = sorted(STORE.rglob("*.py"))
    assert STORE / "__init__.py" in modules
    offenders = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in modules
        for name in imported_modules(path)
        if any(name == above or name.startswith(above + ".") for above in ABOVE_THE_STORE)
    )
    assert offenders == []
