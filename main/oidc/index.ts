// Public surface of main/oidc: the edge creates one service and asks it for per-tunnel actions.
export { createOidcService, CALLBACK_PATH, SIGNED_OUT_PATH } from './service.ts';
export type { OidcService, OidcServiceOptions } from './service.ts';
export type { OidcAction } from './action.ts';
export { IssuerError } from './discovery.ts';
export { RESERVED_PREFIX, isReservedPath } from './paths.ts';
export { IDENTITY_HEADERS, stripIdentityHeaders } from './identity.ts';
export { safeReturnPath } from './redirect-path.ts';
