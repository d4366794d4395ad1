// Cookie sealing: AES-256-GCM under HKDF subkeys, bound to purpose, host and cookie name; limits.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createSealer } from '../../main/oidc/seal.ts';
import {
  MAX_COOKIE_BYTES,
  openSession,
  rollAfterSec,
  sealSession,
  sessionFromIdentity,
  sessionMaxAge,
  type OpenSessionArgs,
} from '../../main/oidc/session.ts';
import { serializeCookie } from '../../main/oidc/cookies.ts';
import { cookieNames } from '../../main/oidc/context.ts';

const key = randomBytes(32);
const sealer = createSealer(key);
const HOST = 'app.localhost:8080';
const NAME = '__gatehouse_session';
const NOW = 1_800_000_000;
const limits = { idleSec: 3600, maxSec: 86_400 };
const identity = { id: 'sub-1', email: 'a@example.com', emailVerified: true, name: 'A', preferredUsername: 'a', groups: ['g1', 'g2'] };
const args: OpenSessionArgs = { sealer, host: HOST, cookieName: NAME, cfg: 'cfg-1', limits, now: NOW };
const session = sessionFromIdentity(identity, 'cfg-1', NOW);
const token = sealSession(sealer, HOST, NAME, session);

test('a sealed session opens with the same key, host and cookie name', () => {
  const s = openSession([token], args);
  assert.ok(s);
  assert.equal(s.sub, 'sub-1');
  assert.deepEqual(s.groups, ['g1', 'g2']);
  assert.equal(s.ev, 1);
});

test('the cookie is opaque: no claim is readable in it', () => {
  const raw = Buffer.from(token, 'base64url').toString('latin1');
  assert.ok(!raw.includes('a@example.com') && !raw.includes('sub-1'));
  assert.notEqual(sealSession(sealer, HOST, NAME, session), token, 'fresh IV every time');
});

test('any flipped bit, truncation or extension means no session', () => {
  // Opened once, the genuine token is cached; a flipped byte before the tag leaves the cache
  // key (the token's tail) unchanged, so these also check that a hit needs the whole token.
  assert.ok(openSession([token], args));
  const raw = Buffer.from(token, 'base64url');
  for (let i = 0; i < raw.length; i++) {
    const t = Buffer.from(raw);
    t[i]! ^= 0x01;
    assert.equal(openSession([t.toString('base64url')], args), null, `byte ${i}`);
  }
  assert.equal(openSession([token.slice(0, -2)], args), null);
  assert.equal(openSession([token + 'AA'], args), null);
});

test('garbage never throws', () => {
  for (const g of ['', 'x', '!!!!', 'A'.repeat(20000), '%00', Buffer.alloc(40).toString('base64url'), 'a.b.c']) {
    assert.equal(openSession([g], args), null);
  }
});

test('a cookie from another host, cookie name, key, purpose or IdP/client is foreign', () => {
  assert.equal(openSession([token], { ...args, host: 'other.localhost:8080' }), null);
  assert.equal(openSession([token], { ...args, cookieName: '__gatehouse_session_other' }), null);
  assert.equal(openSession([token], { ...args, sealer: createSealer(randomBytes(32)) }), null);
  assert.equal(openSession([token], { ...args, cfg: 'cfg-2' }), null);
  const handoffSealed = sealer.seal('handoff', `${HOST}\n${NAME}`, session);
  assert.equal(openSession([handoffSealed], args), null);
});

test('idle and absolute limits, and sessions from the future', () => {
  assert.ok(openSession([token], { ...args, now: NOW + limits.idleSec - 1 }));
  assert.equal(openSession([token], { ...args, now: NOW + limits.idleSec }), null, 'idle');
  const active = sealSession(sealer, HOST, NAME, { ...session, last: NOW + 80_000 });
  assert.ok(openSession([active], { ...args, now: NOW + 80_001 }));
  assert.equal(openSession([active], { ...args, now: NOW + limits.maxSec }), null, 'absolute');
  assert.equal(openSession([token], { ...args, now: NOW - 1000 }), null, 'future');
});

test('the first valid one of several same-name cookies wins (a planted cookie cannot shadow)', () => {
  assert.ok(openSession(['planted-garbage', token], args));
});

test('cookie lifetime and roll interval follow the limits', () => {
  assert.equal(sessionMaxAge(session, limits, NOW), 3600);
  assert.equal(sessionMaxAge({ ...session, last: NOW + 86_000 }, limits, NOW + 86_000), 400);
  assert.equal(rollAfterSec(limits), 60);
  assert.equal(rollAfterSec({ idleSec: 5, maxSec: 10 }), 1);
});

test('a session with many groups and tokens stays under 4 KB', () => {
  const big = sessionFromIdentity({ ...identity, groups: Array.from({ length: 40 }, (_, i) => `group-number-${i}`) }, 'cfg-1', NOW);
  big.at = 'a'.repeat(200);
  const line = serializeCookie(NAME, sealSession(sealer, HOST, NAME, big), { secure: true, maxAgeSec: 3600 });
  assert.ok(line.length < MAX_COOKIE_BYTES, `${line.length} bytes`);
});

test('the key must be 32 bytes', () => {
  assert.throws(() => createSealer(randomBytes(16)), /32 bytes/);
});

test('cookie names and flags: __Host- and Secure on https, HttpOnly and SameSite=Lax always', () => {
  assert.deepEqual(cookieNames(false, undefined), { session: '__gatehouse_session', txn: '__gatehouse_txn' });
  assert.deepEqual(cookieNames(true, 'team a'), { session: '__Host-gatehouse_session_team_a', txn: '__Host-gatehouse_txn_team_a' });
  const https = serializeCookie('__Host-gatehouse_session', 'v', { secure: true, maxAgeSec: 60 });
  assert.equal(https, '__Host-gatehouse_session=v; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=60');
  assert.equal(serializeCookie('n', 'v', { secure: false }), 'n=v; Path=/; HttpOnly; SameSite=Lax');
});
