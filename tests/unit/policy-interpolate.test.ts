// `${...}` templates: splitting, compiling once, rendering CEL values as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, PolicyEvalError } from '../../main/policy/interpolate.ts';
import type { Template } from '../../main/policy/interpolate.ts';

function template(source: string): Template {
  const t = compileTemplate(source, 'on_http_request');
  assert.ok('ok' in t, 'error' in t ? t.error : '');
  return t.ok;
}

const vars = {
  req: new Map<string, unknown>([['method', 'GET'], ['url', new Map([['path', '/a}b']])]]),
  actions: new Map([['ngrok', new Map([['oidc', new Map([['identity', new Map<string, unknown>([['email', 'bob@acme.com'], ['groups', ['x', 'y']]])]])]])]]),
} as never;

test('static text stays static and renders as written', () => {
  const t = template('plain text, a $ and a } and {');
  assert.equal(t.isStatic, true);
  assert.equal(t.render({} as never), 'plain text, a $ and a } and {');
});

test('expressions render strings, numbers, bools, lists and null', () => {
  assert.equal(template('${req.method} ${1 + 2} ${1.5} ${true} ${actions.ngrok.oidc.identity.groups} [${null}]').render(vars), 'GET 3 1.5 true x,y []');
});

test('braces and quotes inside an expression do not end it early', () => {
  assert.equal(template("${'}' + req.url.path} ${{'k': 'v}'}['k']} ${\"a'}\"}").render(vars), '}/a}b v} a\'}');
});

test('escape applies to interpolated values only', () => {
  assert.equal(template('<b>${req.url.path}</b>').render(vars, (s) => s.toUpperCase()), '<b>/A}B</b>');
});

test('compile errors: unclosed, empty, bad CEL, unknown variable', () => {
  const err = (s: string) => {
    const t = compileTemplate(s, 'on_http_request');
    return 'error' in t ? t.error : '';
  };
  assert.match(err('x ${req.method'), /unclosed '\$\{' at character 3/);
  assert.match(err('${ }'), /empty/);
  assert.match(err('${req.method ==}'), /is not valid CEL/);
  assert.match(err('${req.bogus}'), /unknown variable 'req\.bogus'/);
  assert.match(err('${res.status_code}'), /only available in on_http_response/);
});

test('a failing expression throws PolicyEvalError naming the expression', () => {
  assert.throws(() => template("${req.headers['x']}").render({ req: new Map([['headers', new Map()]]) } as never), (e: unknown) => {
    assert.ok(e instanceof PolicyEvalError);
    assert.equal(e.expression, "req.headers['x']");
    return true;
  });
});
