// The handoff token (single-use, host-bound, short-lived) and the sealed login transaction.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { HANDOFF_TTL_SEC, openHandoff, sealHandoff } from '../../main/oidc/handoff.ts';
import { createSealer } from '../../main/oidc/seal.ts';
import { sessionFromIdentity } from '../../main/oidc/session.ts';
import { createSingleUse } from '../../main/oidc/single-use.ts';
import { addTxnId, MAX_PENDING_TXNS, openState, parseTxnCookie, sealState, type Transaction } from '../../main/oidc/transaction.ts';

const sealer = createSealer(randomBytes(32));
const NOW = 1_800_000_000;
const HOST = 'app.localhost:8080';
const session = sessionFromIdentity({ id: 's', groups: [] }, 'cfg', NOW);
const mint = () => sealHandoff(sealer, { host: HOST, auth: '', txn: 'txn-id-0123456789abc', ret: '/x', session }, NOW);

test('a handoff token opens once on its host', () => {
  const spent = createSingleUse();
  const t = mint();
  const first = openHandoff(sealer, HOST, t, spent, NOW + 1);
  assert.ok(first.ok);
  assert.equal(first.token.ret, '/x');
  assert.equal(first.token.txn, 'txn-id-0123456789abc');
  assert.deepEqual(openHandoff(sealer, HOST, t, spent, NOW + 2), { ok: false, reason: 'replayed' });
});

test('a handoff token is bound to its host', () => {
  const spent = createSingleUse();
  const t = mint();
  assert.deepEqual(openHandoff(sealer, 'evil.localhost:8080', t, spent, NOW), { ok: false, reason: 'invalid' });
  // The failed attempt elsewhere did not spend it.
  assert.ok(openHandoff(sealer, HOST, t, spent, NOW).ok);
});

test('a handoff token expires within 5 minutes', () => {
  assert.ok(HANDOFF_TTL_SEC <= 300);
  const spent = createSingleUse();
  const t = mint();
  assert.deepEqual(openHandoff(sealer, HOST, t, spent, NOW + HANDOFF_TTL_SEC), { ok: false, reason: 'expired' });
});

test('tampered, foreign-key or other-purpose tokens are invalid', () => {
  const spent = createSingleUse();
  const t = mint();
  const raw = Buffer.from(t, 'base64url');
  raw[20]! ^= 0x80;
  assert.deepEqual(openHandoff(sealer, HOST, raw.toString('base64url'), spent, NOW), { ok: false, reason: 'invalid' });
  const other = createSealer(randomBytes(32));
  assert.deepEqual(openHandoff(other, HOST, t, spent, NOW), { ok: false, reason: 'invalid' });
  const asSession = sealer.seal('session', HOST, { id: 'x', host: HOST });
  assert.deepEqual(openHandoff(sealer, HOST, asSession, spent, NOW), { ok: false, reason: 'invalid' });
  assert.deepEqual(openHandoff(sealer, HOST, null, spent, NOW), { ok: false, reason: 'invalid' });
});

test('the single-use store forgets only what has expired, and fails closed when full', () => {
  const s = createSingleUse(2);
  assert.ok(s.use('a', 2000, 1000));
  assert.ok(!s.use('a', 2000, 1500));
  assert.ok(s.use('b', 2000, 1000));
  assert.ok(!s.use('c', 2000, 1000), 'full of live entries');
  assert.ok(s.use('c', 5000, 2500), 'expired ones swept');
  assert.ok(!s.use('d', 1000, 1000), 'already expired');
});

test('the login transaction round-trips through state and is tamper-evident', () => {
  const txn: Transaction = { id: 'i'.repeat(22), host: HOST, auth: '', ret: '/r', nonce: 'n', pkce: 'p', cfg: 'c', exp: NOW };
  const state = sealState(sealer, txn);
  assert.deepEqual(openState(sealer, state), txn);
  assert.equal(openState(sealer, state.slice(0, -1) + (state.endsWith('A') ? 'B' : 'A')), null);
  assert.equal(openState(createSealer(randomBytes(32)), state), null);
  assert.equal(openState(sealer, null), null);
});

test('the txn cookie keeps the newest few pending logins', () => {
  let v = '';
  const ids = Array.from({ length: MAX_PENDING_TXNS + 2 }, (_, i) => `pending-login-${String(i).padStart(4, '0')}`);
  for (const id of ids) v = addTxnId(parseTxnCookie([v]), id);
  assert.deepEqual(parseTxnCookie([v]), ids.slice(-MAX_PENDING_TXNS));
  assert.deepEqual(parseTxnCookie(['short.bad id.' + 'x'.repeat(16)]), ['x'.repeat(16)]);
});
