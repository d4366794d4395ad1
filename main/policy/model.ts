// The policy after validation: typed configs with every expression and template compiled.
// validatePolicy() produces it; compilePolicy() turns it into the per-tunnel HttpPolicy.
import type { CompiledExpression, Phase } from './cel.ts';
import type { Cidr } from './cidr.ts';
import type { Template } from './interpolate.ts';
import type { OpenIdConnectConfig } from './types.ts';

export type { Phase };

export interface DenyConfig {
  statusCode: number;
}

export interface CustomResponseConfig {
  statusCode: number;
  body: Template;
  headers: HeaderTemplate[];
  /** From the headers, or inferred from the body's literal text when absent. */
  contentType: string;
  /** True for an HTML body: interpolated values are HTML-escaped. */
  escapeHtml: boolean;
}

/** A header name (lower case) and its value template. */
export type HeaderTemplate = readonly [name: string, value: Template];

export interface AddHeadersConfig {
  headers: HeaderTemplate[];
}

export interface RemoveHeadersConfig {
  /** Lower-case names. */
  headers: string[];
}

export interface RedirectConfig {
  /** Matched against the whole URL; absent means `to` is the whole target. */
  from?: RegExp;
  to: Template;
  statusCode: number;
  headers: HeaderTemplate[];
}

export interface RestrictIpsConfig {
  allow: Cidr[];
  deny: Cidr[];
  enforce: boolean;
}

export type ValidatedAction =
  | { type: 'openid-connect'; config: OpenIdConnectConfig }
  | { type: 'deny'; config: DenyConfig }
  | { type: 'custom-response'; config: CustomResponseConfig }
  | { type: 'add-headers'; config: AddHeadersConfig }
  | { type: 'remove-headers'; config: RemoveHeadersConfig }
  | { type: 'redirect'; config: RedirectConfig }
  | { type: 'restrict-ips'; config: RestrictIpsConfig };

export type ActionType = ValidatedAction['type'];

export interface ValidatedRule {
  name?: string;
  /** All must be true for the actions to run; none means always. */
  expressions: CompiledExpression[];
  actions: ValidatedAction[];
}

export interface ValidatedPolicy {
  onHttpRequest: ValidatedRule[];
  onHttpResponse: ValidatedRule[];
}
