// `npm run lint:electron` (scripts/electronegativity.ts): the real scanner, offline. It passes on
// our Electron shell, preload and renderer, and fails on a shell with a HIGH finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const scan = (...inputs: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'scripts/electronegativity.ts'), ...inputs], { cwd: root, encoding: 'utf8', timeout: 120_000 });

test('main/, preload/ and renderer/ have no HIGH finding', () => {
  const r = scan();
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /electronegativity main, preload, renderer: \d+ atomic \+ \d+ global checks/);
  assert.match(r.stdout, /no HIGH finding/);
  assert.doesNotMatch(r.stdout, /\bHIGH\//);
});

test('a window without isolation and navigation limits fails the scan', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-eng-bad-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    path.join(dir, 'main.js'),
    "const { BrowserWindow } = require('electron');\nnew BrowserWindow({ webPreferences: { contextIsolation: false, nodeIntegration: true } });\n",
  );
  const r = scan(dir);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /HIGH\/\w+ CONTEXT_ISOLATION_JS_CHECK/);
  assert.match(r.stdout, /HIGH\/\w+ LIMIT_NAVIGATION_GLOBAL_CHECK/);
  assert.match(r.stdout, /failed: \d+ HIGH finding/);
});
