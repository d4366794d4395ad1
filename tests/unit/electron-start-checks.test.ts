// What `npm start` decides from: the Electron binary (found without the electron package
// downloading it), the display, and whether dist/ is current. Real folders in a temp dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUILD_OUTPUTS, buildStaleness, displayProblem, electronPlatformPath, findElectronBinary } from '../../scripts/start-checks.ts';

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-start-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const put = (file: string, text = '') => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
};

test('finds the binary the electron package recorded, or says why there is none', (t) => {
  const dir = tmp(t);
  assert.deepEqual(findElectronBinary(dir, {}, 'linux'), { ok: false, reason: 'the electron package is not installed' });
  put(path.join(dir, 'package.json'), '{"name":"electron"}');
  assert.deepEqual(findElectronBinary(dir, {}, 'linux'), { ok: false, reason: 'the Electron binary has not been downloaded' });
  put(path.join(dir, 'path.txt'), 'electron');
  const missing = findElectronBinary(dir, {}, 'linux');
  assert.equal(missing.ok, false);
  assert.match(!missing.ok ? missing.reason : '', /^the Electron binary is missing/);
  put(path.join(dir, 'dist', 'electron'));
  assert.deepEqual(findElectronBinary(dir, {}, 'linux'), { ok: true, path: path.join(dir, 'dist', 'electron') });
});

test('ELECTRON_OVERRIDE_DIST_PATH wins, as in the electron package', (t) => {
  const dir = tmp(t);
  put(path.join(dir, 'package.json'), '{}');
  const other = path.join(dir, 'custom');
  assert.equal(findElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: other }, 'linux').ok, false);
  put(path.join(other, 'electron'));
  assert.deepEqual(findElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: other }, 'linux'), { ok: true, path: path.join(other, 'electron') });
  assert.equal(electronPlatformPath('darwin'), 'Electron.app/Contents/MacOS/Electron');
  assert.equal(electronPlatformPath('win32'), 'electron.exe');
});

test('on Linux a window needs DISPLAY or WAYLAND_DISPLAY; macOS and Windows need neither', () => {
  assert.match(displayProblem({}, 'linux') ?? '', /no display/);
  assert.equal(displayProblem({ DISPLAY: ':0' }, 'linux'), null);
  assert.equal(displayProblem({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux'), null);
  assert.equal(displayProblem({}, 'darwin'), null);
  assert.equal(displayProblem({}, 'win32'), null);
});

test('dist is rebuilt when an output is missing or a source is newer', (t) => {
  const root = tmp(t);
  put(path.join(root, 'main/app/service.ts'));
  put(path.join(root, 'renderer/main.tsx'));
  put(path.join(root, 'main/node_modules/x/index.js')); // ignored
  assert.equal(buildStaleness(root), `${BUILD_OUTPUTS[0]} is missing`);
  const old = new Date(Date.now() - 60_000);
  for (const f of ['main/app/service.ts', 'renderer/main.tsx', 'main/app', 'main', 'renderer']) utimesSync(path.join(root, f), old, old);
  for (const out of BUILD_OUTPUTS) put(path.join(root, out));
  assert.equal(buildStaleness(root), null);
  const later = new Date(Date.now() + 60_000);
  utimesSync(path.join(root, 'renderer/main.tsx'), later, later);
  assert.equal(buildStaleness(root), 'renderer changed since the last build');
});
