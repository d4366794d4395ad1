// What the CLI and the app do with `--traffic-policy-file` and `--oidc*` flags: read, validate
// with line numbers, check the flags, merge, and hand back the document the agent sends to the
// edge together with its validated form.
import { checkOidcFlags, mergeOidcFlags } from './oidc-flags.ts';
import type { OidcFlags } from './oidc-flags.ts';
import type { ValidatedPolicy } from './model.ts';
import { parsePolicyText } from './parse-text.ts';
import type { PolicyDocument } from './types.ts';
import { validatePolicy } from './validate.ts';

export interface LoadPolicyInput {
  /** The policy file's name (for messages) and text, when `--traffic-policy-file` is given. */
  file?: string;
  text?: string;
  flags?: OidcFlags;
}

export interface LoadedPolicy {
  document: PolicyDocument;
  policy: ValidatedPolicy;
}

/** Throws PolicyError with every problem found. */
export function loadPolicy(input: LoadPolicyInput): LoadedPolicy {
  const file = input.file ?? 'policy';
  const text = input.text;
  const document = text === undefined ? {} : parsePolicyText(text, file);
  if (!input.flags) return { document, policy: validatePolicy(document, text === undefined ? undefined : { file, text }) };
  // The file alone first, so its errors carry its line numbers; then the merged whole.
  if (text !== undefined) validatePolicy(document, { file, text });
  checkOidcFlags(input.flags);
  const merged = mergeOidcFlags(document, input.flags, input.file);
  return { document: merged, policy: validatePolicy(merged, input.file ? { file } : undefined) };
}
