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
  let document: PolicyDocument = {};
  let policy: ValidatedPolicy | undefined;
  if (input.text !== undefined) {
    document = parsePolicyText(input.text, file);
    policy = validatePolicy(document, { file, text: input.text });
  }
  if (input.flags) {
    checkOidcFlags(input.flags);
    document = mergeOidcFlags(document, input.flags, input.file);
    policy = undefined; // the merged document is validated again, as a whole
  }
  return { document, policy: policy ?? validatePolicy(document, input.file ? { file } : undefined) };
}
