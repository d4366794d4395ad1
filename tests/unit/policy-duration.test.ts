// Durations as ngrok and Go write them, plus days.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../main/policy/index.ts';

test('Go-style and day durations parse to seconds', () => {
  const cases: [unknown, number][] = [
    ['90s', 90], ['15m', 900], ['24h', 86400], ['1h30m', 5400], ['7d', 604800], ['1d12h', 129600],
    ['1.5h', 5400], ['500ms', 0.5], ['2h45m30s', 9930], [' 10m ', 600], ['3600', 3600], [120, 120], [0, 0],
  ];
  for (const [input, seconds] of cases) assert.equal(parseDuration(input), seconds, String(input));
});

test('anything else is not a duration', () => {
  for (const input of ['', '5', '5 days', '1w', 'h', '-5s', '5s5', 's5', '1h 30m', '1e3s', -1, Number.NaN, Infinity, null, true, [], {}]) {
    if (input === '5') continue; // a bare number string is seconds
    assert.equal(parseDuration(input), undefined, JSON.stringify(input));
  }
  assert.equal(parseDuration('5'), 5);
});

test('formatDuration writes the largest units first', () => {
  assert.equal(formatDuration(604800), '7d');
  assert.equal(formatDuration(5400), '1h30m');
  assert.equal(formatDuration(90061), '1d1h1m1s');
  assert.equal(formatDuration(0), '0s');
  assert.equal(parseDuration(formatDuration(129600)), 129600);
});
