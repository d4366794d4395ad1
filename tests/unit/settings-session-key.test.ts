// The session-cookie key on a server: GATEHOUSE_SESSION_KEY or a 0600 key file that survives
// restarts and is shared by edge processes started together. (The keychain variant is tested
// against the real keychain in tests/integration/keychain.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSessionKeyFromEnvOrFile } from '../../main/config/session-key.ts';

const MODULE = fileURLToPath(new URL('../../main/config/session-key.ts', import.meta.url));

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-key-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function keyInNewProcess(keyFile: string): Promise<string> {
  const code = `const m = await import(${JSON.stringify(MODULE)});
    process.stdout.write((await m.loadSessionKeyFromEnvOrFile({ env: {}, keyFile: ${JSON.stringify(keyFile)} })).toString('hex'));`;
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', code], (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
}

test('GATEHOUSE_SESSION_KEY (base64 or base64url) is used as is', async () => {
  const key = randomBytes(32);
  assert.deepEqual(await loadSessionKeyFromEnvOrFile({ env: { GATEHOUSE_SESSION_KEY: key.toString('base64') } }), key);
  assert.deepEqual(await loadSessionKeyFromEnvOrFile({ env: { GATEHOUSE_SESSION_KEY: key.toString('base64url') } }), key);
});

test('a wrong GATEHOUSE_SESSION_KEY is refused without echoing it', async () => {
  for (const bad of ['c2hvcnQ=', 'not base64 at all!', randomBytes(31).toString('base64')]) {
    await assert.rejects(loadSessionKeyFromEnvOrFile({ env: { GATEHOUSE_SESSION_KEY: bad } }), (err: Error) => {
      assert.match(err.message, /GATEHOUSE_SESSION_KEY must hold 32 bytes/);
      assert.ok(!err.message.includes(bad));
      return true;
    });
  }
});

test('the environment wins over the key file', async (t) => {
  const dir = await tempDir(t);
  const key = randomBytes(32);
  const got = await loadSessionKeyFromEnvOrFile({ env: { GATEHOUSE_SESSION_KEY: key.toString('base64') }, keyFile: join(dir, 'k') });
  assert.deepEqual(got, key);
  await assert.rejects(stat(join(dir, 'k')), { code: 'ENOENT' });
});

test('no key anywhere: an error that says how to make one', async () => {
  await assert.rejects(loadSessionKeyFromEnvOrFile({ env: {} }), /GATEHOUSE_SESSION_KEY.*openssl rand -base64 32/);
});

test('a missing key file is created 0600 and the same key comes back after a restart', async (t) => {
  const file = join(await tempDir(t), 'session.key');
  const first = await loadSessionKeyFromEnvOrFile({ env: {}, keyFile: file });
  assert.equal(first.length, 32);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.equal((await readFile(file, 'utf8')).trim(), first.toString('base64'));
  assert.equal(await keyInNewProcess(file), first.toString('hex'));
});

test('edge processes starting together agree on one key', async (t) => {
  const file = join(await tempDir(t), 'session.key');
  const keys = await Promise.all(Array.from({ length: 4 }, () => keyInNewProcess(file)));
  assert.equal(new Set(keys).size, 1);
  assert.equal(keys[0], (await loadSessionKeyFromEnvOrFile({ env: {}, keyFile: file })).toString('hex'));
});

test('key files: base64 text or 32 raw bytes; anything else is refused', async (t) => {
  const dir = await tempDir(t);
  const key = randomBytes(32);
  const text = join(dir, 'text.key');
  await writeFile(text, `  ${key.toString('base64')}\n`, { mode: 0o600 });
  assert.deepEqual(await loadSessionKeyFromEnvOrFile({ env: {}, keyFile: text }), key);
  const raw = join(dir, 'raw.key');
  await writeFile(raw, key, { mode: 0o600 });
  assert.deepEqual(await loadSessionKeyFromEnvOrFile({ env: {}, keyFile: raw }), key);
  const short = join(dir, 'short.key');
  await writeFile(short, randomBytes(16).toString('base64'), { mode: 0o600 });
  await assert.rejects(loadSessionKeyFromEnvOrFile({ env: {}, keyFile: short }), /must hold 32 bytes/);
});

test('a key file others can read is refused with the fix', async (t) => {
  const file = join(await tempDir(t), 'open.key');
  await writeFile(file, randomBytes(32).toString('base64'));
  await chmod(file, 0o644);
  await assert.rejects(loadSessionKeyFromEnvOrFile({ env: {}, keyFile: file }), /mode 0644.*chmod 600/);
});
