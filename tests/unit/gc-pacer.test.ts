// The GC pacer brings a scavenge forward once per PACE_BYTES of socket buffers, and only then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PerformanceObserver, constants, type NodeGCPerformanceDetail } from 'node:perf_hooks';
import { setImmediate as tick } from 'node:timers/promises';
import { PACE_BYTES, noteBufferBytes } from '../../main/common/gc-pacer.ts';

test('gc pacer: a young-generation GC after each PACE_BYTES of buffers, none before', async () => {
  let minor = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if ((e as unknown as { detail: NodeGCPerformanceDetail }).detail.kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  try {
    const settled = async (): Promise<number> => {
      await tick();
      await tick();
      return minor;
    };
    const start = await settled();
    noteBufferBytes(PACE_BYTES);
    const paced = await settled();
    assert.ok(paced > start, 'PACE_BYTES of buffers brought a scavenge');

    // Half the step again: the count restarted, so nothing is forced (the test itself
    // allocates far less than the young generation holds).
    noteBufferBytes(PACE_BYTES / 2);
    assert.equal(await settled(), paced, 'half a step forces no scavenge');
    noteBufferBytes(PACE_BYTES / 2);
    assert.ok((await settled()) > paced, 'the second half completes the step');
  } finally {
    obs.disconnect();
  }
});
