import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLocalAddr } from '../../main/agent/local-addr.ts';
import { backoffDelay } from '../../main/agent/backoff.ts';
import { nameFromUrlFlag, nameProblem, randomName } from '../../main/common/names.ts';
import { parseHostPort } from '../../main/common/net.ts';

test('local addresses in every form the CLI accepts', () => {
  assert.equal(parseLocalAddr('3000').url, 'http://localhost:3000');
  assert.equal(parseLocalAddr('localhost:3000').url, 'http://localhost:3000');
  assert.equal(parseLocalAddr('127.0.0.1:3000').url, 'http://127.0.0.1:3000');
  assert.equal(parseLocalAddr('http://127.0.0.1:8000').url, 'http://127.0.0.1:8000');
  assert.equal(parseLocalAddr('[::1]:3000').url, 'http://[::1]:3000');
  assert.equal(parseLocalAddr('[::1]:3000').host, '::1');
  assert.equal(parseLocalAddr('http://localhost').port, 80);
});

test('bad local addresses get a message that shows the accepted forms', () => {
  assert.throws(() => parseLocalAddr('abc:def'), /use a port \(3000\)/);
  assert.throws(() => parseLocalAddr('70000'), /1 to 65535/);
  assert.throws(() => parseLocalAddr('0'), /1 to 65535/);
  assert.throws(() => parseLocalAddr('https://localhost:3000'), /only http/);
  assert.throws(() => parseLocalAddr('http://localhost:3000/app'), /not a local address/);
});

test('backoff starts fast, grows, and is capped with jitter', () => {
  assert.equal(backoffDelay(0), 0);
  const lo = backoffDelay(1, 250, 20_000, () => 0);
  const hi = backoffDelay(1, 250, 20_000, () => 1);
  assert.ok(lo >= 125 && hi <= 250, `${lo} ${hi}`);
  assert.ok(backoffDelay(5, 250, 20_000, () => 0) > backoffDelay(2, 250, 20_000, () => 1));
  for (let a = 8; a < 40; a++) assert.ok(backoffDelay(a) <= 20_000);
  assert.ok(backoffDelay(30, 250, 20_000, () => 0) >= 10_000);
});

test('tunnel names: validation, reserved words, random names', () => {
  assert.equal(nameProblem('my-app1'), null);
  assert.match(nameProblem('My_App')!, /not a valid tunnel name/);
  assert.match(nameProblem('-x')!, /not a valid/);
  assert.match(nameProblem('www')!, /reserved/);
  const names = new Set(Array.from({ length: 200 }, randomName));
  assert.equal(names.size, 200);
  for (const n of names) assert.match(n, /^[a-z0-9]{8}$/);
  assert.equal(nameFromUrlFlag('https://demo.localhost:8080/x'), 'demo');
  assert.equal(nameFromUrlFlag('demo.example.com'), 'demo');
  assert.equal(nameFromUrlFlag('demo'), 'demo');
});

test('host:port parsing', () => {
  assert.deepEqual(parseHostPort('127.0.0.1:8080', 'x'), { host: '127.0.0.1', port: 8080 });
  assert.deepEqual(parseHostPort(':9000', '0.0.0.0'), { host: '0.0.0.0', port: 9000 });
  assert.deepEqual(parseHostPort('[::1]:4040', 'x'), { host: '::1', port: 4040 });
  assert.deepEqual(parseHostPort('4040', '127.0.0.1'), { host: '127.0.0.1', port: 4040 });
  assert.throws(() => parseHostPort('localhost:99999', 'x'), /not a valid address/);
  assert.throws(() => parseHostPort('nonsense', 'x'), /not a valid address/);
});
