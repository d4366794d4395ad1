import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRequestHead, decodeResponseHead, encodeRequestHead, encodeResponseHead, HeadError } from '../../main/protocol/messages.ts';

test('request heads round-trip: order, duplicates, empty values, latin1 and non-latin1 text', () => {
  const head = {
    method: 'POST',
    url: '/a?b=c&d=%20é',
    tunnel: 'abc123',
    upgrade: true,
    headers: ['Host', 'abc123.localhost:8080', 'X-Empty', '', 'Set-Thing', '1', 'set-thing', '2', 'X-Latin1', 'caf\u00e9', 'X-Name', 'Zoë 李'],
  };
  assert.deepEqual(decodeRequestHead(encodeRequestHead(head)), head);
  const plain = decodeRequestHead(encodeRequestHead({ method: 'GET', url: '/', tunnel: 't', headers: [] }));
  assert.deepEqual(plain, { method: 'GET', url: '/', tunnel: 't', upgrade: false, headers: [] });
});

test('response heads round-trip, with and without an error', () => {
  const ok = { status: 204, headers: ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'X-E', ''] };
  assert.deepEqual(decodeResponseHead(encodeResponseHead(ok)), ok);
  assert.deepEqual(decodeResponseHead(encodeResponseHead({ status: 502, headers: [], error: 'ECONNREFUSED' })), { status: 502, headers: [], error: 'ECONNREFUSED' });
});

test('a NUL in any field is refused: it would shift names and values (header injection)', () => {
  assert.throws(() => encodeRequestHead({ method: 'GET', url: '/', tunnel: 't', headers: ['X-A', 'v\0Injected\0yes'] }), HeadError);
  assert.throws(() => encodeRequestHead({ method: 'GET', url: '/\0', tunnel: 't', headers: [] }), HeadError);
  assert.throws(() => encodeResponseHead({ status: 200, headers: ['X\0', 'v'] }), HeadError);
});

test('malformed heads are errors, never half-read heads', () => {
  const bad = (s: string) => Buffer.from(s);
  assert.throws(() => decodeRequestHead(bad('{"method":"GET"}')), HeadError);
  assert.throws(() => decodeRequestHead(bad('q1\0GET\0/\0t\0\0Host')), HeadError, 'a name without a value');
  assert.throws(() => decodeRequestHead(bad('q1\0\0/\0t\0')), HeadError, 'no method');
  assert.throws(() => decodeRequestHead(encodeResponseHead({ status: 200, headers: [] })), HeadError, 'a response is not a request');
  assert.throws(() => decodeResponseHead(bad('s1\0abc\0')), HeadError);
  assert.throws(() => decodeResponseHead(bad('s1\x0099\0')), HeadError);
  assert.throws(() => decodeResponseHead(bad('s1\x00200\x00\x00X')), HeadError);
});
