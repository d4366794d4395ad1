// `${expr}` interpolation in action config strings (header values, bodies, redirect targets).
// The template is split and its expressions compiled once; rendering only evaluates them.
import { isCelError, isCelList, isCelMap, isCelUint } from '@bufbuild/cel';
import { compileExpression } from './cel.ts';
import type { Bindings, CompiledExpression, Phase } from './cel.ts';

/** Thrown when an expression fails at request time; the policy then fails closed. */
export class PolicyEvalError extends Error {
  readonly expression: string;
  constructor(expression: string, message: string) {
    super(`${JSON.stringify(expression)}: ${message}`);
    this.name = 'PolicyEvalError';
    this.expression = expression;
  }
}

type Part = string | CompiledExpression;

export interface Template {
  readonly source: string;
  /** True when there is nothing to interpolate. */
  readonly isStatic: boolean;
  /** `escape` is applied to interpolated values only (e.g. HTML-escaping in an HTML body). */
  render(vars: Bindings, escape?: (value: string) => string): string;
}

export function compileTemplate(source: string, phase: Phase): { ok: Template } | { error: string } {
  const parts: Part[] = [];
  let i = 0;
  while (i < source.length) {
    const start = source.indexOf('${', i);
    if (start < 0) {
      parts.push(source.slice(i));
      break;
    }
    if (start > i) parts.push(source.slice(i, start));
    const end = closingBrace(source, start + 2);
    if (end < 0) return { error: `has an unclosed '\${' at character ${start + 1}` };
    const inner = source.slice(start + 2, end);
    if (!inner.trim()) return { error: `has an empty '\${}' at character ${start + 1}` };
    const compiled = compileExpression(inner, phase);
    if ('error' in compiled) return { error: `has \${${inner}} that ${compiled.error}` };
    parts.push(compiled.ok);
    i = end + 1;
  }
  return { ok: makeTemplate(source, parts) };
}

function makeTemplate(source: string, parts: readonly Part[]): Template {
  const isStatic = parts.every((p) => typeof p === 'string');
  return {
    source,
    isStatic,
    render(vars, escape) {
      if (isStatic) return source;
      let out = '';
      for (const part of parts) {
        if (typeof part === 'string') {
          out += part;
          continue;
        }
        const value = part.evaluate(vars);
        if (isCelError(value)) throw new PolicyEvalError(part.source, value.message);
        const text = celToString(value);
        out += escape ? escape(text) : text;
      }
      return out;
    },
  };
}

// Scans a CEL expression for the `}` that closes `${`, skipping braces inside string literals
// and map literals.
function closingBrace(text: string, from: number): number {
  let depth = 0;
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === '\\') i++;
      else if (text.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = '';
      }
    } else if (ch === '"' || ch === "'") {
      quote = text.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      i += quote.length - 1;
    } else if (ch === '{') depth++;
    else if (ch === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** How a CEL value reads in a header or body: lists joined with commas, null as nothing. */
export function celToString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isCelUint(value)) return String(value.value);
  if (isCelList(value)) return Array.from(value as Iterable<unknown>, celToString).join(',');
  if (isCelMap(value)) return JSON.stringify(Object.fromEntries(Array.from(value as Iterable<[unknown, unknown]>, ([k, v]) => [celToString(k), celToString(v)])));
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return String(value);
}
