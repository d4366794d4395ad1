// redirect_path / return path validation, with oauth2-proxy's open-redirect advisories as cases.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeReturnPath } from '../../main/oidc/redirect-path.ts';

test('local paths are kept, with their query', () => {
  for (const p of ['/', '/a', '/a/b?c=d&e=f', '/search?q=a%20b', '/%E2%9C%93', '/a/./b', '/.well-known/x']) {
    assert.equal(safeReturnPath(p), new URL(p, 'http://h').pathname + new URL(p, 'http://h').search, p);
  }
  assert.equal(safeReturnPath('/a/../b'), '/b');
  assert.equal(safeReturnPath('/a#frag'), '/a');
});

test('anything a browser could read as another origin falls back to /', () => {
  const evil = [
    '//evil.com',
    '///evil.com',
    '/\\evil.com',
    '\\/evil.com',
    '\\\\evil.com',
    '/\\/evil.com',
    '/%5Cevil.com',
    '/%5C%5Cevil.com',
    '/%2F%2Fevil.com',
    '/%2fevil.com',
    '%2F%2Fevil.com',
    '/%252F%252Fevil.com',
    '/\t/evil.com',
    '/\n/evil.com',
    '/\r\n/evil.com',
    '/%09/evil.com',
    '/%0a/evil.com',
    '/ /evil.com',
    ' //evil.com',
    '/\u00a0/evil.com',
    '/\u3000/evil.com',
    '/%E3%80%80/evil.com',
    'https://evil.com/',
    'http:evil.com',
    'http:/evil.com',
    'javascript:alert(1)',
    'data:text/html,x',
    'evil.com',
    '.evil.com',
    '',
    '/' + 'a'.repeat(3000),
    '/%',
    '/%E0%A4%A',
  ];
  for (const e of evil) assert.equal(safeReturnPath(e), '/', JSON.stringify(e));
  for (const v of [undefined, null, 42, ['/x']]) assert.equal(safeReturnPath(v), '/');
});

test('look-alike hosts in a path stay paths', () => {
  assert.equal(safeReturnPath('/evil.com'), '/evil.com');
  assert.equal(safeReturnPath('/@evil.com'), '/@evil.com');
});
