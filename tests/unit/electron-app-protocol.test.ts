// app://gatehouse/ serves dist/renderer and nothing else: real files in a temporary folder, real
// fetch Request/Response objects (what Electron's protocol.handle passes and expects).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAppRequestHandler, resolveAppPath } from '../../main/electron-main/app-protocol.ts';
import { RENDERER_CSP as APP_CSP } from '../../main/common/renderer-assets.ts';

let base: string;
let root: string;
let handle: (r: Request) => Promise<Response>;

before(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'gatehouse-proto-'));
  root = path.join(base, 'renderer');
  await mkdir(path.join(root, 'fonts'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>Gatehouse</title>');
  await writeFile(path.join(root, 'app.js'), 'console.log(1)');
  await writeFile(path.join(root, 'fonts', 'inter.woff2'), 'woff2');
  await writeFile(path.join(root, 'notes.txt'), 'not a served type');
  // Next to the root, with a name that shares its prefix: must never be reachable.
  await writeFile(path.join(base, 'secret.js'), 'SECRET');
  await mkdir(path.join(base, 'renderer-evil'));
  await writeFile(path.join(base, 'renderer-evil', 'x.js'), 'SECRET');
  handle = createAppRequestHandler(root);
});
after(() => rm(base, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

test('serves the index, scripts and fonts with their types and the security headers', async () => {
  for (const url of ['app://gatehouse/', 'app://gatehouse/index.html']) {
    const r = await get(url);
    assert.equal(r.status, 200, url);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await r.text(), '<!doctype html><title>Gatehouse</title>');
    assert.equal(r.headers.get('content-security-policy'), APP_CSP);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  }
  const js = await get('app://gatehouse/app.js');
  assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(await js.text(), 'console.log(1)');
  const font = await get('app://gatehouse/fonts/inter.woff2');
  assert.equal(font.status, 200);
  assert.equal(font.headers.get('content-type'), 'font/woff2');
  const head = await get('app://gatehouse/app.js', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
});

test('the CSP allows only the app itself and forbids framing, plugins and inline script', () => {
  const d = new Map(APP_CSP.split(';').map((p) => p.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
  assert.equal(d.get('default-src'), "'none'");
  assert.equal(d.get('script-src'), "'self'");
  assert.equal(d.get('object-src'), "'none'");
  assert.equal(d.get('frame-ancestors'), "'none'");
  assert.equal(d.get('frame-src'), "'none'");
  assert.equal(d.get('base-uri'), "'none'");
  assert.doesNotMatch(APP_CSP, /unsafe-inline|unsafe-eval|\*|https?:/);
});

test('path traversal, encoded separators and other hosts are refused before the file system', async () => {
  const refused = [
    'app://gatehouse/..%2fsecret.js',
    'app://gatehouse/%2E%2E%2Fsecret.js',
    'app://gatehouse/..%5csecret.js',
    'app://gatehouse/..%2frenderer-evil%2fx.js',
    'app://gatehouse/fonts/..%2f..%2fsecret.js',
    'app://gatehouse/%2fetc%2fpasswd.js',
    'app://gatehouse/app.js%00.html',
    'app://gatehouse/c:%5cwindows%5cwin.ini.js',
    'app://gatehouse//app.js',
    'app://gatehouse/%E0%A4%A.js',
    'app://evil/index.html',
    'app://gatehouse.evil/index.html',
    'app://user@gatehouse/index.html',
    'https://gatehouse/index.html',
    'file:///etc/passwd',
  ];
  for (const url of refused) assert.equal(resolveAppPath(root, url), null, url);
  // The URL parser folds `..` (and `%2e%2e`) itself, which then names a file inside the root that does not exist.
  assert.equal(resolveAppPath(root, 'app://gatehouse/../secret.js'), path.join(root, 'secret.js'));
  assert.equal(resolveAppPath(root, 'app://gatehouse/%2e%2e/secret.js'), path.join(root, 'secret.js'));
  assert.equal(resolveAppPath(root, 'app://gatehouse/../renderer-evil/x.js'), path.join(root, 'renderer-evil', 'x.js'));
  for (const url of [...refused.filter((u) => u.startsWith('app:') && !u.includes('@')), 'app://gatehouse/../secret.js', 'app://gatehouse/%2e%2e/secret.js', 'app://gatehouse/../renderer-evil/x.js']) {
    const r = await get(url);
    assert.equal(r.status, 404, url);
    assert.doesNotMatch(await r.text(), /SECRET/, url);
  }
});

test('only known file types, only files, only GET and HEAD', async () => {
  assert.equal((await get('app://gatehouse/notes.txt')).status, 404);
  assert.equal((await get('app://gatehouse/fonts/')).status, 404, 'a folder is not a file (and has no index.html)');
  assert.equal((await get('app://gatehouse/missing.js')).status, 404);
  assert.equal((await get('app://gatehouse/index.html', 'POST')).status, 405);
  assert.equal((await get('app://gatehouse/index.html', 'PUT')).status, 405);
});
