// Strict validation of a policy document (ngrok's shape) into a ValidatedPolicy. Every problem
// is collected; the PolicyError names file, line (when the text is known) and field path.
// The edge runs this again on the document the agent sends, without the text.
import { compileExpression } from './cel.ts';
import type { CompiledExpression, Phase } from './cel.ts';
import { IssueList } from './errors.ts';
import type { FieldPath } from './errors.ts';
import { FieldReader } from './fields.ts';
import type { ActionType, ValidatedAction, ValidatedPolicy, ValidatedRule } from './model.ts';
import { sourceLocator } from './parse-text.ts';
import { suggest } from './suggest.ts';
import { validateCustomResponse } from './actions/custom-response.ts';
import { validateDeny } from './actions/deny.ts';
import { validateAddHeaders, validateRemoveHeaders } from './actions/headers.ts';
import { validateOpenIdConnect } from './actions/openid-connect.ts';
import { validateRedirect } from './actions/redirect.ts';
import { validateRestrictIps } from './actions/restrict-ips.ts';

export interface PolicySource {
  file: string;
  /** The file's text, to put line numbers in messages. */
  text?: string;
}

const REQ: Phase = 'on_http_request';
const RES: Phase = 'on_http_response';
const PHASES: readonly Phase[] = [REQ, RES];

/** Where each action may run. */
export const ACTION_PHASES: Readonly<Record<ActionType, readonly Phase[]>> = {
  'openid-connect': [REQ],
  deny: [REQ],
  'custom-response': [REQ],
  redirect: [REQ],
  'restrict-ips': [REQ],
  'add-headers': [REQ, RES],
  'remove-headers': [REQ, RES],
};
const ACTION_TYPES = Object.keys(ACTION_PHASES) as ActionType[];

/** ngrok actions Gatehouse recognises but does not implement. */
const NGROK_ONLY = new Set([
  'url-rewrite', 'rate-limit', 'basic-auth', 'oauth', 'jwt-validation', 'compress-response', 'log',
  'forward-internal', 'close-connection', 'circuit-breaker', 'set-vars', 'verify-webhook', 'http-request',
  'owasp-crs-request', 'owasp-crs-response', 'saml', 'terminate-tls', 'request-body-find-replace',
  'response-body-find-replace', 'sse-find-replace', 'ai-gateway',
]);

export function validatePolicy(doc: unknown, source?: PolicySource): ValidatedPolicy {
  const locate = source?.text !== undefined ? sourceLocator(source.text) : undefined;
  const issues = new IssueList(source?.file, locate);
  const policy: ValidatedPolicy = { onHttpRequest: [], onHttpResponse: [] };
  const top = FieldReader.optional(doc, [], issues, 'a map with on_http_request and/or on_http_response');
  if (top) {
    for (const phase of PHASES) {
      const rules = top.raw(phase);
      if (rules === undefined) continue;
      if (!Array.isArray(rules)) {
        top.fail(phase, 'must be a list of rules');
        continue;
      }
      const out = phase === REQ ? policy.onHttpRequest : policy.onHttpResponse;
      rules.forEach((rule, i) => {
        const validated = validateRule(rule, [phase, i], phase, issues);
        if (validated) out.push(validated);
      });
    }
    top.finish('a policy', {
      inbound: "is ngrok's old name for on_http_request",
      outbound: "is ngrok's old name for on_http_response",
      on_tcp_connect: 'is not supported: Gatehouse tunnels are HTTP (use on_http_request)',
    });
  }
  issues.throwIfAny();
  return policy;
}

function validateRule(value: unknown, path: FieldPath, phase: Phase, issues: IssueList): ValidatedRule | undefined {
  const r = FieldReader.of(value, path, issues, 'a rule: a map with actions, and optionally name and expressions');
  if (!r) return undefined;
  const name = r.string('name');
  const expressions: CompiledExpression[] = [];
  (r.stringList('expressions', { what: 'CEL expressions' }) ?? []).forEach((source, i) => {
    const compiled = compileExpression(source, phase);
    if ('ok' in compiled) expressions.push(compiled.ok);
    else issues.add([...path, 'expressions', i], compiled.error);
  });
  const actions: ValidatedAction[] = [];
  const list = r.raw('actions');
  if (list === undefined) r.fail('actions', 'is required (a rule needs at least one action)');
  else if (!Array.isArray(list)) r.fail('actions', 'must be a list of actions');
  else if (list.length === 0) r.fail('actions', 'must list at least one action');
  else {
    list.forEach((item, i) => {
      const action = validateAction(item, [...path, 'actions', i], phase, issues);
      if (action) actions.push(action);
    });
  }
  r.finish('a rule');
  return { ...(name !== undefined ? { name } : {}), expressions, actions };
}

function validateAction(value: unknown, path: FieldPath, phase: Phase, issues: IssueList): ValidatedAction | undefined {
  const r = FieldReader.of(value, path, issues, 'an action: a map with type and config');
  if (!r) return undefined;
  const type = r.string('type', { required: true });
  const rawConfig = r.raw('config');
  r.finish('an action');
  if (type === undefined) return undefined;
  if (!isActionType(type)) {
    if (NGROK_ONLY.has(type)) return r.fail('type', `'${type}' is an ngrok action that Gatehouse does not support (supported: ${ACTION_TYPES.join(', ')})`);
    const best = suggest(type, ACTION_TYPES);
    return r.fail('type', `'${type}' is not a known action type${best ? ` (did you mean '${best}'?)` : ` (supported: ${ACTION_TYPES.join(', ')})`}`);
  }
  const phases = ACTION_PHASES[type];
  if (!phases.includes(phase)) return r.fail('type', `'${type}' cannot run in ${phase} (only in ${phases.join(', ')})`);
  const c = FieldReader.optional(rawConfig, r.at('config'), issues, 'a map of the action\'s settings');
  if (!c) return undefined;
  const before = issues.items.length;
  const action = configFor(type, c, phase);
  return action && issues.items.length === before ? action : undefined;
}

function configFor(type: ActionType, c: FieldReader, phase: Phase): ValidatedAction | undefined {
  switch (type) {
    case 'openid-connect': {
      const config = validateOpenIdConnect(c);
      return config && { type, config };
    }
    case 'deny':
      return { type, config: validateDeny(c) };
    case 'custom-response': {
      const config = validateCustomResponse(c, phase);
      return config && { type, config };
    }
    case 'add-headers': {
      const config = validateAddHeaders(c, phase);
      return config && { type, config };
    }
    case 'remove-headers': {
      const config = validateRemoveHeaders(c, phase);
      return config && { type, config };
    }
    case 'redirect': {
      const config = validateRedirect(c, phase);
      return config && { type, config };
    }
    case 'restrict-ips': {
      const config = validateRestrictIps(c);
      return config && { type, config };
    }
  }
}

function isActionType(type: string): type is ActionType {
  return Object.hasOwn(ACTION_PHASES, type);
}
