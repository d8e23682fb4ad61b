from model.tokenizer import train_tokenizer

SAMPLE = 'def f(x):\n    if x:\n        return "héllo 日本 😀"\n    return None\n'


def test_special_ids_and_round_trip():
    tok = train_tokenizer([SAMPLE * 20], vocab_size=300)
    assert (tok.mask_id, tok.pad_id, tok.eos_id) == (0, 1, 2)
    assert tok.decode(tok.encode(SAMPLE)) == SAMPLE


def test_indentation_runs_are_tokens():
    tok = train_tokenizer([SAMPLE * 50], vocab_size=300)
    pieces = [tok.token_text(i) for i in tok.encode(SAMPLE)]
    assert "\n        " in pieces and "\n    " in pieces
