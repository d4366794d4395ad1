// What a compiled action looks like inside the policy runner: like HttpRequestAction, plus the
// request's CEL variables for interpolation.
import type { RequestBindings } from '../bindings.ts';
import type { RequestContext, ResponseContext, SignedIn } from '../types.ts';

export interface RequestStep {
  readonly type: string;
  run(ctx: RequestContext, vars: RequestBindings): void | Promise<void>;
  admitFlat?(headers: string[]): SignedIn | null;
  close?(): void;
}

export interface ResponseStep {
  readonly type: string;
  run(ctx: RequestContext, res: ResponseContext, vars: RequestBindings): void;
}
