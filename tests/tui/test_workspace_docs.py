"""The README's key table, the help screen and the bindings agree."""

from __future__ import annotations

from pathlib import Path

from annotator.tui.bindings import WORKSPACE_KEYS, key_display, label_bindings
from annotator.tui.screens.help import help_content

README = Path(__file__).parents[2] / "README.md"


def _keys_section() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("## Keys") : text.index("## Performance")]


def test_readme_key_table_lists_every_binding():
    section = _keys_section()
    for _, binding in WORKSPACE_KEYS:
        for key in key_display(binding).split():
            assert f"`{key}`" in section, f"{key} ({binding.action}) missing from the README key table"
    assert "`1`-`9`" in section and "`ctrl+p`" in section


def test_contract_keys_are_all_bound(tagset):
    contract = [
        "right",
        "left",
        "l",
        "h",
        "shift+right",
        "shift+left",
        "escape",
        "tab",
        "shift+tab",
        "a",
        "A",
        "x",
        "X",
        "d",
        "delete",
        "enter",
        "down",
        "j",
        "up",
        "k",
        "]",
        "[",
        "n",
        "s",
        "f",
        "c",
        "v",
        "t",
        "u",
        "ctrl+r",
        "/",
        "?",
        "q",
    ]
    bound = {key for _, binding in WORKSPACE_KEYS for key in key_display(binding).split()}
    assert set(contract) <= bound
    assert [b.key for b in label_bindings(tagset)] == [label.key for label in tagset.labels]


def test_help_screen_lists_every_binding_and_label(tagset):
    text = help_content(tagset).plain
    for _, binding in WORKSPACE_KEYS:
        assert key_display(binding) in text
    for label in tagset.labels:
        assert label.name in text
