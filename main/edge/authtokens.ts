// The standalone edge's authtokens: a file with one token per line, or YAML with a name, the
// hostnames a token may use and how many tunnels it may hold. Kept in memory only as SHA-256
// digests, compared in constant time; reloaded on SIGHUP (a broken file keeps the old set).
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import YAML from 'yaml';
import type { AgentGrant } from './agents.ts';

interface Entry {
  digest: Buffer;
  grant: AgentGrant;
}

export interface TokenSet {
  readonly size: number;
  authorize(token: string | undefined): AgentGrant | null;
}

const digest = (t: string) => createHash('sha256').update(t, 'utf8').digest();

export function parseTokens(text: string, file: string): TokenSet {
  const entries: Entry[] = [];
  const trimmed = text.trim();
  const add = (token: unknown, grant: AgentGrant, where: string) => {
    if (typeof token !== 'string' || token.length < 16) throw new Error(`${file} ${where}: a token must be a string of at least 16 characters`);
    entries.push({ digest: digest(token), grant });
  };
  if (trimmed.startsWith('-') || trimmed.startsWith('tokens:') || trimmed.startsWith('[')) {
    const doc = YAML.parse(text) as unknown;
    const list = Array.isArray(doc) ? doc : (doc as { tokens?: unknown })?.tokens;
    if (!Array.isArray(list)) throw new Error(`${file}: expected a list of tokens (or "tokens:" with a list)`);
    list.forEach((item: unknown, i) => {
      const where = `entry ${i + 1}`;
      if (typeof item === 'string') return add(item, { label: `token ${i + 1}` }, where);
      const o = item as { token?: unknown; name?: unknown; hostnames?: unknown; max_tunnels?: unknown };
      const unknown = Object.keys(o ?? {}).filter((k) => !['token', 'name', 'hostnames', 'max_tunnels'].includes(k));
      if (unknown.length) throw new Error(`${file} ${where}: unknown field ${unknown.join(', ')} (token, name, hostnames, max_tunnels)`);
      if (o.hostnames !== undefined && !(Array.isArray(o.hostnames) && o.hostnames.every((h) => typeof h === 'string'))) {
        throw new Error(`${file} ${where}: hostnames must be a list of names`);
      }
      if (o.max_tunnels !== undefined && !(Number.isInteger(o.max_tunnels) && (o.max_tunnels as number) >= 0)) {
        throw new Error(`${file} ${where}: max_tunnels must be a whole number`);
      }
      add(o.token, {
        label: typeof o.name === 'string' ? o.name : `token ${i + 1}`,
        allowedNames: o.hostnames as string[] | undefined,
        maxTunnels: o.max_tunnels as number | undefined,
      }, where);
    });
  } else {
    text.split('\n').forEach((line, i) => {
      const t = line.trim();
      if (t && !t.startsWith('#')) add(t, { label: `line ${i + 1}` }, `line ${i + 1}`);
    });
  }
  return {
    size: entries.length,
    authorize(token) {
      if (!token) return null;
      const d = digest(token);
      let found: AgentGrant | null = null;
      // Compare with every entry, so timing says nothing about which one matched.
      for (const e of entries) if (timingSafeEqual(e.digest, d)) found ??= e.grant;
      return found;
    },
  };
}

export async function loadTokens(file: string): Promise<TokenSet> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`authtokens file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const set = parseTokens(text, file);
  if (set.size === 0) throw new Error(`authtokens file ${file} has no tokens`);
  return set;
}
