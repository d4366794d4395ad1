// Public surface of main/oidc: the edge creates one service and asks it for per-tunnel actions.
export { createOidcService } from './service.ts';
export type { OidcService, OidcServiceOptions } from './service.ts';
export type { OidcAction } from './action.ts';
