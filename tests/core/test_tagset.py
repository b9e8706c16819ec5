"""The tag set TOML: the bundled default, validation messages, and the TOML round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.errors import TagsetError
from annotator.model import JudgmentScheme, Label, Tagset
from annotator.resources import default_tagset_path
from annotator.tagset import load_tagset, parse_tagset, tagset_to_toml

VALID = """
name = "uji"

[[labels]]
name = "loaded_language"
key = "1"
color = "#e5534b"
description = "Kata bermuatan."

[[labels]]
name = "euphemism"
key = "2"
color = "#57AB5A"

[judgment]
name = "bias"
level = "ordinal"
values = ["rendah", "sedang", "tinggi"]
"""


def test_default_tagset_has_the_six_labels_and_the_bias_judgment():
    tagset = load_tagset(default_tagset_path())
    assert tagset.name == "loaded-language-id"
    assert tagset.label_names == (
        "loaded_language",
        "name_calling",
        "epistemic_framing",
        "scare_quotes",
        "euphemism",
        "unattributed_claim",
    )
    assert [label.key for label in tagset.labels] == ["1", "2", "3", "4", "5", "6"]
    assert tagset.judgment == JudgmentScheme("bias", "nominal", ("neutral", "biased", "cannot_tell"))
    descriptions = {label.name: label.description for label in tagset.labels}
    assert "dalih" in descriptions["epistemic_framing"] and "klaim palsu" in descriptions["epistemic_framing"]
    assert "“Israel”" in descriptions["scare_quotes"]
    assert "pengecut" in descriptions["loaded_language"]


def test_a_valid_tagset_parses():
    tagset = parse_tagset(VALID, "uji.toml")
    assert tagset.labels[1] == Label("euphemism", "2", "#57ab5a", "")
    assert tagset.label_for_key("1").name == "loaded_language"
    assert tagset.judgment.level == "ordinal"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('key = "2"', 'key = "1"'), r"uji.toml:\d+: label 'euphemism': key 1 is already used"),
        (('color = "#57AB5A"', 'color = "green"'), r"uji.toml:\d+: label 'euphemism': 'color' must look like"),
        (('color = "#57AB5A"', 'color = "#57AB5A\\n"'), r"uji.toml:\d+: label 'euphemism': 'color' must look like"),
        (('name = "euphemism"', 'name = "euphemism\\n"'), r"uji.toml:\d+: label 2: 'name' must be a word"),
        (('key = "2"', 'key = "0"'), r"uji.toml:\d+: label 'euphemism': 'key' must be one of 1-9"),
        (('level = "ordinal"', 'level = "fuzzy"'), r"uji.toml:\d+: \[judgment\] 'level' must be one of"),
        (('values = ["rendah", "sedang", "tinggi"]', "values = []"), r"uji.toml:\d+: \[judgment\] 'values'"),
        (('name = "euphemism"', 'name = "loaded_language"'), "defined twice"),
        (('name = "euphemism"', 'name = "euphemism"\nshortcut = "x"'), r"unknown field\(s\) shortcut"),
        (("[judgment]", "[penilaian]"), r"uji.toml: the tag set needs a \[judgment\] table"),
        (('name = "uji"', 'name = "uji'), r"uji.toml: invalid TOML: .*line 2"),
    ],
)
def test_validation_errors_name_the_file_line_and_problem(change, message):
    old, new = change
    with pytest.raises(TagsetError, match=message):
        parse_tagset(VALID.replace(old, new, 1), "uji.toml")


def test_interval_judgment_needs_numbers():
    text = VALID.replace('level = "ordinal"', 'level = "interval"')
    with pytest.raises(TagsetError, match="level interval needs numeric values, got 'rendah'"):
        parse_tagset(text, "uji.toml")
    parse_tagset(text.replace('["rendah", "sedang", "tinggi"]', '["1", "2.5", "4"]'), "uji.toml")


def test_ten_labels_are_too_many():
    labels = "".join(f'[[labels]]\nname = "l{i}"\nkey = "{i}"\ncolor = "#000000"\n' for i in range(1, 11))
    with pytest.raises(TagsetError, match="10 labels, but only keys 1-9 exist"):
        parse_tagset(f'name = "x"\n{labels}[judgment]\nname = "j"\nvalues = ["a"]\n', "x.toml")


def test_missing_or_binary_file(tmp_path):
    with pytest.raises(TagsetError, match="cannot read tag set"):
        load_tagset(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'name = "\xff"')
    with pytest.raises(TagsetError, match="bad.toml: not UTF-8 at byte 8"):
        load_tagset(bad)


_free_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(
    name=_free_text.filter(str.strip).map(str.strip),
    description=_free_text.map(str.strip),
    values=st.lists(_free_text.filter(str.strip), min_size=1, max_size=9, unique=True),
)
def test_toml_round_trip(name, description, values):
    tagset = Tagset(
        name,
        (Label("loaded_language", "1", "#e5534b", description), Label("scare-quotes", "4", "#39c5cf", "")),
        JudgmentScheme("bias", "nominal", tuple(values)),
    )
    assert parse_tagset(tagset_to_toml(tagset), "round.toml") == tagset


def test_default_tagset_round_trips():
    tagset = load_tagset(default_tagset_path())
    assert parse_tagset(tagset_to_toml(tagset)) == tagset


def test_a_bad_colour_is_reported_on_its_own_line():
    from annotator.errors import TagsetError
    from annotator.tagset import parse_tagset

    text = 'name = "t"\n\n[[labels]]\nname = "x"\nkey = "1"\ncolor = "red"\n\n[judgment]\nname = "j"\nvalues = ["a"]\n'
    with pytest.raises(TagsetError, match=r"^t\.toml:6: .*color"):
        parse_tagset(text, "t.toml")
