// The Logger interface over pino, for the standalone edge: JSON lines that log pipelines parse.
import pino from 'pino';
import type { Logger, LogLevel } from './log.ts';

const REDACT = ['authorization', 'cookie', 'token', 'secret', 'password', 'client_secret', '*.authorization', '*.cookie', '*.token', '*.secret'];

export function createPinoLogger(level: LogLevel, dest: NodeJS.WritableStream = process.stdout): Logger {
  return wrap(pino({ level, base: { svc: 'gatehouse-edge' }, redact: { paths: REDACT, censor: '[redacted]' } }, dest as pino.DestinationStream));
}

function wrap(p: pino.Logger): Logger {
  const fix = (f?: Record<string, unknown>) => {
    if (!f) return {};
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(f)) out[k] = v instanceof Error ? v.message : v;
    return out;
  };
  return {
    debug: (m, f) => p.debug(fix(f), m),
    info: (m, f) => p.info(fix(f), m),
    warn: (m, f) => p.warn(fix(f), m),
    error: (m, f) => p.error(fix(f), m),
    child: (f) => wrap(p.child(fix(f))),
  };
}
