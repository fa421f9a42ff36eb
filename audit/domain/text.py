"""What text the product stores: everything people type, except characters no one can see.

Full-width digits, combining marks, emoji and every script are kept as written. Control
characters (other than tab and line breaks) and lone surrogates are refused: PostgreSQL cannot
store NUL, a surrogate cannot be encoded at all, and the others are invisible on screen and in
print, so a value carrying them would not be what its author sees.
"""

#: the control characters that belong in text: tab, line feed, carriage return
ALLOWED_CONTROLS = frozenset("\t\n\r")


def is_refused(character: str) -> bool:
    code = ord(character)
    if character in ALLOWED_CONTROLS:
        return False
    return code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF


def refused_characters(value: str) -> list[str]:
    """The refused characters in ``value`` as ``U+XXXX``, each once, in order of appearance."""
    found = dict.fromkeys(f"U+{ord(c):04X}" for c in value if is_refused(c))
    return list(found)
