// The main window's security preferences, pinned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mainWindowOptions } from '../../main/electron-main/window-options.ts';

test('the window is isolated, sandboxed and without Node, webviews or insecure content', () => {
  const o = mainWindowOptions({ preload: '/app/dist/electron/preload.cjs', icon: '/app/assets/icon.png', devTools: false });
  const wp = o.webPreferences ?? {};
  assert.equal(wp.contextIsolation, true);
  assert.equal(wp.sandbox, true);
  assert.equal(wp.nodeIntegration, false);
  assert.equal(wp.nodeIntegrationInWorker, false);
  assert.equal(wp.nodeIntegrationInSubFrames, false);
  assert.equal(wp.webSecurity, true);
  assert.equal(wp.allowRunningInsecureContent, false);
  assert.equal(wp.webviewTag, false);
  assert.equal(wp.spellcheck, false);
  assert.equal(wp.experimentalFeatures, false);
  assert.equal(wp.navigateOnDragDrop, false);
  assert.match(String(wp.disableBlinkFeatures), /\bAuxclick\b/);
  assert.equal(wp.preload, '/app/dist/electron/preload.cjs');
  assert.equal(wp.devTools, false);
  assert.equal(o.show, false, 'shown on ready-to-show');
  assert.equal(o.icon, '/app/assets/icon.png');
});

test('DevTools follow the build, nothing else does', () => {
  const dev = mainWindowOptions({ preload: '/p.cjs', devTools: true });
  const prod = mainWindowOptions({ preload: '/p.cjs', devTools: false });
  assert.equal(dev.webPreferences?.devTools, true);
  assert.deepEqual({ ...dev.webPreferences, devTools: false }, prod.webPreferences);
});
