"""Load and validate a tag set from TOML."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .errors import TagsetError
from .model import JUDGMENT_LEVELS, JudgmentScheme, Label, Tagset

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib

# Used with fullmatch: `$` alone would let a trailing newline through.
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")


def load_tagset(path: Path) -> Tagset:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TagsetError(f"{path}: cannot read tag set: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TagsetError(f"{path}: not UTF-8 at byte {exc.start}") from None
    return parse_tagset(text, str(path))


def parse_tagset(text: str, origin: str = "<tagset>") -> Tagset:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TagsetError(f"{origin}: invalid TOML: {exc}") from None
    except RecursionError:
        raise TagsetError(f"{origin}: invalid TOML: arrays or tables nested too deeply") from None
    except ValueError:  # the int-conversion limit
        raise TagsetError(
            f"{origin}: invalid TOML: a number of more than {sys.get_int_max_str_digits()} digits"
        ) from None
    lines = text.splitlines()

    def fail(problem: str, near: str | None = None, field: str | None = None) -> TagsetError:
        line = _line_of(lines, near) if near else None
        if line is not None and field is not None:
            line = _field_line(lines, line, field) or line
        where = f"{origin}:{line}" if line else origin
        return TagsetError(f"{where}: {problem}")

    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        return _raise(fail("the tag set needs a non-empty 'name'"))
    raw_labels = data.get("labels")
    if not isinstance(raw_labels, list) or not raw_labels:
        return _raise(fail("the tag set needs at least one [[labels]] table"))
    if len(raw_labels) > 9:
        return _raise(fail(f"{len(raw_labels)} labels, but only keys 1-9 exist"))

    labels: list[Label] = []
    seen_names: set[str] = set()
    seen_keys: set[str] = set()
    for position, item in enumerate(raw_labels, start=1):
        if not isinstance(item, dict):
            return _raise(fail(f"label {position} is not a table"))
        label_name = item.get("name")
        if not isinstance(label_name, str) or not _NAME.fullmatch(label_name):
            return _raise(fail(f"label {position}: 'name' must be a word of letters, digits, _ or -", "[[labels]]"))
        near = f'"{label_name}"'
        if label_name in seen_names:
            return _raise(fail(f"label {label_name!r} is defined twice", near))
        key = item.get("key")
        if isinstance(key, int):
            key = str(key)
        if not isinstance(key, str) or key not in "123456789" or len(key) != 1:
            return _raise(fail(f"label {label_name!r}: 'key' must be one of 1-9", near, "key"))
        if key in seen_keys:
            return _raise(fail(f"label {label_name!r}: key {key} is already used", near, "key"))
        color = item.get("color")
        if not isinstance(color, str) or not _COLOR.fullmatch(color):
            return _raise(fail(f"label {label_name!r}: 'color' must look like #e5534b", near, "color"))
        description = item.get("description", "")
        if not isinstance(description, str):
            return _raise(fail(f"label {label_name!r}: 'description' must be a string", near, "description"))
        unknown = set(item) - {"name", "key", "color", "description"}
        if unknown:
            return _raise(fail(f"label {label_name!r}: unknown field(s) {', '.join(sorted(unknown))}", near))
        seen_names.add(label_name)
        seen_keys.add(key)
        labels.append(Label(label_name, key, color.lower(), description.strip()))

    judgment = data.get("judgment")
    if not isinstance(judgment, dict):
        return _raise(fail("the tag set needs a [judgment] table"))
    j_name = judgment.get("name")
    if not isinstance(j_name, str) or not j_name.strip():
        return _raise(fail("[judgment] needs a non-empty 'name'", "[judgment]"))
    level = judgment.get("level", "nominal")
    if level not in JUDGMENT_LEVELS:
        return _raise(fail(f"[judgment] 'level' must be one of {', '.join(JUDGMENT_LEVELS)}", "level"))
    values = judgment.get("values")
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
        return _raise(fail("[judgment] 'values' must be a non-empty list of strings", "values"))
    if len(set(values)) != len(values):
        return _raise(fail("[judgment] 'values' has duplicates", "values"))
    if len(values) > 9:
        return _raise(fail("[judgment] at most 9 values, so digits can pick them", "values"))
    if level in ("interval", "ratio"):
        for value in values:
            try:
                float(value)
            except ValueError:
                return _raise(fail(f"[judgment] level {level} needs numeric values, got {value!r}", "values"))
    return Tagset(name.strip(), tuple(labels), JudgmentScheme(j_name.strip(), level, tuple(values)))


def tagset_to_toml(tagset: Tagset) -> str:
    """Serialise a tag set back to TOML (used by `tagset show --toml` and stored in the project)."""
    out = [f"name = {_toml_str(tagset.name)}", ""]
    for label in tagset.labels:
        out += [
            "[[labels]]",
            f"name = {_toml_str(label.name)}",
            f"key = {_toml_str(label.key)}",
            f"color = {_toml_str(label.color)}",
            f"description = {_toml_str(label.description)}",
            "",
        ]
    j = tagset.judgment
    out += [
        "[judgment]",
        f"name = {_toml_str(j.name)}",
        f"level = {_toml_str(j.level)}",
        "values = [" + ", ".join(_toml_str(v) for v in j.values) + "]",
        "",
    ]
    return "\n".join(out)


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    # TOML basic strings allow no control characters but tab (DEL included).
    escaped = "".join(c if (c >= " " and c != "\x7f") or c == "\t" else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def _line_of(lines: list[str], needle: str) -> int | None:
    for number, line in enumerate(lines, start=1):
        if needle in line:
            return number
    return None


def _field_line(lines: list[str], from_line: int, field: str) -> int | None:
    """The line of `field = ...` in the table that holds line `from_line` (1-based)."""
    start = from_line - 1
    while start > 0 and not lines[start].lstrip().startswith("["):
        start -= 1
    for number in range(start + 1, len(lines)):
        stripped = lines[number].lstrip()
        if stripped.startswith("["):
            return None
        if stripped.split("=", 1)[0].strip() == field:
            return number + 1
    return None


def _raise(error: TagsetError) -> Tagset:
    raise error
