// ValidatedPolicy → HttpPolicy. Rules run in order; a rule's actions run when all its
// expressions are true; the first reply ends the request phase. An expression or interpolation
// that fails at request time refuses the request (500) instead of skipping the rule, so a
// policy's deny rule cannot be bypassed by making its expression error.
import type { Logger } from '../common/log.ts';
import { RequestBindings } from './bindings.ts';
import { isCelError } from './cel.ts';
import { PolicyEvalError } from './interpolate.ts';
import type { ValidatedAction, ValidatedPolicy, ValidatedRule } from './model.ts';
import type { HttpPolicy, HttpRequestAction, OpenIdConnectConfig, RequestContext } from './types.ts';
import { customResponseStep } from './actions/custom-response.ts';
import { denyStep } from './actions/deny.ts';
import { addHeadersRequestStep, addHeadersResponseStep, removeHeadersRequestStep, removeHeadersResponseStep } from './actions/headers.ts';
import { redirectStep } from './actions/redirect.ts';
import { restrictIpsStep } from './actions/restrict-ips.ts';
import type { RequestStep, ResponseStep } from './actions/step.ts';

export interface CompileDeps {
  /** Builds the openid-connect action (main/oidc/). Called once per action, at compile time. */
  createOidcAction(config: OpenIdConnectConfig): HttpRequestAction;
  /** Where request-time policy failures are reported. */
  log?: Logger;
}

export function compilePolicy(policy: ValidatedPolicy, deps: CompileDeps): HttpPolicy {
  const requestRules = policy.onHttpRequest.map((rule) => ({ rule, steps: rule.actions.map((a) => requestStep(a, deps)) }));
  const responseRules = policy.onHttpResponse.map((rule) => ({ rule, steps: rule.actions.map(responseStep) }));
  // Response rules see the same request variables as the request phase did.
  const bindings = new WeakMap<RequestContext, RequestBindings>();
  const bindingsFor = (ctx: RequestContext) => {
    let b = bindings.get(ctx);
    if (!b) {
      b = new RequestBindings(ctx);
      if (responseRules.length) bindings.set(ctx, b);
    }
    return b;
  };

  const failed = (ctx: RequestContext, e: unknown): void => {
    if (!(e instanceof PolicyEvalError)) throw e;
    deps.log?.warn('traffic policy failed; request refused', { tunnel: ctx.tunnel.name, error: e.message });
    if (!ctx.replied) ctx.reply({ status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Traffic policy error\n' });
  };
  // Synchronous until an action returns a promise; the rest of the rules then run after it.
  // A signed-in request (session cookie, no IdP call) so never leaves the current tick.
  const runFrom = (ctx: RequestContext, vars: RequestBindings, ri: number, si: number): Promise<void> | void => {
    try {
      for (; ri < requestRules.length; ri++, si = 0) {
        const { rule, steps } = requestRules[ri]!;
        if (si === 0 && !matches(rule, vars)) continue;
        for (; si < steps.length; si++) {
          const pending = steps[si]!.run(ctx, vars);
          if (pending) {
            const next = si + 1;
            return pending.then(() => (ctx.replied ? undefined : runFrom(ctx, vars, ri, next))).catch((e: unknown) => failed(ctx, e));
          }
          if (ctx.replied) return;
        }
      }
    } catch (e) {
      failed(ctx, e);
    }
  };

  // One unconditional action, nothing after it: its own shortcut decides a signed-in request.
  const only = requestRules.length === 1 && !requestRules[0]!.rule.expressions.length && requestRules[0]!.steps.length === 1 ? requestRules[0]!.steps[0]! : null;
  const shortcut = only?.admitFlat && !responseRules.length ? only.admitFlat : undefined;

  return {
    hasResponseRules: responseRules.length > 0,
    onRequest: (ctx) => runFrom(ctx, bindingsFor(ctx), 0, 0),
    ...(shortcut ? { admitSignedIn: shortcut } : {}),

    onResponse(ctx, res) {
      if (!responseRules.length) return;
      const vars = bindingsFor(ctx);
      let withRes: ReturnType<RequestBindings['withResponse']> | undefined;
      const source = { get: () => (withRes ??= vars.withResponse(res)) };
      for (const { rule, steps } of responseRules) {
        try {
          if (!matches(rule, source)) continue;
          for (const step of steps) step.run(ctx, res, vars);
        } catch (e) {
          if (!(e instanceof PolicyEvalError)) throw e;
          // The app's response is already on its way; skip this rule and say why.
          deps.log?.warn('traffic policy response rule failed; rule skipped', { tunnel: ctx.tunnel.name, rule: rule.name, error: e.message });
        }
      }
    },

    close() {
      for (const { steps } of requestRules) for (const step of steps) step.close?.();
    },
  };
}

/** `vars` is asked for the variables only when the rule has expressions (building them costs). */
function matches(rule: ValidatedRule, vars: { get(): ReturnType<RequestBindings['get']> }): boolean {
  if (!rule.expressions.length) return true;
  const v = vars.get();
  for (const expr of rule.expressions) {
    const result = expr.evaluate(v);
    if (result === true) continue;
    if (result === false) return false;
    throw new PolicyEvalError(expr.source, isCelError(result) ? result.message : 'did not evaluate to true or false');
  }
  return true;
}

function requestStep(action: ValidatedAction, deps: CompileDeps): RequestStep {
  switch (action.type) {
    case 'openid-connect':
      return deps.createOidcAction(action.config);
    case 'deny':
      return denyStep(action.config);
    case 'custom-response':
      return customResponseStep(action.config);
    case 'add-headers':
      return addHeadersRequestStep(action.config);
    case 'remove-headers':
      return removeHeadersRequestStep(action.config);
    case 'redirect':
      return redirectStep(action.config);
    case 'restrict-ips':
      return restrictIpsStep(action.config);
  }
}

function responseStep(action: ValidatedAction): ResponseStep {
  switch (action.type) {
    case 'add-headers':
      return addHeadersResponseStep(action.config);
    case 'remove-headers':
      return removeHeadersResponseStep(action.config);
    default:
      // validatePolicy admits only header actions in on_http_response.
      throw new Error(`${action.type} cannot run in on_http_response`);
  }
}
