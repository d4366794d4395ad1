// The CLI's SSO flags and `--traffic-policy-file`, turned into the policy document the agent
// sends to the edge. Validation happens here too, so mistakes are reported with file and line
// before anything starts.
import { readFile } from 'node:fs/promises';
import type { OidcFlags } from '../policy/index.ts';
import type { PolicyDocument } from '../policy/types.ts';
import { UsageError } from './flags.ts';

export const POLICY_FLAGS = {
  oidc: { type: 'string' },
  'oidc-client-id': { type: 'string' },
  'oidc-client-secret': { type: 'string' },
  'oidc-scope': { type: 'string', multiple: true },
  'oidc-allow-email': { type: 'string', multiple: true },
  'oidc-allow-domain': { type: 'string', multiple: true },
  'oidc-allow-group': { type: 'string', multiple: true },
  'oidc-auth-method': { type: 'string' },
  'traffic-policy-file': { type: 'string' },
} as const;

interface PolicyFlagValues {
  oidc?: string;
  'oidc-client-id'?: string;
  'oidc-client-secret'?: string;
  'oidc-scope'?: string[];
  'oidc-allow-email'?: string[];
  'oidc-allow-domain'?: string[];
  'oidc-allow-group'?: string[];
  'oidc-auth-method'?: string;
  'traffic-policy-file'?: string;
}

export async function policyFromCli(v: PolicyFlagValues): Promise<PolicyDocument | undefined> {
  const file = v['traffic-policy-file'];
  const anyOidc = Object.keys(v).some((k) => k.startsWith('oidc') && v[k as keyof PolicyFlagValues] !== undefined);
  if (!file && !anyOidc) return undefined;
  // The policy machinery (YAML, CEL) loads only when a policy is asked for.
  const { loadPolicy, PolicyError } = await import('../policy/index.ts');
  if (anyOidc && !v.oidc) throw new UsageError('--oidc-* flags need --oidc ISSUER_URL (e.g. --oidc=https://oauth.id.jumpcloud.com/)');
  let text: string | undefined;
  if (file) {
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new UsageError(`--traffic-policy-file ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    }
  }
  const flags: OidcFlags | undefined = v.oidc
    ? {
        issuer: v.oidc,
        clientId: v['oidc-client-id'] ?? '',
        clientSecret: v['oidc-client-secret'],
        scopes: v['oidc-scope'],
        allowEmails: v['oidc-allow-email'],
        allowDomains: v['oidc-allow-domain'],
        allowGroups: v['oidc-allow-group'],
        authMethod: v['oidc-auth-method'] as OidcFlags['authMethod'],
      }
    : undefined;
  try {
    return loadPolicy({ file, text, flags }).document;
  } catch (err) {
    if (err instanceof PolicyError) throw new UsageError(err.message);
    throw err;
  }
}
