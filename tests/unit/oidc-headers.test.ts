// Identity headers (strip every visitor copy, then set), Gatehouse cookies removed upstream, and
// the allow-lists (verified email, exact domain after the last @, groups).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emailDomain, isAllowed } from '../../main/oidc/access.ts';
import { isOwnCookieName, readCookies, takeOwnCookies } from '../../main/oidc/cookies.ts';
import { headerValue, identityFromClaims, identityHeaders, stripIdentityHeaders } from '../../main/oidc/identity.ts';
import { isReservedPath, isReservedTarget, mayBeReserved } from '../../main/oidc/paths.ts';
import type { HeaderMap, Identity } from '../../main/policy/types.ts';

test('every visitor-supplied identity header is stripped: any case, `_` for `-`', () => {
  const h: HeaderMap = {
    'x-forwarded-user': 'a',
    'X-Forwarded-Email': 'b',
    x_forwarded_email: 'c',
    X_FORWARDED_GROUPS: 'd',
    'x-forwarded_preferred-username': 'e',
    'x_Forwarded-User': 'f',
    'x-forwarded-for': '1.2.3.4',
    'x-forwarded-proto': 'https',
    accept: 'text/html',
  };
  stripIdentityHeaders(h);
  assert.deepEqual(h, { 'x-forwarded-for': '1.2.3.4', 'x-forwarded-proto': 'https', accept: 'text/html' });
});

test('identity headers come from the identity: user, email, preferred username, groups joined', () => {
  // The action strips every visitor copy first (the test above), then adds these.
  const id: Identity = { id: 'sub', email: 'a@b.c', preferredUsername: 'ab', groups: ['x', 'y'] };
  assert.deepEqual(identityHeaders(id), {
    'x-forwarded-user': 'sub',
    'x-forwarded-email': 'a@b.c',
    'x-forwarded-preferred-username': 'ab',
    'x-forwarded-groups': 'x,y',
  });
  assert.deepEqual(identityHeaders({ id: 's', groups: [] }), { 'x-forwarded-user': 's' });
});

test('header values cannot smuggle lines; non-ASCII goes as UTF-8 bytes', () => {
  assert.equal(headerValue('a\r\nX-Evil: 1'), 'aX-Evil: 1');
  assert.equal(Buffer.from(headerValue('José'), 'latin1').toString('utf8'), 'José');
});

test('Gatehouse cookies are removed from what the app sees; others are kept', () => {
  const h: HeaderMap = { cookie: 'a=1; __gatehouse_session=x; __Host-gatehouse_session_team=y; __gatehouse_txn=z;b=2' };
  assert.deepEqual(readCookies(h, '__gatehouse_session'), ['x']);
  takeOwnCookies(h, '__gatehouse_session');
  assert.equal(h['cookie'], 'a=1; b=2');
  const only: HeaderMap = { cookie: '__gatehouse_session=x' };
  takeOwnCookies(only, '__gatehouse_session');
  assert.equal(only['cookie'], undefined);
  assert.ok(isOwnCookieName('__GATEHOUSE_SESSION'));
  assert.ok(!isOwnCookieName('gatehouse_session'));
});

test('takeOwnCookies reads the session values and strips every Gatehouse cookie in one pass', () => {
  const h: HeaderMap = { cookie: ['a=1; __gatehouse_session=x; __gatehouse_txn=z', ' __gatehouse_session = y ;b=2'] };
  assert.deepEqual(takeOwnCookies(h, '__gatehouse_session'), ['x', 'y'], 'every value, in order (a sibling host may plant one)');
  assert.equal(h['cookie'], 'a=1; b=2');
  const only: HeaderMap = { cookie: '__gatehouse_session=tok' };
  assert.deepEqual(takeOwnCookies(only, '__gatehouse_session'), ['tok']);
  assert.equal(only['cookie'], undefined);
  const otherAction: HeaderMap = { cookie: '__gatehouse_session_team=t' };
  assert.deepEqual(takeOwnCookies(otherAction, '__gatehouse_session'), [], "another action's cookie is not this one's");
  assert.equal(otherAction['cookie'], undefined, 'but the app still never sees it');
  const ragged: HeaderMap = { cookie: ';; _ga=1;;__gatehouse_session=s; ; _x ;' };
  assert.deepEqual(takeOwnCookies(ragged, '__gatehouse_session'), ['s'], 'empty parts and spaces between them are skipped');
  assert.equal(ragged['cookie'], '_ga=1; _x', 'cookies starting with _ that are not ours are kept');
  const foreign: HeaderMap = { cookie: 'app=1' };
  assert.deepEqual(takeOwnCookies(foreign, '__gatehouse_session'), []);
  assert.equal(foreign['cookie'], 'app=1');
});

test('claims become an identity; groups from the configured claim', () => {
  const id = identityFromClaims(
    { sub: 's', email: 'e@x.io', email_verified: 'true', given_name: 'G', family_name: 'F', teams: ['t1', 2, 't2'] },
    'teams',
  );
  assert.deepEqual(id, { id: 's', email: 'e@x.io', emailVerified: true, name: 'G F', preferredUsername: undefined, groups: ['t1', 't2'] });
  assert.deepEqual(identityFromClaims({ sub: 's', groups: 'solo' }, 'groups').groups, ['solo']);
  assert.throws(() => identityFromClaims({ email: 'x' }, 'groups'), /sub/);
});

test('allow-lists: verified email, exact domain after the last @, groups', () => {
  const allow = { emails: ['Boss@Corp.com'], domains: ['company.com'], groups: ['eng'] };
  const who = (email: string, emailVerified = true, groups: string[] = []): Identity => ({ id: 'x', email, emailVerified, groups });
  assert.ok(isAllowed(who('boss@corp.com'), allow));
  assert.ok(isAllowed(who('anyone@company.com'), allow));
  assert.ok(isAllowed(who('x@y.z', false, ['eng']), allow));
  assert.ok(!isAllowed(who('anyone@company.com', false), allow), 'unverified email');
  assert.ok(!isAllowed(who('a@evil.com@company.co'), allow));
  assert.ok(!isAllowed(who('a@company.com.evil.com'), allow), 'suffix trick');
  assert.ok(!isAllowed(who('a@evilcompany.com'), allow), 'look-alike');
  assert.ok(!isAllowed(who('a@sub.company.com'), allow), 'subdomain is not the domain');
  assert.ok(!isAllowed(who('x@y.z', true, ['Eng']), allow), 'group names are exact');
  assert.ok(!isAllowed(who('a@evil.com@company.com'), allow), 'several @: no domain match');
  assert.ok(!isAllowed(who('a@company.com@evil.com'), allow));
  assert.equal(emailDomain('a@evil.com@company.com'), 'company.com');
  assert.ok(isAllowed(who('x@y.z', false), { emails: [], domains: [], groups: [] }), 'no lists: anyone');
});

test('reserved paths are recognised in any spelling', () => {
  for (const p of ['/.gatehouse/login', '/.GATEHOUSE/x', '/%2Egatehouse/login', '/%2egatehouse%2flogin']) assert.ok(isReservedPath(p), p);
  for (const p of ['/', '/gatehouse/login', '/.gatehouse', '/x/.gatehouse/login']) assert.ok(!isReservedPath(p), p);
});

test('the cheap pre-check never rules out a target that parses to a reserved path', () => {
  const targets = ['/.gatehouse/login', '/.GATEHOUSE/x?y', '/%2Egatehouse/login', '/.%67atehouse/x', '/a/../.gatehouse/login', '/x/..\\.gatehouse\\login', '/./.gatehouse/x'];
  for (const t of targets) {
    assert.ok(isReservedPath(new URL(t, 'http://a.localhost').pathname), `${t} is reserved once parsed`);
    assert.ok(mayBeReserved(t), t);
  }
  // Only the path counts: an encoded query, or one that names the prefix, costs no URL parse.
  for (const t of ['/', '/api/items?id=1', '/static/app.js', '/search?q=a%20b', '/x?next=/.gatehouse/login', '/x#%2e']) assert.ok(!mayBeReserved(t), t);
});

test('a raw target is reserved as the URL parser resolves it, the same for the edge and the OIDC action', () => {
  for (const t of ['/.gatehouse/login?x=1', '/a/../.gatehouse/login', '/x/..\\.gatehouse\\login', '/./.gatehouse/x', '/.%67atehouse/x']) assert.ok(isReservedTarget(t), t);
  for (const t of ['/', '/gatehouse/login', '/a/.gatehouse/x', '/api?next=/.gatehouse/login']) assert.ok(!isReservedTarget(t), t);
});
