"""The VS Code extension builds into an installable .vsix with `npm ci && npm run package` (typecheck included)."""

import json
import zipfile


def test_npm_ci_and_package_make_a_vsix(built_vsix):
    with zipfile.ZipFile(built_vsix) as vsix:
        manifest = json.loads(vsix.read("extension/package.json"))
        assert "extension/dist/extension.js" in vsix.namelist()
        assert not [n for n in vsix.namelist() if n.startswith("extension/e2e/")], "the e2e harness stays out"
    assert built_vsix.stat().st_size < 2_000_000, "the .vsix stays small"
    commands = {c["command"] for c in manifest["contributes"]["commands"]}
    assert {"diffusion.fillSelection", "diffusion.implementFunction", "diffusion.fillHoles", "diffusion.polishSelection",
            "diffusion.refactorSelection"} <= commands
    settings = set(manifest["contributes"]["configuration"]["properties"])
    import re
    from dataclasses import fields

    from lsp_server.settings import Settings
    camel = {re.sub(r"_(\w)", lambda m: m.group(1).upper(), f.name) for f in fields(Settings)}
    # The server command and the pause before asking for next edits are the extension's own.
    exposed = {s.removeprefix("diffusion.") for s in settings} - {"server.command", "server.args", "nextEditPauseMs"}
    assert exposed <= camel, "every extension setting is a server setting"
