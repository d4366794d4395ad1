// What only Electron has, checked in the built app (dist/electron/main.cjs) with Playwright's
// `_electron`: the window's isolation, the preload contract, no Node in the page, the CSP,
// navigation and window.open refused, permissions denied, and IPC refused from a frame that is
// not our app's. Runs where the Electron binary exists and a display is available; elsewhere it
// skips and prints why. Build first (`node scripts/build.ts`; `npm test` does).
// Playwright launches Electron with --no-sandbox (its chromiumSandbox option defaults to false):
// the OS-level sandbox is off in this test; Electron's own sandboxed renderers are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { API_METHODS } from '../../preload/contract.ts';
import { displayProblem, findElectronBinary } from '../../scripts/start-checks.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const APP_URL = 'app://gatehouse/index.html';

/** The Electron binary, or why these tests cannot run here. */
function electronOrWhy(): { bin: string } | { why: string } {
  let dir: string;
  try {
    dir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { why: 'Electron binary not available: the electron package is not installed' };
  }
  const found = findElectronBinary(dir, process.env, process.platform);
  if (!found.ok) return { why: `Electron binary not available: ${found.reason}` };
  const noDisplay = displayProblem(process.env, process.platform);
  if (noDisplay) return { why: `Electron cannot open a window: ${noDisplay}` };
  for (const built of ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html']) {
    if (!existsSync(path.join(root, built))) return { why: `${built} is missing: run node scripts/build.ts` };
  }
  return { bin: found.path };
}

test('Electron shell', async (t) => {
  const env = electronOrWhy();
  if ('why' in env) {
    console.log(`# skipped: ${env.why}`);
    t.skip(env.why);
    return;
  }
  const tmp = mkdtempSync(path.join(tmpdir(), 'gatehouse-electron-'));
  let app: ElectronApplication | null = null;
  t.after(async () => {
    await app?.close().catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  });
  app = await _electron.launch({
    executablePath: env.bin,
    args: [root, `--user-data-dir=${path.join(tmp, 'chromium')}`, '--edge-addr=127.0.0.1:0'],
    cwd: root,
    env: { ...(process.env as Record<string, string>), GATEHOUSE_CONFIG_DIR: path.join(tmp, 'config') },
    timeout: 60_000,
  });
  const electronApp = app;
  const win: Page = await electronApp.firstWindow();
  await win.waitForLoadState('domcontentloaded');

  await t.test('the window shows the app from app://gatehouse/', () => {
    assert.equal(win.url(), APP_URL);
  });

  await t.test('renderers are sandboxed, isolated, without Node or webviews', async () => {
    assert.equal(await electronApp.evaluate(({ app: a }) => a.commandLine.hasSwitch('enable-sandbox')), true);
    const page = await win.evaluate(() => ({
      require: typeof (globalThis as Record<string, unknown>).require,
      process: typeof (globalThis as Record<string, unknown>).process,
      module: typeof (globalThis as Record<string, unknown>).module,
      Buffer: typeof (globalThis as Record<string, unknown>).Buffer,
      webview: document.createElement('webview').constructor.name,
    }));
    assert.deepEqual(page, { require: 'undefined', process: 'undefined', module: 'undefined', Buffer: 'undefined', webview: 'HTMLUnknownElement' });
  });

  await t.test('window.gatehouse has exactly the contract, and it works', async () => {
    const keys = await win.evaluate(() => Object.keys((window as unknown as { gatehouse: object }).gatehouse).sort());
    assert.deepEqual(keys, [...API_METHODS, 'onEvent'].sort());
    // contextBridge refuses to expose anything without context isolation; and nothing leaks ipcRenderer.
    assert.equal(await win.evaluate(() => 'ipcRenderer' in window || 'electron' in window), false);
    const info = await win.evaluate(() => (window as unknown as { gatehouse: { getInfo(): Promise<{ shell: string }> } }).gatehouse.getInfo());
    assert.equal(info.shell, 'electron');
  });

  await t.test('the CSP forbids eval and inline script', async () => {
    const evalResult = await win.evaluate(() => {
      try {
        return String((0, eval)('1 + 1'));
      } catch (err) {
        return (err as Error).name;
      }
    });
    assert.equal(evalResult, 'EvalError');
  });

  await t.test('navigation to another origin and window.open are refused', async () => {
    await win.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    // Loopback and file: only; neither is on the service's allow-list, so nothing opens outside either.
    await win.evaluate(() => {
      location.href = 'file:///etc/hosts';
    });
    await win.evaluate(() => {
      const a = document.createElement('a');
      a.href = 'http://127.0.0.1:9/';
      document.body.append(a);
      a.click();
    });
    const opened = await win.evaluate(() => window.open('app://gatehouse/index.html') === null);
    assert.equal(opened, true, 'window.open returned null');
    // A navigation that was let through would have replaced the document (and the marker) by now.
    await win.waitForTimeout(1000);
    assert.equal(win.url(), APP_URL);
    assert.equal(await win.evaluate(() => (window as unknown as { marker: number }).marker), 42);
    assert.equal(electronApp.windows().length, 1);
  });

  await t.test('permission requests are denied', async () => {
    const state = await win.evaluate(async () => (await navigator.permissions.query({ name: 'notifications' as PermissionName })).state);
    assert.equal(state, 'denied');
  });

  await t.test('IPC from a page that is not our app is refused', async () => {
    // A second window with the same preload, showing a data: page: the bridge exists, the main process refuses it.
    const preload = path.join(root, 'dist/electron/preload.cjs');
    await electronApp.evaluate(async ({ BrowserWindow }, p) => {
      const w = new BrowserWindow({ show: false, webPreferences: { preload: p, sandbox: true, contextIsolation: true } });
      await w.loadURL('data:text/html,<title>other</title>');
    }, preload);
    const other = electronApp.windows().find((p) => p.url().startsWith('data:'));
    assert.ok(other, 'the data: window exists');
    const outcome = await other.evaluate(() =>
      (window as unknown as { gatehouse: { getInfo(): Promise<unknown> } }).gatehouse.getInfo().then(
        () => 'allowed',
        (err: Error) => err.message,
      ),
    );
    assert.match(outcome, /IPC refused: not the Gatehouse window/);
  });
});
