"""Files are drawn by language weight; a bad mix is one clear error."""

import random
from collections import Counter

import pytest

from model.training.mixture import LanguageMixture, MixtureError, parse_weights


def test_parse_weights_reads_name_weight_pairs():
    assert parse_weights("python=6, c=1,cpp=0.5") == {"python": 6.0, "c": 1.0, "cpp": 0.5}
    assert parse_weights("") == {}


@pytest.mark.parametrize("spec", ["python", "python=x", "=3", "go=-1"])
def test_parse_weights_refuses_what_is_not_name_weight(spec):
    with pytest.raises(MixtureError, match="NAME=WEIGHT"):
        parse_weights(spec)


def test_languages_are_drawn_by_weight_not_by_file_count():
    records = [(f"py{i}", "python") for i in range(5)] + [(f"c{i}", "c") for i in range(500)] + [("go", "go")]
    mix = LanguageMixture(records, {"python": 3, "c": 1})
    rng = random.Random(0)
    drawn = Counter(mix.choice(rng)[:2] for _ in range(4000))
    assert 0.70 < drawn["py"] / 4000 < 0.80, drawn  # 75% python although it has 1% of the files
    assert "go" not in drawn, "languages not named are left out"
    assert mix.sample(10, seed=1) == mix.sample(10, seed=1)
    assert mix.describe() == "python 75% c 25%"


def test_a_language_absent_from_the_corpus_or_all_zero_weights_is_an_error():
    records = [("x", "python")]
    with pytest.raises(MixtureError, match="no files of rust"):
        LanguageMixture(records, {"python": 1, "rust": 1})
    with pytest.raises(MixtureError, match="weighs 0"):
        LanguageMixture(records, {"python": 0})
