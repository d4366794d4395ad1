// The CEL variables of one request, built on first use and at most once per request (the
// identity part again when an openid-connect action has set ctx.identity). `req.headers` is the
// request as it arrived at the policy, like ngrok's, not as actions have since changed it.
import type { CelInput } from '@bufbuild/cel';
import type { Bindings } from './cel.ts';
import type { HeaderMap, Identity, RequestContext, ResponseContext } from './types.ts';

export class RequestBindings {
  private readonly ctx: RequestContext;
  private vars: Bindings | undefined;
  private identity: Identity | undefined;

  constructor(ctx: RequestContext) {
    this.ctx = ctx;
  }

  get(): Bindings {
    if (!this.vars) {
      this.vars = requestVars(this.ctx);
      this.identity = this.ctx.identity;
      this.vars.actions = actionVars(this.identity);
    } else if (this.identity !== this.ctx.identity) {
      this.identity = this.ctx.identity;
      this.vars.actions = actionVars(this.identity);
    }
    return this.vars;
  }

  /** The request's variables plus `res` (for on_http_response). */
  withResponse(res: ResponseContext): Bindings {
    return { ...this.get(), res: new Map<string, CelInput>([['status_code', BigInt(res.status)], ['headers', headerLists(res.headers)]]) };
  }
}

function requestVars(ctx: RequestContext): Bindings {
  const url = ctx.url;
  const userAgent = ctx.headers['user-agent'];
  return {
    req: new Map<string, CelInput>([
      ['method', ctx.method],
      ['host', url.host],
      ['user_agent', Array.isArray(userAgent) ? userAgent.join(', ') : (userAgent ?? '')],
      ['url', new Map<string, CelInput>([
        ['raw', url.href],
        ['scheme', url.protocol.slice(0, -1)],
        ['host', url.hostname],
        ['path', url.pathname],
        ['query', url.search.slice(1)],
      ])],
      ['headers', headerLists(ctx.headers)],
      ['query_params', queryLists(url.searchParams)],
    ]),
    conn: new Map<string, CelInput>([['client_ip', ctx.clientIp]]),
    endpoint: new Map<string, CelInput>([['host', ctx.tunnel.hostname], ['url', ctx.tunnel.publicUrl]]),
  };
}

/** Empty strings and no groups before any openid-connect action ran: a rule that checks the
 * email then denies, rather than erroring. */
function actionVars(identity: Identity | undefined): Map<string, CelInput> {
  const id = new Map<string, CelInput>([
    ['id', identity?.id ?? ''],
    ['email', identity?.email ?? ''],
    ['name', identity?.name ?? ''],
    ['groups', identity?.groups ?? []],
  ]);
  return new Map<string, CelInput>([['ngrok', new Map<string, CelInput>([['oidc', new Map<string, CelInput>([['identity', id]])]])]]);
}

function headerLists(headers: HeaderMap): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out.set(name.toLowerCase(), Array.isArray(value) ? value : [value]);
  }
  return out;
}

function queryLists(params: URLSearchParams): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of params) {
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
}
