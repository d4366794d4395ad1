// "Test connection": fetch the issuer's discovery document and say what it offers, or why not.
import { createDiscovery } from '../oidc/discovery.ts';
import { fetchTrustingCa } from '../oidc/fetch.ts';
import type { DiscoveryView, Result } from '../../preload/contract.ts';

export async function checkIssuer(issuerUrl: string, idpCa?: string | Buffer): Promise<Result<DiscoveryView>> {
  const discovery = createDiscovery(
    {
      issuerUrl,
      clientId: 'gatehouse-connection-test',
      scopes: ['openid'],
      authzUrlParams: {},
      maxSessionDurationSec: 0,
      idleSessionDurationSec: 0,
      allowCorsPreflight: false,
      tokenEndpointAuthMethod: 'none',
      groupsClaim: 'groups',
      allow: { emails: [], domains: [], groups: [] },
    },
    idpCa ? fetchTrustingCa(idpCa) : undefined,
  );
  try {
    const m = (await discovery.get()).serverMetadata();
    return {
      ok: true,
      value: {
        issuer: m.issuer,
        authorizationEndpoint: m.authorization_endpoint ?? '',
        tokenEndpoint: m.token_endpoint ?? '',
        userinfoEndpoint: m.userinfo_endpoint,
        endSessionEndpoint: m.end_session_endpoint,
        tokenEndpointAuthMethods: m.token_endpoint_auth_methods_supported ?? ['client_secret_basic'],
        scopesSupported: m.scopes_supported ?? [],
      },
    };
  } catch (err) {
    return { ok: false, error: (err as Error).message, fields: [{ field: 'issuerUrl', message: (err as Error).message }] };
  }
}
