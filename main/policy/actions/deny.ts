// `deny`: answer with a status (default 403) and never reach the app.
import { STATUS_CODES } from 'node:http';
import type { FieldReader } from '../fields.ts';
import type { DenyConfig } from '../model.ts';
import type { RequestStep } from './step.ts';

export function validateDeny(r: FieldReader): DenyConfig {
  const statusCode = r.int('status_code', 200, 599) ?? 403;
  r.finish('deny');
  return { statusCode };
}

export function denyStep(config: DenyConfig): RequestStep {
  const body = `${config.statusCode} ${STATUS_CODES[config.statusCode] ?? ''}\n`;
  return {
    type: 'deny',
    run(ctx) {
      ctx.reply({ status: config.statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body });
    },
  };
}
