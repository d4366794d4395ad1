// The settings file's schema: every non-secret setting, its default and a message a user can
// act on when it is wrong. Every object is closed, and a key that looks like a secret gets its
// own refusal: secrets live in the OS keychain (main/secrets), never in settings.json.
import { z } from 'zod';
import { parseLocalAddr } from '../agent/local-addr.ts';
import { TUNNEL_NAME } from '../common/names.ts';
import { isLoopbackName } from '../common/loopback.ts';

export const SETTINGS_VERSION = 1;
export const DEFAULT_ISSUER_URL = 'https://oauth.id.jumpcloud.com/';
export const DEFAULT_EDGE_ADDR = '127.0.0.1:8080';

const SECRET_LIKE = /secret|passw|token|credential|private.?key|session.?key|api.?key|cookie/i;

function unknownKeysMessage(keys: readonly PropertyKey[]): string {
  const secret = keys.map(String).find((k) => SECRET_LIKE.test(k));
  if (secret) return `"${secret}" looks like a secret: secrets are kept in the OS keychain, never in the settings file`;
  return `Unknown setting ${keys.map((k) => `"${String(k)}"`).join(', ')}`;
}

// A strict object whose unknown-key message says why (see fieldErrors for per-key paths).
function closed<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? unknownKeysMessage(iss.keys) : undefined),
  });
}


function tryUrl(s: string): URL | null {
  try {
    return new URL(s);
  } catch {
    return null;
  }
}

const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const IPV6 = /^\[[0-9a-f:.]+\]$/i;
const CONTROL = /[\u0000-\u001f\u007f]/; // eslint-disable-line no-control-regex

function isPort(s: string): boolean {
  return /^\d{1,5}$/.test(s) && Number(s) >= 1 && Number(s) <= 65535;
}

/** host:port with a hostname, IPv4 or [IPv6] host. */
export function isHostPort(s: string): boolean {
  const m = /^(.+):(\d{1,5})$/.exec(s);
  return !!m && isPort(m[2]!) && (HOST.test(m[1]!) || IPV6.test(m[1]!));
}

/** What `gatehouse http` accepts (the agent's own parser decides). */
function isLocalAddress(s: string): boolean {
  try {
    parseLocalAddr(s);
    return true;
  } catch {
    return false;
  }
}

const issuerUrl = z
  .string({ error: 'Issuer URL is required' })
  .trim()
  .superRefine((v, ctx) => {
    const u = tryUrl(v);
    if (!u || !u.host) {
      ctx.addIssue({ code: 'custom', message: 'Issuer URL must be an absolute URL, like https://oauth.id.jumpcloud.com/' });
    } else if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopbackName(u.hostname))) {
      ctx.addIssue({ code: 'custom', message: 'Issuer URL must use https:// (http:// is allowed only for localhost)' });
    } else if (u.username || u.password) {
      ctx.addIssue({ code: 'custom', message: 'Issuer URL must not contain a user name or password' });
    } else if (u.search || u.hash) {
      ctx.addIssue({ code: 'custom', message: 'Issuer URL must not have a query string or fragment' });
    }
  });

const clientId = z
  .string({ error: 'Client ID must be text' })
  .trim()
  .max(256, 'Client ID is too long (256 characters at most)')
  .refine((v) => !/\s/.test(v), 'Client ID must not contain spaces');

// RFC 6749 scope-token: printable ASCII without space, quote or backslash.
const scope = z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'Each scope is one word without spaces or quotes');
const scopes = z
  .array(scope, { error: 'Scopes must be a list of words' })
  .refine((v) => v.includes('openid'), 'Scopes must include "openid"')
  .refine((v) => new Set(v).size === v.length, 'Scopes must not repeat');

const email = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => {
    const at = v.indexOf('@');
    return at > 0 && at === v.lastIndexOf('@') && !/\s/.test(v) && HOST.test(v.slice(at + 1)) && v.includes('.', at);
  }, 'Not an email address (expected one "@", like ada@example.com)');

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => HOST.test(v) && v.includes('.'), 'Not a domain name (like example.com)');

const group = z
  .string()
  .trim()
  .min(1, 'A group name cannot be empty')
  .max(256, 'Group name is too long (256 characters at most)')
  .refine((v) => !CONTROL.test(v), 'Group name must not contain control characters');

const groupsClaim = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.:/-]{1,128}$/, 'Groups claim must be a claim name, like "groups" or "memberOf"');

const edgeAddr = z.string().trim().refine(isHostPort, 'Edge address must be host:port, like 127.0.0.1:8080');

const edgeUrl = z
  .string()
  .trim()
  .refine((v) => {
    const u = tryUrl(v);
    if (!u || !u.hostname || u.username || u.password || u.search || u.hash) return false;
    return u.protocol === 'wss:' || (u.protocol === 'ws:' && isLoopbackName(u.hostname));
  }, 'Edge URL must be a wss:// URL, like wss://tunnels.example.com (ws:// only for localhost)');

const caFile = z
  .string()
  .refine((v) => v.startsWith('/') || /^[A-Za-z]:[\\/]/.test(v), 'CA file must be an absolute path');

const edge = z.discriminatedUnion(
  'mode',
  [
    closed({ mode: z.literal('embedded'), addr: edgeAddr.default(DEFAULT_EDGE_ADDR) }),
    closed({ mode: z.literal('remote'), url: edgeUrl, caFile: caFile.optional() }),
  ],
  { error: 'Edge mode must be "embedded" or "remote"' },
);


const tunnel = closed({
  addr: z
    .string({ error: 'Local address is required' })
    .trim()
    .refine(isLocalAddress, 'Local address must be a port (3000), host:port (localhost:3000) or a URL (http://localhost:3000)'),
  name: z
    .string()
    .trim()
    .regex(TUNNEL_NAME, 'Name must be 1-63 lowercase letters, digits or "-", not starting or ending with "-"')
    .optional(),
  sso: z.boolean({ error: 'SSO must be on (true) or off (false)' }),
});

const tunnels = z.array(tunnel).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((t, i) => {
    if (t.name === undefined) return;
    if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `Another tunnel already uses the name "${t.name}"` });
    seen.add(t.name);
  });
});

export const settingsSchema = closed({
  version: z.literal(SETTINGS_VERSION, { error: `Settings version must be ${SETTINGS_VERSION}` }).default(SETTINGS_VERSION),
  issuerUrl: issuerUrl.default(DEFAULT_ISSUER_URL),
  clientId: clientId.default(''),
  scopes: scopes.default(['openid', 'profile', 'email']),
  tokenEndpointAuthMethod: z
    .enum(['client_secret_basic', 'client_secret_post', 'none'], {
      error: 'Client authentication must be client_secret_basic, client_secret_post or none',
    })
    .default('client_secret_basic'),
  allowEmails: z.array(email).default([]),
  allowDomains: z.array(domain).default([]),
  allowGroups: z.array(group).default([]),
  groupsClaim: groupsClaim.default('groups'),
  edge: edge.default({ mode: 'embedded', addr: DEFAULT_EDGE_ADDR }),
  tunnels: tunnels.default([]),
});

export type Settings = z.output<typeof settingsSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;

export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}

/** Field path ("issuerUrl", "tunnels.0.addr", "edge.url") → the first message for it. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out[pathKey([...issue.path, k])] ??= unknownKeysMessage([k]);
    } else {
      out[pathKey(issue.path)] ??= issue.message;
    }
  }
  return out;
}

function pathKey(path: readonly PropertyKey[]): string {
  return path.length ? path.map(String).join('.') : 'settings';
}

export type SettingsValidation = { ok: true; settings: Settings } | { ok: false; errors: Record<string, string> };

export function validateSettings(input: unknown): SettingsValidation {
  const r = settingsSchema.safeParse(input);
  return r.success ? { ok: true, settings: r.data } : { ok: false, errors: fieldErrors(r.error) };
}

/** One line per field, for errors and logs (never contains values, only names and rules). */
export function describeErrors(errors: Record<string, string>): string {
  return Object.entries(errors)
    .map(([field, msg]) => `${field}: ${msg}`)
    .join('; ');
}
