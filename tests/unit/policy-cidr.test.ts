// CIDR parsing and matching for restrict-ips, IPv4 and IPv6 kept apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CidrSet, normalizeIp, parseCidr } from '../../main/policy/cidr.ts';

test('parseCidr accepts v4/v6 networks and bare addresses, rejects the rest', () => {
  assert.deepEqual(parseCidr('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, family: 'ipv4' });
  assert.deepEqual(parseCidr('192.168.1.7'), { address: '192.168.1.7', prefix: 32, family: 'ipv4' });
  assert.deepEqual(parseCidr('2001:db8::/32'), { address: '2001:db8::', prefix: 32, family: 'ipv6' });
  assert.deepEqual(parseCidr('::1'), { address: '::1', prefix: 128, family: 'ipv6' });
  assert.deepEqual(parseCidr('0.0.0.0/0'), { address: '0.0.0.0', prefix: 0, family: 'ipv4' });
  for (const bad of ['300.1.1.1', '10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/8/8', 'example.com', '', '10.0.0.0/1e1']) {
    assert.equal(parseCidr(bad), undefined, bad);
  }
});

test('CidrSet matches within each family only; mapped IPv4 counts as IPv4', () => {
  const set = new CidrSet(['10.0.0.0/8', '2001:db8::/32', '::/128'].map((c) => parseCidr(c)!));
  assert.equal(set.has('10.255.0.1'), true);
  assert.equal(set.has('::ffff:10.0.0.1'), true);
  assert.equal(set.has('11.0.0.0'), false);
  assert.equal(set.has('2001:db8:ffff::'), true);
  assert.equal(set.has('2001:db9::'), false);
  assert.equal(set.has('garbage'), false);
  const all6 = new CidrSet([parseCidr('::/0')!]);
  assert.equal(all6.has('1.2.3.4'), false);
  assert.equal(all6.has('::ffff:1.2.3.4'), false);
  assert.equal(all6.has('fe80::1%eth0'), true);
  assert.equal(new CidrSet([parseCidr('0.0.0.0/0')!]).has('::1'), false);
});

test('normalizeIp strips zones and unwraps IPv4-mapped addresses', () => {
  assert.equal(normalizeIp('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(normalizeIp('::FFFF:1.2.3.4'), '1.2.3.4');
  assert.equal(normalizeIp('fe80::1%eth0'), 'fe80::1');
  assert.equal(normalizeIp('::1'), '::1');
});
