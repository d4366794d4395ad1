// Only the main frame of our window, showing app://gatehouse/, may call the app service over IPC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertTrustedSender, senderProblem, UntrustedSenderError, type SenderFacts } from '../../main/electron-main/sender-check.ts';

const ours: SenderFacts = { webContentsId: 7, expectedWebContentsId: 7, frame: { url: 'app://gatehouse/index.html#tunnels', isMainFrame: true } };

test("our window's main frame on the app page is trusted", () => {
  assert.equal(senderProblem(ours), null);
  assert.doesNotThrow(() => assertTrustedSender(ours));
});

test('every other sender is refused, with the reason', () => {
  const cases: [SenderFacts, string][] = [
    [{ ...ours, webContentsId: 8 }, 'not the Gatehouse window'],
    [{ ...ours, expectedWebContentsId: null }, 'not the Gatehouse window'],
    [{ ...ours, frame: null }, 'the sending frame is gone'],
    [{ ...ours, frame: { url: 'app://gatehouse/index.html', isMainFrame: false } }, 'not the main frame'],
    [{ ...ours, frame: { url: 'https://evil.example/', isMainFrame: true } }, 'not the Gatehouse page'],
    [{ ...ours, frame: { url: 'data:text/html,<script>', isMainFrame: true } }, 'not the Gatehouse page'],
    [{ ...ours, frame: { url: 'app://evil/index.html', isMainFrame: true } }, 'not the Gatehouse page'],
    [{ ...ours, frame: { url: 'file:///tmp/x.html', isMainFrame: true } }, 'not the Gatehouse page'],
  ];
  for (const [facts, reason] of cases) {
    assert.equal(senderProblem(facts), reason, JSON.stringify(facts));
    assert.throws(() => assertTrustedSender(facts), (err: unknown) => err instanceof UntrustedSenderError && err.message === `IPC refused: ${reason}`);
  }
});
