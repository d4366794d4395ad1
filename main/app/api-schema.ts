// Argument schemas for every call of the renderer contract, checked at the boundary before the
// service sees them (the renderer is untrusted input, whether over IPC or HTTP).
import { z } from 'zod';
import type { ApiMethod } from '../../preload/contract.ts';

const text = (max: number) => z.string().max(max);
const list = z.array(text(320)).max(200);
const edge = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('embedded'), addr: text(100) }),
  z.strictObject({ kind: z.literal('remote'), url: text(2048) }),
]);

const settingsInput = z.strictObject({
  issuerUrl: text(2048),
  clientId: text(256),
  scopes: list.optional(),
  tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post', 'none']).optional(),
  groupsClaim: text(128).optional(),
  allowEmails: list.optional(),
  allowDomains: list.optional(),
  allowGroups: list.optional(),
  edge: edge.optional(),
  clientSecret: text(4096).nullable().optional(),
  authtoken: text(4096).nullable().optional(),
});

const tunnelInput = z.strictObject({ addr: text(300), name: text(63).optional(), sso: z.boolean() });
const id = text(64);

export const API_ARGS = {
  getInfo: z.tuple([]),
  getSettings: z.tuple([]),
  saveSettings: z.tuple([settingsInput]),
  testConnection: z.tuple([text(2048)]),
  listTunnels: z.tuple([]),
  addTunnel: z.tuple([tunnelInput]),
  removeTunnel: z.tuple([id]),
  startTunnel: z.tuple([id]),
  stopTunnel: z.tuple([id]),
  listRequests: z.tuple([id.optional()]),
  clearRequests: z.tuple([id.optional()]),
  copyText: z.tuple([text(8192)]),
  openExternal: z.tuple([text(2048)]),
} satisfies Record<ApiMethod, z.ZodType>;

export class BadArgumentsError extends Error {}

/** Validated arguments for a call, or BadArgumentsError naming the method and the problem. */
export function checkArgs(method: ApiMethod, args: unknown): unknown[] {
  const schema = API_ARGS[method];
  // Optional trailing arguments may be left out by the caller.
  const r = schema.safeParse(Array.isArray(args) ? args : []);
  if (!r.success) throw new BadArgumentsError(`${method}: invalid arguments (${r.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; ')})`);
  return r.data as unknown[];
}
