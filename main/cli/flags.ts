// Flag parsing on node:util parseArgs (strict: an unknown or misspelled flag is an error).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDuration } from '../policy/duration.ts';
import { isLogLevel, type LogLevel } from '../common/log.ts';

export class UsageError extends Error {}

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${msg}\n\n${usage}`);
  }
}

/** `--log-level`, checked: an unknown level would otherwise log everything, silently. */
export function logLevelFlag(value: string): LogLevel {
  if (!isLogLevel(value)) throw new UsageError(`--log-level must be debug, info, warn or error, not "${value}"`);
  return value;
}

/** A duration flag (`30s`, `2m`, `500ms`) in milliseconds; checked at start, not when it is used. */
export function durationFlag(value: string, flag: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined) throw new UsageError(`${flag} must be a duration like 10s or 2m, not "${value}"`);
  return seconds * 1000;
}
