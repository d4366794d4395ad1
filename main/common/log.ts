// A small structured logger: term (human), json or logfmt lines, to a stream or nowhere.
// Fields named like secrets are masked, so a careless call cannot leak one.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'term' | 'json' | 'logfmt';
export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function isLogLevel(v: string): v is LogLevel {
  return Object.hasOwn(ORDER, v);
}

const SECRET_KEY = /secret|password|token|authorization|cookie|verifier|code$/i;

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  write?: ((line: string) => void) | null;
}

export function createLogger(opts: LoggerOptions = {}, base: Fields = {}): Logger {
  const min = ORDER[opts.level ?? 'info'];
  const format = opts.format ?? 'term';
  const write = opts.write === undefined ? (l: string) => process.stderr.write(l + '\n') : opts.write;
  const emit = (level: LogLevel, msg: string, fields?: Fields) => {
    if (!write || ORDER[level] < min) return;
    write(formatLine(format, level, msg, redact({ ...base, ...fields })));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (f) => createLogger(opts, { ...base, ...f }),
  };
}

/** A logger that drops everything (tests, and `--log false`). */
export const silentLogger: Logger = createLogger({ write: null });

function redact(fields: Fields): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v instanceof Error) out[k] = v.message;
    else out[k] = SECRET_KEY.test(k) && v != null && v !== '' ? '[redacted]' : v;
  }
  return out;
}

function formatLine(format: LogFormat, level: LogLevel, msg: string, fields: Fields): string {
  const t = new Date().toISOString();
  if (format === 'json') return JSON.stringify({ t, lvl: level, msg, ...fields });
  const kv = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(' ');
  if (format === 'logfmt') return `t=${t} lvl=${level} msg=${quote(msg)}${kv ? ' ' + kv : ''}`;
  return `${t.slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg}${kv ? '  ' + kv : ''}`;
}

function quote(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return /^[\w.:/@+-]*$/.test(s) && s !== '' ? s : JSON.stringify(s);
}
