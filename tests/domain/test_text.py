"""Which characters text may carry: everything people type, nothing they cannot see."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.domain.text import refused_characters


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("窓口１２３番・ＡＢＣ　ｶﾅ 髙﨑 𠮷野家", []),
        ("か\u3099 e\u0301", []),  # combining marks
        ("👩🏽\u200d💼 🇯🇵", []),  # emoji with a skin tone, a joiner, a flag
        ("一行目\r\n二行目\tタブ", []),
        ("NUL\x00", ["U+0000"]),
        ("Excel の改行\x0b", ["U+000B"]),
        ("\x1b[31m赤\x1b[0m", ["U+001B"]),
        ("DEL\x7f C1\x85", ["U+007F", "U+0085"]),
        ("lone \ud800 surrogate \udfff", ["U+D800", "U+DFFF"]),
        ("\x00\x00\x01", ["U+0000", "U+0001"]),  # each once, in order
    ],
)
def test_refused_characters(value, refused):
    assert refused_characters(value) == refused


PRINTABLE = st.text(st.characters(exclude_categories=("Cc", "Cs")))


@given(PRINTABLE)
def test_no_printable_text_is_refused(value):
    assert refused_characters(value) == []


@given(PRINTABLE, st.sampled_from(["\x00", "\x08", "\x0c", "\x1f", "\x7f", "\x9f", "\ud834"]))
def test_one_invisible_character_anywhere_is_found(value, bad):
    for at in (0, len(value) // 2, len(value)):
        assert refused_characters(value[:at] + bad + value[at:]) == [f"U+{ord(bad):04X}"]
