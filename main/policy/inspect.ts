// Questions other parts ask of a validated policy (the CLI prints the Redirect URI and checks
// each issuer at start when there is an openid-connect action).
import type { ValidatedPolicy } from './model.ts';
import type { OpenIdConnectConfig } from './types.ts';

export function openIdConnectConfigs(policy: ValidatedPolicy): OpenIdConnectConfig[] {
  const out: OpenIdConnectConfig[] = [];
  for (const rule of policy.onHttpRequest) {
    for (const action of rule.actions) if (action.type === 'openid-connect') out.push(action.config);
  }
  return out;
}
