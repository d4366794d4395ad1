// A traffic policy without SSO, enforced by a real edge in front of a real app: request rules
// change what the app sees, response rules change what the visitor sees, and a policy with no
// response rules leaves the app's response as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSso } from '../../main/edge/sso.ts';
import { silentLogger } from '../../main/common/log.ts';
import { startApp, startTestAgent, startTestEdge, request } from '../support/tunnel.ts';
import type { Edge } from '../../main/edge/edge.ts';
import type { Agent } from '../../main/agent/agent.ts';

let app: Awaited<ReturnType<typeof startApp>>;
let edge: Edge;
let agent: Agent;

// The production path (validation, bind errors, compile); without an openid-connect action it never calls an IdP.
const { policyFactory } = createSso({ baseUrl: 'http://localhost:1', log: silentLogger });

before(async () => {
  app = await startApp((req, res) => {
    res.setHeader('x-secret', 'internal');
    res.setHeader('set-cookie', ['app=1; Path=/']);
    res.end(JSON.stringify({ xReq: req.headers['x-req'] ?? null }));
  });
  edge = await startTestEdge({ policyFactory });
  agent = await startTestAgent(edge);
});

after(async () => {
  await agent.close(100);
  await edge.close(100);
  await app.close();
});

test('request rules reach the app and response rules reach the visitor', async () => {
  const t = await agent.bind({
    addr: `127.0.0.1:${app.port}`,
    name: 'both-phases',
    policy: {
      on_http_request: [{ actions: [{ type: 'add-headers', config: { headers: { 'x-req': 'from-policy' } } }] }],
      on_http_response: [
        { actions: [{ type: 'add-headers', config: { headers: { 'x-res': 'status ${res.status_code}' } } }, { type: 'remove-headers', config: { headers: ['x-secret'] } }] },
      ],
    },
  });
  const r = await request(edge, new URL(t.publicUrl).host);
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body.toString()), { xReq: 'from-policy' });
  assert.equal(r.headers['x-res'], 'status 200');
  assert.equal(r.headers['x-secret'], undefined);
  assert.deepEqual(r.headers['set-cookie'], ['app=1; Path=/']);
});

test('a policy with request rules only leaves the response untouched', async () => {
  const t = await agent.bind({
    addr: `127.0.0.1:${app.port}`,
    name: 'request-only',
    policy: { on_http_request: [{ actions: [{ type: 'add-headers', config: { headers: { 'x-req': 'only' } } }] }] },
  });
  const r = await request(edge, new URL(t.publicUrl).host);
  assert.deepEqual(JSON.parse(r.body.toString()), { xReq: 'only' });
  assert.equal(r.headers['x-secret'], 'internal');
  assert.equal(r.headers['x-res'], undefined);
  assert.deepEqual(r.headers['set-cookie'], ['app=1; Path=/']);
});
