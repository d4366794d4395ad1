import { test } from 'node:test';
import assert from 'node:assert/strict';
import { durationFlag, logLevelFlag, UsageError } from '../../main/cli/flags.ts';

test('--log-level is checked the same way by every command', () => {
  assert.equal(logLevelFlag('warn'), 'warn');
  assert.throws(() => logLevelFlag('verbose'), (e: unknown) => e instanceof UsageError && /debug, info, warn or error, not "verbose"/.test(e.message));
});

test('duration flags become milliseconds, bad ones a usage error naming the flag', () => {
  assert.equal(durationFlag('2s', '--grace-period'), 2000);
  assert.throws(() => durationFlag('soon', '--grace-period'), /--grace-period must be a duration/);
});
