// `custom-response`: answer with a fixed (or interpolated) status, headers and body.
// `content` is the name ngrok's older policies used for `body`.
import type { Phase } from '../cel.ts';
import type { FieldReader } from '../fields.ts';
import { compileTemplate } from '../interpolate.ts';
import type { CustomResponseConfig } from '../model.ts';
import type { HeaderMap } from '../types.ts';
import { headerSafe, readHeaderTemplates, readTemplate } from './common.ts';
import type { RequestStep } from './step.ts';
import { escapeHtml } from '../../common/html.ts';

export function validateCustomResponse(r: FieldReader, phase: Phase): CustomResponseConfig | undefined {
  const statusCode = r.int('status_code', 200, 599) ?? 200;
  const hasBody = r.has('body');
  const hasContent = r.has('content');
  if (hasBody && hasContent) r.fail('content', 'cannot be used together with body (content is the old name of body)');
  const body = readTemplate(r, hasContent && !hasBody ? 'content' : 'body', phase) ?? emptyTemplate(phase);
  const headers = readHeaderTemplates(r, 'headers', phase) ?? [];
  r.finish('custom-response');
  const declared = headers.find(([name]) => name === 'content-type');
  if (declared && !declared[1].isStatic) r.fail('headers', 'content-type cannot be interpolated');
  const contentType = declared ? declared[1].source : inferContentType(body.source);
  return { statusCode, body, headers: headers.filter(([name]) => name !== 'content-type'), contentType, escapeHtml: /html/i.test(contentType) };
}

function emptyTemplate(phase: Phase) {
  const t = compileTemplate('', phase);
  if ('error' in t) throw new Error(t.error);
  return t.ok;
}

// Decided from the literal text at load time, so an interpolated value cannot turn a plain
// text answer into HTML.
function inferContentType(body: string): string {
  const start = body.trimStart();
  if (start.startsWith('<')) return 'text/html; charset=utf-8';
  if (start.startsWith('{') || start.startsWith('[')) return 'application/json';
  return 'text/plain; charset=utf-8';
}


export function customResponseStep(config: CustomResponseConfig): RequestStep {
  const needVars = !config.body.isStatic || config.headers.some(([, t]) => !t.isStatic);
  return {
    type: 'custom-response',
    run(ctx, vars) {
      const v = needVars ? vars.get() : {};
      const headers: HeaderMap = { 'content-type': config.contentType };
      for (const [name, value] of config.headers) headers[name] = headerSafe(value.render(v));
      const body = config.body.render(v, config.escapeHtml ? escapeHtml : undefined);
      ctx.reply({ status: config.statusCode, headers, body });
    },
  };
}
