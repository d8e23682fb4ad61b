"""Settings from the client: camelCase or snake_case, nested sections, bad values warn and keep the old value."""

from lsp_server.settings import Settings, apply_settings


def test_camel_case_keys_in_a_nested_section():
    settings, warnings = apply_settings(Settings(), {"diffusion": {"maxTokens": 32, "syntaxRounds": 2, "sampler": "margin"}})
    assert (settings.max_tokens, settings.syntax_rounds, settings.sampler) == (32, 2, "margin")
    assert warnings == []


def test_bad_values_warn_and_keep_the_previous_value():
    start = Settings(steps=12)
    settings, warnings = apply_settings(start, {"steps": 0, "sampler": "nope", "threshold": "high", "candidates": 2})
    assert (settings.steps, settings.sampler, settings.threshold, settings.candidates) == (12, "threshold", 0.9, 2)
    assert len(warnings) == 3 and all("keeping" in w for w in warnings)
    assert any("steps" in w for w in warnings) and any("sampler must be one of" in w for w in warnings)


def test_unknown_keys_warn_but_the_editors_own_keys_are_silent():
    settings, warnings = apply_settings(Settings(), {"diffusion": {"server": {"command": "x", "args": []}, "colour": "red"}})
    assert settings == Settings()
    assert warnings == ["unknown setting 'colour' ignored"]


def test_not_a_mapping_changes_nothing():
    assert apply_settings(Settings(), None) == (Settings(), [])
    assert apply_settings(Settings(), ["steps", 3]) == (Settings(), [])
