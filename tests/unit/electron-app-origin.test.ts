// The desktop renderer's origin and what the shell does with every other URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APP_INDEX_URL, isAppUrl, isExternalLinkCandidate, navigationVerdict, windowOpenVerdict } from '../../main/electron-main/app-origin.ts';

test('the app origin is app://gatehouse and nothing that merely resembles it', () => {
  assert.equal(APP_INDEX_URL, 'app://gatehouse/index.html');
  for (const ok of ['app://gatehouse/', 'app://gatehouse/index.html', 'app://gatehouse/index.html#settings', 'APP://GATEHOUSE/app.js']) {
    assert.equal(isAppUrl(ok), true, ok);
  }
  for (const bad of [
    'app://gatehouse.evil/',
    'app://evil/index.html',
    'app://user:pw@gatehouse/',
    'app://gatehouse:8080/',
    'https://gatehouse/',
    'file:///work/dist/renderer/index.html',
    'data:text/html,<p>hi',
    'javascript:alert(1)',
    'about:blank',
    'not a url',
    '',
  ]) {
    assert.equal(isAppUrl(bad), false, bad);
  }
});

test('navigation stays in the app; http(s) links go out to the browser; other schemes are dropped', () => {
  assert.equal(navigationVerdict('app://gatehouse/index.html#requests'), 'allow');
  assert.equal(navigationVerdict('https://console.jumpcloud.com/'), 'open-externally');
  assert.equal(navigationVerdict('http://demo.localhost:8080/'), 'open-externally');
  for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x', 'app://evil/', 'ftp://x/', 'https://u:p@example.com/', 'vbscript:x', 'ms-settings:']) {
    assert.equal(navigationVerdict(url), 'deny', url);
  }
});

test('window.open never opens a window, even for the app itself', () => {
  assert.equal(windowOpenVerdict('app://gatehouse/index.html'), 'deny');
  assert.equal(windowOpenVerdict('https://demo.localhost/'), 'open-externally');
  assert.equal(windowOpenVerdict('file:///etc/passwd'), 'deny');
  assert.equal(isExternalLinkCandidate('https://user@example.com/'), false);
});
