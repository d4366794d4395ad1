// The 32-byte key that seals OIDC session cookies. It must outlive restarts (and, on a server,
// be shared by every edge process) or every visitor is signed out. Desktop: the OS keychain.
// Server: GATEHOUSE_SESSION_KEY (base64) or a key file only its owner can read.
import { randomBytes } from 'node:crypto';
import { link, readFile, stat, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { SecretAccounts, type SecretStore } from '../secrets/keychain.ts';
import { writeFileAtomic } from './atomic-write.ts';

export const SESSION_KEY_BYTES = 32;
export const SESSION_KEY_ENV = 'GATEHOUSE_SESSION_KEY';
const HOW_TO_MAKE = 'make one with `openssl rand -base64 32`';

/** Desktop: the key stored in the keychain, created there on first use. */
export async function loadOrCreateSessionKey(
  store: SecretStore,
  account: string = SecretAccounts.sessionKey,
): Promise<Buffer> {
  const stored = await store.get(account);
  const key = stored === null ? null : decodeKey(stored);
  if (key) return key;
  // Nothing stored, or something no cookie could have been sealed with: nothing to keep.
  const fresh = randomBytes(SESSION_KEY_BYTES);
  await store.set(account, fresh.toString('base64'));
  return fresh;
}

export interface ServerKeyOptions {
  env?: NodeJS.ProcessEnv;
  /** Key file (base64 text or 32 raw bytes). Created with mode 0600 when missing. */
  keyFile?: string;
}

/** Server: GATEHOUSE_SESSION_KEY wins; else the key file, created on first start. */
export async function loadSessionKeyFromEnvOrFile(opts: ServerKeyOptions): Promise<Buffer> {
  const fromEnv = (opts.env ?? process.env)[SESSION_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    const key = decodeKey(fromEnv);
    if (!key) throw new Error(`${SESSION_KEY_ENV} must hold ${SESSION_KEY_BYTES} bytes in base64; ${HOW_TO_MAKE}.`);
    return key;
  }
  if (!opts.keyFile) {
    throw new Error(`No session key: set ${SESSION_KEY_ENV} or give a session key file; ${HOW_TO_MAKE}.`);
  }
  return readOrCreateKeyFile(opts.keyFile);
}

async function readOrCreateKeyFile(file: string): Promise<Buffer> {
  try {
    return await readKeyFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // Full file first, then link() into place: several edge processes starting together all end
  // up with the one key that won, and none can read a half-written file.
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.new`);
  await writeFileAtomic(tmp, randomBytes(SESSION_KEY_BYTES).toString('base64') + '\n', 0o600);
  try {
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(tmp).catch(() => {});
  }
  return readKeyFile(file);
}

async function readKeyFile(file: string): Promise<Buffer> {
  const st = await stat(file);
  if (!st.isFile()) throw new Error(`Session key file ${file} is not a regular file.`);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
    throw new Error(`Session key file ${file} can be read by other users (mode ${mode}); run \`chmod 600 ${file}\`.`);
  }
  const bytes = await readFile(file);
  const key = bytes.length === SESSION_KEY_BYTES ? bytes : decodeKey(bytes.toString('utf8'));
  if (!key) throw new Error(`Session key file ${file} must hold ${SESSION_KEY_BYTES} bytes (raw or base64); ${HOW_TO_MAKE}.`);
  return key;
}

/** base64 or base64url text of exactly 32 bytes, else null. */
function decodeKey(text: string): Buffer | null {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) return null;
  const key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === SESSION_KEY_BYTES ? key : null;
}
