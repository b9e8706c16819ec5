"""Proves the core never imports textual: only annotator.tui may."""

import pkgutil
import subprocess
import sys

import annotator


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(annotator.__path__, "annotator."):
        if info.name.startswith("annotator.tui"):
            continue
        names.append(info.name)
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


def test_only_store_module_contains_sql():
    import re
    from pathlib import Path

    sql = re.compile(r"\b(SELECT\s+[\w*(]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b")
    root = Path(annotator.__file__).parent
    # store_<topic>.py: SQL waiting to move into the store package (issue 12).
    allowed = {root / "store.py", root / "migrations.py", *root.glob("store_*.py")}
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path not in allowed and sql.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
