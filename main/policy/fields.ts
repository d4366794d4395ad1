// Typed, strict reading of one map in the policy: each read marks its key as known, and
// finish() reports every key nobody read, with a "did you mean" for near misses. A null value
// (YAML `key:` with nothing after it) counts as absent.
import type { FieldPath, IssueList } from './errors.ts';
import { parseDuration } from './duration.ts';
import { suggest } from './suggest.ts';

export class FieldReader {
  readonly path: FieldPath;
  readonly issues: IssueList;
  private readonly obj: Record<string, unknown>;
  private readonly known = new Set<string>();

  private constructor(obj: Record<string, unknown>, path: FieldPath, issues: IssueList) {
    this.obj = obj;
    this.path = path;
    this.issues = issues;
  }

  /** A reader over `value` if it is a map; reports an issue and returns undefined otherwise. */
  static of(value: unknown, path: FieldPath, issues: IssueList, what = 'a map'): FieldReader | undefined {
    if (isPlainObject(value)) return new FieldReader(value, path, issues);
    issues.add(path, `must be ${what}`);
    return undefined;
  }

  /** Like of(), but a missing (undefined/null) value reads as an empty map. */
  static optional(value: unknown, path: FieldPath, issues: IssueList, what = 'a map'): FieldReader | undefined {
    return value === undefined || value === null ? new FieldReader({}, path, issues) : FieldReader.of(value, path, issues, what);
  }

  at(key: string): FieldPath {
    return [...this.path, key];
  }

  fail(key: string, message: string): undefined {
    this.issues.add(this.at(key), message);
    return undefined;
  }

  raw(key: string): unknown {
    this.known.add(key);
    const v = Object.hasOwn(this.obj, key) ? this.obj[key] : undefined;
    return v === null ? undefined : v;
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  string(key: string, opts: { required?: boolean } = {}): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return opts.required ? this.fail(key, 'is required') : undefined;
    if (typeof v !== 'string') return this.fail(key, `must be a string${typeof v === 'number' || typeof v === 'boolean' ? ' (put it in quotes)' : ''}`);
    if (opts.required && v.trim() === '') return this.fail(key, 'must not be empty');
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') return this.fail(key, 'must be true or false');
    return v;
  }

  int(key: string, min: number, max: number): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      return this.fail(key, `must be an integer from ${min} to ${max}`);
    }
    return v;
  }

  /** Bad items are reported and left out (see stringMap). */
  stringList(key: string, opts: { required?: boolean; what?: string } = {}): string[] | undefined {
    const v = this.raw(key);
    if (v === undefined) return opts.required ? this.fail(key, 'is required') : undefined;
    if (!Array.isArray(v)) return this.fail(key, `must be a list of ${opts.what ?? 'strings'}`);
    if (opts.required && v.length === 0) return this.fail(key, 'must not be empty');
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item === 'string' && item.trim() !== '') out.push(item.trim());
      else this.issues.add([...this.at(key), i], 'must be a non-empty string');
    });
    return out;
  }

  /** A map of string to string, as ordered entries. Bad items are reported and left out, so
   * callers check the issue count (validateAction does) rather than the result alone. */
  stringMap(key: string, opts: { required?: boolean; what?: string } = {}): [string, string][] | undefined {
    const v = this.raw(key);
    if (v === undefined) return opts.required ? this.fail(key, 'is required') : undefined;
    if (!isPlainObject(v)) return this.fail(key, `must be a map of ${opts.what ?? 'names to strings'}`);
    const all = Object.entries(v);
    if (opts.required && all.length === 0) return this.fail(key, 'must not be empty');
    const out: [string, string][] = [];
    for (const [k, item] of all) {
      if (typeof item === 'string') out.push([k, item]);
      else this.issues.add([...this.at(key), k], `must be a string${typeof item === 'number' || typeof item === 'boolean' ? ' (put it in quotes)' : ''}`);
    }
    return out;
  }

  /** Seconds; accepts "90s", "15m", "24h", "1h30m", "7d" or a number of seconds. */
  duration(key: string, minSeconds = 1): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    const seconds = parseDuration(v);
    if (seconds === undefined) return this.fail(key, 'must be a duration such as "90s", "15m", "24h", "1h30m" or "7d"');
    if (seconds < minSeconds) return this.fail(key, `must be at least ${minSeconds}s`);
    if (seconds > 10 * 365 * 86400) return this.fail(key, 'must be at most 10 years');
    return Math.round(seconds);
  }

  /** Reports keys that no read asked for; `notes` gives the message for keys we know of but refuse. */
  finish(what: string, notes: Record<string, string> = {}): void {
    const known = [...this.known];
    for (const key of Object.keys(this.obj)) {
      if (this.known.has(key)) continue;
      const note = Object.hasOwn(notes, key) ? notes[key] : undefined;
      if (note) {
        this.issues.add(this.at(key), note);
        continue;
      }
      const best = suggest(key, known);
      const hint = best ? ` (did you mean '${best}'?)` : known.length ? ` (known fields: ${known.join(', ')})` : '';
      this.issues.add(this.at(key), `is not a known field of ${what}${hint}`);
    }
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
