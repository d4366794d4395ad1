// The embedded edge's private local socket: its own agent reaches it there (Unix socket or
// named pipe), with the same WebSocket and the same token check, and nobody else can.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { startEmbeddedEdge } from '../../main/app/embedded-edge.ts';
import { Agent } from '../../main/agent/agent.ts';
import { silentLogger } from '../../main/common/log.ts';
import { startApp, request } from '../support/tunnel.ts';

test("the embedded edge's agent connects over the private local socket and serves requests", async () => {
  const app = await startApp((req, res) => res.end(`hello ${req.url}`));
  const embedded = await startEmbeddedEdge({ host: '127.0.0.1', port: 0, log: silentLogger });
  const { socketPath } = embedded.agentTarget;
  assert.ok(socketPath, 'the embedded edge offers a local socket');
  // The URL's port has nothing listening: going online proves the agent came through the socket.
  const agent = new Agent({ ...embedded.agentTarget, edgeUrl: 'ws://127.0.0.1:9/.gatehouse/agent' });
  try {
    if (process.platform !== 'win32') {
      assert.ok((await stat(socketPath)).isSocket());
      assert.equal((await stat(dirname(socketPath))).mode & 0o777, 0o700, 'only this user can reach the socket');
    }
    agent.start();
    await agent.waitOnline();
    assert.equal(embedded.edge.stats().agents, 1);
    const t = await agent.bind({ addr: `127.0.0.1:${app.port}`, name: 'local-sock' });
    const res = await request(embedded.edge, new URL(t.publicUrl).host, { path: '/x?y=1' });
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'hello /x?y=1');
  } finally {
    await agent.close(100);
    await embedded.close(100);
    await app.close();
  }
  if (process.platform !== 'win32') await assert.rejects(stat(dirname(socketPath)), { code: 'ENOENT' }, 'closing removes the socket and its directory');
});

test('the local socket still checks the token', async () => {
  const embedded = await startEmbeddedEdge({ host: '127.0.0.1', port: 0, log: silentLogger });
  const agent = new Agent({ ...embedded.agentTarget, authtoken: 'not-the-token' });
  agent.start();
  try {
    await assert.rejects(agent.waitOnline(5000), /authtoken rejected by edge/);
  } finally {
    await agent.close(0);
    await embedded.close(0);
  }
});

