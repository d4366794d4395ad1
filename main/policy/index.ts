// The traffic policy module: parse, validate, compile; and `--oidc*` flags as a policy.
export { parsePolicyText, sourceLocator } from './parse-text.ts';
export { validatePolicy, ACTION_PHASES } from './validate.ts';
export type { PolicySource } from './validate.ts';
export { compilePolicy } from './compile.ts';
export type { CompileDeps } from './compile.ts';
export { policyFromOidcFlags, mergeOidcFlags, checkOidcFlags, hasOpenIdConnectAction } from './oidc-flags.ts';
export type { OidcFlags } from './oidc-flags.ts';
export { loadPolicy } from './load.ts';
export type { LoadPolicyInput, LoadedPolicy } from './load.ts';
export { PolicyError, formatIssue } from './errors.ts';
export type { PolicyIssue } from './errors.ts';
export { PolicyEvalError } from './interpolate.ts';
export { parseDuration, formatDuration } from './duration.ts';
export { openIdConnectConfigs } from './inspect.ts';
export type * from './model.ts';
export type * from './types.ts';
