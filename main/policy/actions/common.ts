// Helpers shared by actions: header names, safe header values, templated config strings.
import type { Phase } from '../cel.ts';
import type { FieldReader } from '../fields.ts';
import { compileTemplate } from '../interpolate.ts';
import type { Template } from '../interpolate.ts';
import type { HeaderTemplate } from '../model.ts';
import type { HeaderMap } from '../types.ts';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Headers that frame or route the message; a policy changing them would break the proxy. */
const HOP_BY_HOP = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-connection']);

/** Lower-cased header name, or undefined after reporting why it cannot be used. */
export function headerName(r: FieldReader, key: string, name: string, index?: number): string | undefined {
  const path = index === undefined ? [...r.at(key), name] : [...r.at(key), index];
  const lower = name.toLowerCase();
  if (!TOKEN.test(name) || lower === '__proto__') {
    r.issues.add(path, 'is not a valid header name');
    return undefined;
  }
  if (HOP_BY_HOP.has(lower)) {
    r.issues.add(path, `cannot be changed by a policy ('${lower}' is managed by the proxy)`);
    return undefined;
  }
  return lower;
}

export function readTemplate(r: FieldReader, key: string, phase: Phase, opts: { required?: boolean } = {}): Template | undefined {
  const text = r.string(key, opts);
  if (text === undefined) return undefined;
  return compileAt(r, [key], text, phase);
}

/** A map of header name → templated value. */
export function readHeaderTemplates(r: FieldReader, key: string, phase: Phase, opts: { required?: boolean } = {}): HeaderTemplate[] | undefined {
  const entries = r.stringMap(key, { ...opts, what: 'header names to values' });
  if (!entries) return undefined;
  const out: HeaderTemplate[] = [];
  let ok = true;
  for (const [name, value] of entries) {
    const lower = headerName(r, key, name);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
      r.issues.add([...r.at(key), name], 'must not contain line breaks or control characters');
      ok = false;
      continue;
    }
    const template = compileAt(r, [key, name], value, phase);
    if (lower === undefined || template === undefined) ok = false;
    else out.push([lower, template]);
  }
  return ok ? out : undefined;
}

function compileAt(r: FieldReader, sub: readonly string[], text: string, phase: Phase): Template | undefined {
  const compiled = compileTemplate(text, phase);
  if ('ok' in compiled) return compiled.ok;
  r.issues.add([...r.path, ...sub], compiled.error);
  return undefined;
}

/**
 * Makes an interpolated value safe for a header: control characters (CR and LF above all,
 * which would split headers) are dropped, and text beyond Latin-1 is sent as its UTF-8 bytes,
 * as Node's own header check demands.
 */
export function headerSafe(value: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');
  // eslint-disable-next-line no-control-regex
  return /^[\u0000-\u00ff]*$/.test(clean) ? clean : Buffer.from(clean, 'utf8').toString('latin1');
}

/** Appends a value (HTTP's rule for repeating a header); `host` is replaced instead. */
export function appendHeader(headers: HeaderMap, name: string, value: string): void {
  const old = headers[name];
  if (old === undefined || name === 'host') headers[name] = value;
  else headers[name] = Array.isArray(old) ? [...old, value] : [old, value];
}
