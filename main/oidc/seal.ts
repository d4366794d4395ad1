// Authenticated encryption of small JSON values (cookies, state, handoff tokens).
// AES-256-GCM under a per-purpose subkey (HKDF-SHA256 from the persisted session key), with the
// purpose and a binding (e.g. the tunnel host) as additional data: a value sealed for one purpose
// or host never opens for another. open() never throws: anything wrong is `null`.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export type SealPurpose = 'session' | 'handoff' | 'state' | 'logout';

const VERSION = 1;
const IV_LEN = 12;
const TAG_LEN = 16;
/** Upper bound on what open() will even try to decode (a cookie or URL never needs more). */
const MAX_TOKEN_LEN = 16_384;

export interface Sealer {
  seal(purpose: SealPurpose, binding: string, value: unknown): string;
  open(purpose: SealPurpose, binding: string, token: string | undefined | null): unknown;
}

export function createSealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new Error('OIDC session key must be 32 bytes');
  const subkeys = new Map<SealPurpose, Buffer>();
  const subkey = (purpose: SealPurpose): Buffer => {
    let k = subkeys.get(purpose);
    if (!k) {
      k = Buffer.from(hkdfSync('sha256', key, 'gatehouse-oidc', `gatehouse ${purpose} v${VERSION}`, 32));
      subkeys.set(purpose, k);
    }
    return k;
  };
  const aad = (purpose: SealPurpose, binding: string) => Buffer.from(`${purpose}\0${binding}`, 'utf8');

  return {
    seal(purpose, binding, value) {
      const iv = randomBytes(IV_LEN);
      const cipher = createCipheriv('aes-256-gcm', subkey(purpose), iv, { authTagLength: TAG_LEN });
      cipher.setAAD(aad(purpose, binding));
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(purpose, binding, token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LEN) return null;
      if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
      const raw = Buffer.from(token, 'base64url');
      if (raw.length < 1 + IV_LEN + TAG_LEN + 1 || raw[0] !== VERSION) return null;
      try {
        const iv = raw.subarray(1, 1 + IV_LEN);
        const tag = raw.subarray(raw.length - TAG_LEN);
        const decipher = createDecipheriv('aes-256-gcm', subkey(purpose), iv, { authTagLength: TAG_LEN });
        decipher.setAAD(aad(purpose, binding));
        decipher.setAuthTag(tag);
        const plain = Buffer.concat([decipher.update(raw.subarray(1 + IV_LEN, raw.length - TAG_LEN)), decipher.final()]);
        return JSON.parse(plain.toString('utf8')) as unknown;
      } catch {
        return null;
      }
    },
  };
}
