// CEL for rule expressions and `${...}` interpolation, through @bufbuild/cel. Every expression
// is parsed, checked against the variables ngrok defines and planned once, when the policy is
// validated; a request only runs the planned function.
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import type { CelInput, CelResult } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { suggest } from './suggest.ts';

export type Phase = 'on_http_request' | 'on_http_response';

/** A variable's shape, enough to catch a misspelled name at load time instead of per request. */
type Shape = 'string' | 'int' | 'list' | 'map' | { readonly [field: string]: Shape };

const IDENTITY: Shape = { id: 'string', email: 'string', name: 'string', groups: 'list' };

const REQUEST_VARS: Record<string, Shape> = {
  req: {
    method: 'string',
    /** The Host the visitor sent, with the port when it is not the scheme's default. */
    host: 'string',
    user_agent: 'string',
    /** url.host is the hostname alone; url.raw the whole URL; url.query the raw query without `?`. */
    url: { raw: 'string', scheme: 'string', host: 'string', path: 'string', query: 'string' },
    headers: 'map',
    query_params: 'map',
  },
  conn: { client_ip: 'string' },
  endpoint: { host: 'string', url: 'string' },
  actions: { ngrok: { oidc: { identity: IDENTITY } } },
};

const RESPONSE_VARS: Record<string, Shape> = {
  ...REQUEST_VARS,
  res: { status_code: 'int', headers: 'map' },
};

const env = celEnv({ funcs: strings });

export type Bindings = Record<string, CelInput>;

export interface CompiledExpression {
  readonly source: string;
  evaluate(vars: Bindings): CelResult;
}

export type CompileResult = { ok: CompiledExpression } | { error: string };

type ParsedExpr = ReturnType<typeof parse>;
type Expr = ParsedExpr['expr'];

export function compileExpression(source: string, phase: Phase): CompileResult {
  let parsed: ParsedExpr;
  try {
    parsed = parse(source);
  } catch (e) {
    return { error: `is not valid CEL: ${celSyntaxMessage(e)}` };
  }
  const problem = checkVariables(parsed.expr, phase === 'on_http_response' ? RESPONSE_VARS : REQUEST_VARS);
  if (problem) {
    const column = columnOf(parsed, problem.exprId);
    return { error: `${problem.message}${column ? ` (column ${column})` : ''}` };
  }
  let run: (ctx: Bindings) => CelResult;
  try {
    run = plan(env, parsed) as (ctx: Bindings) => CelResult;
  } catch (e) {
    return { error: `is not valid CEL: ${(e as Error).message}` };
  }
  return { ok: { source, evaluate: run } };
}

export { isCelError };

// The parser's message starts with `<input>:1:12:`; keep the position and the reason.
function celSyntaxMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /^<input>:(\d+):(\d+): (.*)$/s.exec(msg);
  if (!m) return msg;
  const reason = (m[3] as string).replace(/, or whitespace$/, '').replace(/^found (.)/, "found '$1'");
  return m[1] === '1' ? `${reason} (column ${m[2]})` : `${reason} (line ${m[1]}, column ${m[2]} of the expression)`;
}

function columnOf(parsed: ParsedExpr, exprId: bigint): number | undefined {
  const offset = parsed.sourceInfo?.positions[String(exprId)];
  return offset === undefined ? undefined : offset + 1;
}

interface Problem {
  message: string;
  exprId: bigint;
}

/** Finds the first unknown variable, field or function in the expression. */
function checkVariables(root: Expr, vars: Record<string, Shape>): Problem | undefined {
  const visit = (expr: Expr | undefined, bound: ReadonlySet<string>): Problem | undefined => {
    if (!expr) return undefined;
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'identExpr':
        return bound.has(kind.value.name) ? undefined : checkPath([{ name: kind.value.name, expr }], vars);
      case 'selectExpr': {
        const chain = selectChain(expr);
        if (chain && !bound.has((chain[0] as Link).name)) return checkPath(chain, vars);
        return visit(kind.value.operand, bound);
      }
      case 'callExpr': {
        const fn = kind.value.function;
        if (/^[A-Za-z]\w*$/.test(fn) && !env.funcs.find(fn)) {
          return { exprId: expr.id, message: `calls unknown function '${fn}'` };
        }
        for (const e of [kind.value.target, ...kind.value.args]) {
          const p = visit(e, bound);
          if (p) return p;
        }
        return undefined;
      }
      case 'listExpr':
        for (const e of kind.value.elements) {
          const p = visit(e, bound);
          if (p) return p;
        }
        return undefined;
      case 'structExpr':
        for (const entry of kind.value.entries) {
          const key = entry.keyKind.case === 'mapKey' ? entry.keyKind.value : undefined;
          const p = visit(key, bound) ?? visit(entry.value, bound);
          if (p) return p;
        }
        return undefined;
      case 'comprehensionExpr': {
        const c = kind.value;
        const outer = visit(c.iterRange, bound) ?? visit(c.accuInit, bound);
        if (outer) return outer;
        const inner = new Set([...bound, c.iterVar, c.iterVar2, c.accuVar].filter(Boolean));
        return visit(c.loopCondition, inner) ?? visit(c.loopStep, inner) ?? visit(c.result, inner);
      }
      default:
        return undefined;
    }
  };
  return visit(root, new Set());
}

interface Link {
  name: string;
  expr: Expr;
}

/** `req.url.path` → req, url, path (each with its node), or undefined when it does not start at a name. */
function selectChain(expr: Expr): Link[] | undefined {
  const links: Link[] = [];
  let e: Expr | undefined = expr;
  while (e?.exprKind.case === 'selectExpr') {
    links.unshift({ name: e.exprKind.value.field, expr: e });
    e = e.exprKind.value.operand;
  }
  if (e?.exprKind.case !== 'identExpr') return undefined;
  links.unshift({ name: e.exprKind.value.name, expr: e });
  return links;
}

function checkPath(chain: readonly Link[], vars: Record<string, Shape>): Problem | undefined {
  const [root, ...fields] = chain as [Link, ...Link[]];
  let shape: Shape | undefined = vars[root.name];
  if (shape === undefined) {
    const known = Object.keys(vars);
    const hint = root.name === 'res' ? ' (res is only available in on_http_response)' : didYouMean(root.name, known, '');
    return { exprId: root.expr.id, message: `uses unknown variable '${root.name}'${hint}` };
  }
  let name = root.name;
  for (const field of fields) {
    if (shape === 'map') return undefined; // any key
    if (typeof shape === 'string') {
      return { exprId: field.expr.id, message: `uses '${name}.${field.name}', but ${name} is a ${shape} with no fields` };
    }
    const next: Shape | undefined = shape[field.name];
    if (next === undefined) {
      return { exprId: field.expr.id, message: `uses unknown variable '${name}.${field.name}'${didYouMean(field.name, Object.keys(shape), `${name}.`)}` };
    }
    shape = next;
    name = `${name}.${field.name}`;
  }
  return undefined;
}

function didYouMean(word: string, options: readonly string[], prefix: string): string {
  const best = suggest(word, options);
  return best ? ` (did you mean '${prefix}${best}'?)` : ` (known: ${options.map((o) => prefix + o).join(', ')})`;
}
