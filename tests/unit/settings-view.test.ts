// The form's input merged over the settings file: what the form does not show survives a save.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromInput } from '../../main/app/settings-view.ts';
import { defaultSettings, validateSettings } from '../../main/config/schema.ts';

test("a remote edge's CA file (set in the file, not the form) survives a save from the form", () => {
  const current = { ...defaultSettings(), edge: { mode: 'remote' as const, url: 'wss://old.example.com', caFile: '/etc/gatehouse/ca.pem' } };
  const base = { issuerUrl: current.issuerUrl, clientId: 'gatehouse' };
  const saved = fromInput(current, { ...base, edge: { kind: 'remote', url: 'wss://tunnels.example.com' } });
  assert.deepEqual(saved.edge, { mode: 'remote', url: 'wss://tunnels.example.com', caFile: '/etc/gatehouse/ca.pem' });
  assert.ok(validateSettings(saved).ok);
  assert.deepEqual(fromInput(current, { ...base, edge: { kind: 'embedded', addr: '127.0.0.1:8080' } }).edge, { mode: 'embedded', addr: '127.0.0.1:8080' });
});
