// A real RequestContext for policy tests: a plain object that records replies.
import type { HeaderMap, Identity, Reply, RequestContext, ResponseContext } from '../../main/policy/types.ts';

export interface TestContext extends RequestContext {
  replies: Reply[];
}

export interface TestRequest {
  method?: string;
  url?: string;
  headers?: HeaderMap;
  clientIp?: string;
  identity?: Identity;
}

export function makeCtx(req: TestRequest = {}): TestContext {
  const url = new URL(req.url ?? 'http://app.localhost:8080/');
  let replied = false;
  const ctx: TestContext = {
    method: req.method ?? 'GET',
    target: url.pathname + url.search,
    url,
    headers: { host: url.host, ...req.headers },
    clientIp: req.clientIp ?? '127.0.0.1',
    isUpgrade: false,
    tunnel: { name: 'app', hostname: url.host, publicUrl: url.origin },
    responseHeaders: {},
    replies: [],
    reply(r: Reply) {
      if (replied) throw new Error('replied twice');
      replied = true;
      ctx.replies.push(r);
    },
    get replied() {
      return replied;
    },
  };
  if (req.identity) ctx.identity = req.identity;
  return ctx;
}

export function makeRes(status = 200, headers: HeaderMap = {}): ResponseContext {
  return { status, headers: { ...headers } };
}
