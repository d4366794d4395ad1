// `add-headers` and `remove-headers`, on requests (ctx.headers, what the app receives) and on
// responses (what the visitor receives). Names are lower case; add appends, as ngrok does.
import type { Bindings, Phase } from '../cel.ts';
import type { FieldReader } from '../fields.ts';
import type { AddHeadersConfig, RemoveHeadersConfig } from '../model.ts';
import type { HeaderMap } from '../types.ts';
import { appendHeader, headerName, headerSafe, readHeaderTemplates } from './common.ts';
import type { RequestStep, ResponseStep } from './step.ts';

export function validateAddHeaders(r: FieldReader, phase: Phase): AddHeadersConfig | undefined {
  const headers = readHeaderTemplates(r, 'headers', phase, { required: true });
  r.finish('add-headers');
  return headers ? { headers } : undefined;
}

export function validateRemoveHeaders(r: FieldReader, phase: Phase): RemoveHeadersConfig | undefined {
  const names = r.stringList('headers', { required: true, what: 'header names' });
  r.finish('remove-headers');
  if (!names) return undefined;
  const headers: string[] = [];
  names.forEach((name, i) => {
    const lower = headerName(r, 'headers', name, i);
    if (lower === 'host' && phase === 'on_http_request') r.issues.add([...r.at('headers'), i], "cannot be 'host'");
    else if (lower !== undefined) headers.push(lower);
  });
  return headers.length === names.length ? { headers } : undefined;
}

/** Whether any value interpolates variables: known when the policy is compiled, not per request. */
const isDynamic = (config: AddHeadersConfig) => config.headers.some(([, t]) => !t.isStatic);

function addAll(config: AddHeadersConfig, target: HeaderMap, v: Bindings): void {
  for (const [name, value] of config.headers) appendHeader(target, name, headerSafe(value.render(v)));
}

export function addHeadersRequestStep(config: AddHeadersConfig): RequestStep {
  const dynamic = isDynamic(config);
  return { type: 'add-headers', run: (ctx, vars) => addAll(config, ctx.headers, dynamic ? vars.get() : {}) };
}

export function addHeadersResponseStep(config: AddHeadersConfig): ResponseStep {
  const dynamic = isDynamic(config);
  return { type: 'add-headers', run: (_ctx, res, vars) => addAll(config, res.headers, dynamic ? vars.withResponse(res) : {}) };
}

export function removeHeadersRequestStep(config: RemoveHeadersConfig): RequestStep {
  return {
    type: 'remove-headers',
    run(ctx) {
      for (const name of config.headers) delete ctx.headers[name];
    },
  };
}

export function removeHeadersResponseStep(config: RemoveHeadersConfig): ResponseStep {
  return {
    type: 'remove-headers',
    run(_ctx, res) {
      // The app's header names may come in any case.
      for (const key of Object.keys(res.headers)) {
        if (config.headers.includes(key.toLowerCase())) delete res.headers[key];
      }
    },
  };
}
