// Drives the real VS Code workbench (served by code-server) in headless Chromium: opens a Python file, asks for
// an inline completion and accepts it with Tab, then runs "Implement Function Body" from the command palette, reads
// back the settings the server uses ("Show Server Settings"), and renames a parameter to apply the next edit with Tab.
// Input and output are JSON: DIFFUSION_E2E = {url, file, completionAt: [line, column], bodyAt: [line, column],
// renameIn: the start of the line whose next word is renamed, renameTo, out}.
// Writes OUT/result.json and PNG screenshots; the pytest side asserts on them and on the saved file.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const cfg = JSON.parse(process.env.DIFFUSION_E2E);
const result = { steps: [], ghost: null, afterAccept: null, afterImplement: null, serverSettings: null, afterNextEdit: null,
  error: null };
mkdirSync(cfg.out, { recursive: true });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what, probe, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) { return value; }
    if (Date.now() > end) { throw new Error(`timed out waiting for ${what}`); }
    await sleep(250);
  }
}

async function runCommand(page, label) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`>${label}`);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: label }).first().waitFor({ state: "visible" });
  await page.keyboard.press("Enter");
}

async function goTo(page, [line, column]) {
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press("Enter");
}

// Save and wait until the file on disk differs from `before` (the edit arrived and was written).
async function savedChange(page, before) {
  return until("the edit to be saved", async () => {
    await page.keyboard.press("Control+S");
    await sleep(300);
    const now = readFileSync(cfg.file, "utf8");
    return now !== before ? now : null;
  });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  // This machine's network is closed: Chromium's background services would only fail.
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
try {
  await page.goto(cfg.url);
  await page.locator(".monaco-workbench").waitFor({ timeout: 90000 });
  result.steps.push("workbench");

  await page.keyboard.press("Control+P");
  await page.locator(".quick-input-widget input").fill(cfg.file.split("/").pop());
  await page.locator(".quick-input-list .monaco-list-row").first().waitFor({ state: "visible" });
  await page.keyboard.press("Enter");
  await page.locator(".monaco-editor .view-lines").first().waitFor({ timeout: 30000 });
  result.steps.push("opened");

  // Ghost text: the extension's language client registers the LSP inline completion provider.
  const original = readFileSync(cfg.file, "utf8");
  await goTo(page, cfg.completionAt);
  const ghost = page.locator(".monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text");
  result.ghost = await until("ghost text", async () => {
    await runCommand(page, "Trigger Inline Suggestion");
    try {
      await ghost.first().waitFor({ state: "visible", timeout: 10000 });
    } catch { return null; }
    const text = (await ghost.allInnerTexts()).join("").replace(/\u00a0/g, " ");
    return text.trim() ? text : null;
  }, 90000);
  await page.screenshot({ path: join(cfg.out, "ghost-text.png") });
  result.steps.push("ghost");
  await page.keyboard.press("Tab");
  result.afterAccept = await savedChange(page, original);
  result.steps.push("accepted");

  // Implement Function Body on the stub, through the command palette (the extension's command).
  await goTo(page, cfg.bodyAt);
  await runCommand(page, "Diffusion: Implement Function Body");
  result.afterImplement = await savedChange(page, result.afterAccept);
  await page.screenshot({ path: join(cfg.out, "implement-function.png") });
  result.steps.push("implemented");

  // The settings as the server understood them ("Diffusion: Show Server Settings" shows them in a notification).
  await runCommand(page, "Diffusion: Show Server Settings");
  result.serverSettings = await until("the settings notification", async () => {
    const texts = await page.locator(".notifications-toasts .notification-list-item-message").allInnerTexts();
    return texts.find((text) => text.includes("diffusion-lsp settings")) ?? null;
  });
  result.steps.push("settings");

  // Next edit: rename a parameter in its signature; after the pause the extension shows the proposal for its use
  // in the body as a diff, and Tab jumps there and applies it.
  const beforeRename = readFileSync(cfg.file, "utf8");
  const renameLine = beforeRename.split("\n").findIndex((line) => line.startsWith(cfg.renameIn)) + 1;
  await goTo(page, [renameLine, cfg.renameIn.length + 1]);
  await page.keyboard.press("Control+D");  // the word under the cursor
  await page.keyboard.type(cfg.renameTo, { delay: 40 });
  await page.keyboard.press("ArrowDown");  // on to the body: ghost text at the old cursor is gone (it would take Tab)
  await page.locator(".statusbar-item", { hasText: "next edit" }).first().waitFor({ state: "visible", timeout: 60000 });
  await sleep(300);
  await page.screenshot({ path: join(cfg.out, "next-edit.png") });
  result.steps.push("next edit shown");
  await page.keyboard.press("Tab");
  result.afterNextEdit = await until("the next edit to be saved", async () => {
    await page.keyboard.press("Control+S");
    await sleep(300);
    const now = readFileSync(cfg.file, "utf8");
    return now.split(cfg.renameTo).length > 2 ? now : null;  // the signature's and the body's
  });
  result.steps.push("next edit applied");
} catch (error) {
  result.error = String(error?.stack ?? error);
  await page.screenshot({ path: join(cfg.out, "failure.png") }).catch(() => {});
} finally {
  writeFileSync(join(cfg.out, "result.json"), JSON.stringify(result, null, 2));
  await browser.close();
}
