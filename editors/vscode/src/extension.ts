// diffusion-lsp for VS Code: starts `diffusion-lsp serve`; ghost text comes through VS Code's own inline
// completion support (vscode-languageclient registers the LSP 3.18 provider); commands run the server's code actions.
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, State } from "vscode-languageclient/node";

const SETTINGS = ["model", "remoteModel", "remoteApi", "remoteApiKeyEnv", "device", "steps", "sampler", "threshold", "maxTokens", "candidates",
  "holeMarker", "enabledLanguages", "contextTokens", "syntaxRounds", "cache", "ghostLengths", "ghostMaxTokens", "ghostDebounceMs",
  "ghostContextTokens", "ghostMinConfidence", "ghostLookupConfidence", "threads", "workspaceContext", "workspaceContextTokens",
  "workspaceMaxFiles", "workspaceDraftConfidence", "remoteWorkspaceContext"];
const LANGUAGES = ["python", "javascript", "javascriptreact", "typescript", "typescriptreact", "rust", "go", "java", "c", "cpp"];

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem;

function serverSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration("diffusion");
  return Object.fromEntries(SETTINGS.map((key) => [key, config.get(key)]));
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("diffusion");
  const serverOptions: ServerOptions = {
    command: config.get<string>("server.command", "diffusion-lsp"),
    args: config.get<string[]>("server.args", ["serve"]),
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ scheme: "file", language })),
    initializationOptions: serverSettings(),
    synchronize: { configurationSection: "diffusion" },
  };
  client = new LanguageClient("diffusion-lsp", "diffusion-lsp", serverOptions, clientOptions);
  client.onDidChangeState((event) => {
    const model = String(serverSettings().model);
    status.text = event.newState === State.Running ? `$(sparkle) diffusion: ${model}` : "$(sync~spin) diffusion";
    status.tooltip = `diffusion-lsp: model ${model}, device ${serverSettings().device}`;
  });
  await client.start();
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

// Run the server's code action whose title starts with `title` on the current selection, and apply its edit.
async function runAction(title: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) { return; }
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    "vscode.executeCodeActionProvider", editor.document.uri, editor.selection, vscode.CodeActionKind.RefactorRewrite.value, 1);
  const action = (actions ?? []).find((a) => a.title.startsWith(title));
  if (!action) {
    void vscode.window.showInformationMessage(`diffusion-lsp: no "${title}" here`);
    return;
  }
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `diffusion: ${title}` }, async () => {
    if (action.edit) { await vscode.workspace.applyEdit(action.edit); }
    if (action.command) { await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? [])); }
  });
}

async function refactorSelection(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !client) { return; }
  const instruction = await vscode.window.showInputBox({ prompt: "How should the selection change?", placeHolder: "use a list comprehension" });
  if (!instruction) { return; }
  const range = client.code2ProtocolConverter.asRange(editor.selection);
  await client.sendRequest("workspace/executeCommand", {
    command: "diffusion.refactor", arguments: [editor.document.uri.toString(), range, instruction],
  });
}

// The settings the server is using, as it understood them (its diffusion.stats command), in a notification.
async function showServerSettings(): Promise<void> {
  if (!client) { return; }
  const stats = await client.sendRequest<{ settings?: Record<string, unknown> }>("workspace/executeCommand", {
    command: "diffusion.stats", arguments: [],
  });
  void vscode.window.showInformationMessage(`diffusion-lsp settings: ${JSON.stringify(stats?.settings ?? {})}`);
}

// Next edits: after a pause in editing, ask the server where the latest edit belongs too
// (`textDocument/copilotInlineEdit`); show each proposal as a diff decoration (old text struck through, the new
// text after it) and let Tab jump to the first and apply them all. VS Code's own inline-edit UI is a proposed API
// that published extensions cannot use, hence the decoration.
type ProposedEdit = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };
const nextEditStruck = vscode.window.createTextEditorDecorationType({
  textDecoration: "line-through", backgroundColor: new vscode.ThemeColor("diffEditor.removedTextBackground"),
});
const nextEditShown = vscode.window.createTextEditorDecorationType({});
let proposal: { uri: string; version: number; edits: ProposedEdit[] } | undefined;
let pauseTimer: NodeJS.Timeout | undefined;

function clearNextEdit(): void {
  proposal = undefined;
  for (const editor of vscode.window.visibleTextEditors) {
    editor.setDecorations(nextEditStruck, []);
    editor.setDecorations(nextEditShown, []);
  }
  void vscode.commands.executeCommand("setContext", "diffusion.nextEditShown", false);
  status.text = `$(sparkle) diffusion: ${String(serverSettings().model)}`;
}

async function askNextEdit(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !client || client.state !== State.Running) { return; }
  const document = editor.document;
  const version = document.version;
  const answer = await client.sendRequest<{ edits?: ProposedEdit[] }>("textDocument/copilotInlineEdit", {
    textDocument: { uri: document.uri.toString(), version }, position: client.code2ProtocolConverter.asPosition(editor.selection.active),
  }).catch(() => undefined);
  const edits = answer?.edits ?? [];
  if (!edits.length || document.version !== version) { return; }
  proposal = { uri: document.uri.toString(), version, edits };
  const ranges = edits.map((edit) => client!.protocol2CodeConverter.asRange(edit.range));
  editor.setDecorations(nextEditStruck, ranges);
  editor.setDecorations(nextEditShown, ranges.map((range, i) => ({
    range, renderOptions: { after: { contentText: ` ${edits[i].text}`, color: new vscode.ThemeColor("editorGhostText.foreground"),
      backgroundColor: new vscode.ThemeColor("diffEditor.insertedTextBackground") } },
  })));
  await vscode.commands.executeCommand("setContext", "diffusion.nextEditShown", true);
  status.text = `$(arrow-right) diffusion: next edit (${edits.length}), Tab to apply`;
}

async function applyNextEdit(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const shown = proposal;
  clearNextEdit();
  if (!editor || !shown || !client || editor.document.uri.toString() !== shown.uri || editor.document.version !== shown.version) { return; }
  const ranges = shown.edits.map((edit) => client!.protocol2CodeConverter.asRange(edit.range));
  editor.selection = new vscode.Selection(ranges[0].start, ranges[0].start);  // jump to it
  editor.revealRange(ranges[0]);
  await editor.edit((builder) => shown.edits.forEach((edit, i) => builder.replace(ranges[i], edit.text)));
}

function watchForPauses(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.workspace.onDidChangeTextDocument((event) => {
    if (event.contentChanges.length === 0 || !LANGUAGES.includes(event.document.languageId)) { return; }
    if (proposal) { clearNextEdit(); }
    if (pauseTimer) { clearTimeout(pauseTimer); }
    const pause = vscode.workspace.getConfiguration("diffusion").get<number>("nextEditPauseMs", 1200);
    if (pause > 0) { pauseTimer = setTimeout(() => void askNextEdit(), pause); }
  }));
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  status.text = "$(sync~spin) diffusion";
  status.show();
  context.subscriptions.push(
    status,
    vscode.commands.registerCommand("diffusion.fillSelection", () => runAction("Fill selection")),
    vscode.commands.registerCommand("diffusion.implementFunction", () => runAction("Implement function body")),
    vscode.commands.registerCommand("diffusion.fillHoles", () => runAction("Fill holes")),
    vscode.commands.registerCommand("diffusion.polishSelection", () => runAction("Polish selection")),
    vscode.commands.registerCommand("diffusion.refactorSelection", refactorSelection),
    vscode.commands.registerCommand("diffusion.restartServer", async () => { await client?.stop(); await start(context); }),
    vscode.commands.registerCommand("diffusion.showServerSettings", showServerSettings),
    vscode.commands.registerCommand("diffusion.applyNextEdit", applyNextEdit),
    vscode.commands.registerCommand("diffusion.dismissNextEdit", clearNextEdit),
    vscode.commands.registerCommand("diffusion.nextEdit", askNextEdit),
  );
  watchForPauses(context);
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
