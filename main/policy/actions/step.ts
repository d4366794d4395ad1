// What a compiled action looks like inside the policy runner: like HttpRequestAction, plus the
// request's CEL variables for interpolation.
import type { RequestBindings } from '../bindings.ts';
import type { RequestContext, ResponseContext } from '../types.ts';

export interface RequestStep {
  readonly type: string;
  run(ctx: RequestContext, vars: RequestBindings): void | Promise<void>;
  close?(): void;
}

export interface ResponseStep {
  readonly type: string;
  run(ctx: RequestContext, res: ResponseContext, vars: RequestBindings): void;
}
