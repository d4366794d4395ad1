// The one rule for which renderer files the UI servers (app:// and gatehouse start) may serve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { rendererType, resolveRendererPath } from '../../main/common/renderer-assets.ts';

const ROOT = path.resolve('/srv/gatehouse/renderer');

test('renderer paths: files under the root, index.html for a folder', () => {
  assert.equal(resolveRendererPath(ROOT, '/'), path.join(ROOT, 'index.html'));
  assert.equal(resolveRendererPath(ROOT, '/app.js'), path.join(ROOT, 'app.js'));
  assert.equal(resolveRendererPath(ROOT, '/assets/logo%20mark.png'), path.join(ROOT, 'assets', 'logo mark.png'));
  assert.equal(rendererType(path.join(ROOT, 'APP.JS')), rendererType(path.join(ROOT, 'app.js')));
});

test('renderer paths: escapes, undecodable and odd names are refused, whatever the URL parser left', () => {
  const refused = [
    '/..%2f..%2fpackage.json', // an encoded slash: a segment may not hide a path
    '/%2e%2e/secret.js', // an encoded dot-dot, if a parser left it
    '/a/../../secret.js', // a literal one, if a parser left it
    '/%E0', // not UTF-8
    '/app.js%00.html', // NUL
    '/a%5c..%5csecret.js', // backslashes
    '/c:%2fwindows.js',
    '/a//b.js', // empty segment
    '/package.json.exe', // not a renderer file type
    '/config', // no type at all
  ];
  for (const p of refused) assert.equal(resolveRendererPath(ROOT, p), null, p);
});
