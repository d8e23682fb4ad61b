import pytest

from infill.errors import InfillError
from infill.source.document import Document, decode_source
from infill.source.languages import language_for_id
from infill.source.positions import LineIndex, byte_offset, str_offset

TEXT = "a = 'café'\nb = '日本語'  # 😀 ok\nc = 1\n"


@pytest.mark.parametrize("encoding,ok_col", [("utf-16", 15), ("utf-8", 23), ("utf-32", 14)])
def test_positions_round_trip_on_non_ascii(encoding, ok_col):
    index = LineIndex.of(TEXT)
    ok = TEXT.index(" ok")
    assert index.position(ok, encoding) == (1, ok_col)  # after CJK (3 bytes each) and an emoji (2 UTF-16 units, 4 bytes)
    for offset in range(len(TEXT) + 1):
        line, col = index.position(offset, encoding)
        assert index.offset(line, col, encoding) == offset


def test_utf16_counts_surrogate_pairs_and_rejects_splits():
    index = LineIndex.of(TEXT)
    emoji = TEXT.index("😀")
    line, col = index.position(emoji, "utf-16")
    assert index.position(emoji + 1, "utf-16") == (line, col + 2)
    with pytest.raises(InfillError, match="splits a character"):
        index.offset(line, col + 1, "utf-16")


def test_out_of_range_positions():
    index = LineIndex.of(TEXT)
    with pytest.raises(InfillError, match="outside the document"):
        index.offset(10, 0)
    with pytest.raises(InfillError, match="past the end of line"):
        index.offset(0, 99)
    assert index.offset(0, 99, clamp=True) == TEXT.index("\n")
    assert index.offset(99, 0, clamp=True) == len(TEXT)


def test_bytes_and_str_offsets():
    for offset in range(len(TEXT) + 1):
        assert str_offset(TEXT.encode(), byte_offset(TEXT, offset)) == offset
    assert str_offset("é".encode(), 1) == 0  # a byte inside a character maps to its start


def test_incremental_edits_match_a_fresh_parse():
    doc = Document(TEXT, language_for_id("python"))
    edits = [(TEXT.index("1"), TEXT.index("1") + 1, "f('ünï', 2)"), (0, 1, "alpha"), (len(doc.text), len(doc.text), "def g():\n    return 😀\n")]
    for start, end, new in edits:
        doc.apply_change(start, end, new)
        fresh = Document(doc.text, doc.language)
        assert str(doc.tree.root_node) == str(fresh.tree.root_node)
    assert "alpha = 'café'" in doc.text


def test_source_decoding_refuses_binary_bad_utf8_and_huge():
    with pytest.raises(InfillError, match="binary"):
        decode_source(b"ab\x00cd", "x.py")
    with pytest.raises(InfillError, match="not valid UTF-8"):
        decode_source(b"caf\xe9", "x.py")
    with pytest.raises(InfillError, match="too large"):
        decode_source(b"a" * 3_000_000, "x.py")


def test_an_edited_index_equals_a_fresh_one():
    import random

    from infill.source.positions import LineIndex
    rng = random.Random(1)
    for _ in range(2000):
        text = "".join(rng.choice("ab\n\n😀é") for _ in range(rng.randrange(0, 30)))
        a = rng.randrange(len(text) + 1)
        b = rng.randrange(a, len(text) + 1)
        new = "".join(rng.choice("x\n日") for _ in range(rng.randrange(0, 5)))
        edited = text[:a] + new + text[b:]
        assert LineIndex.of(text).edited(a, b, new, edited) == LineIndex.of(edited)
