// The terminal status screen of `gatehouse http`, redrawn in place like ngrok's.
import { STATUS_CODES } from 'node:http';
import type { RequestLogEntry } from '../agent/types.ts';
import type { ConnStats } from './conn-stats.ts';
import type { Ring } from '../common/ring.ts';

export interface ScreenModel {
  status: string;
  version: string;
  latencyMs?: number;
  webInterface?: string;
  redirectUri?: string;
  forwarding: { url: string; addr: string }[];
  openStreams: number;
  stats: ConnStats;
  recent: Ring<RequestLogEntry>;
}

const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;
const color = (status: string) => (status === 'online' ? `\x1b[32m${status}\x1b[0m` : `\x1b[33m${status}\x1b[0m`);
const row = (k: string, v: string) => `${k.padEnd(30)}${v}`;

export function renderScreen(m: ScreenModel, columns = 100): string {
  const lines = [
    `${bold('Gatehouse')}${' '.repeat(Math.max(1, columns - 30))}(Ctrl+C to quit)`,
    '',
    row('Session Status', color(m.status)),
    row('Version', m.version),
    row('Latency', m.latencyMs === undefined ? '-' : `${m.latencyMs}ms`),
  ];
  if (m.webInterface) lines.push(row('Web Interface', m.webInterface));
  if (m.redirectUri) lines.push(row('Redirect URI', m.redirectUri));
  for (const f of m.forwarding) lines.push(row('Forwarding', `${f.url} -> ${f.addr}`));
  const s = m.stats;
  lines.push(
    '',
    row('Connections', ['ttl', 'opn', 'rt1', 'rt5', 'p50', 'p90'].map((h) => h.padEnd(8)).join('')),
    row(
      '',
      [String(s.total), String(m.openStreams), s.rt1.toFixed(2), s.rt5.toFixed(2), s.percentile(50).toFixed(2), s.percentile(90).toFixed(2)]
        .map((v) => v.padEnd(8))
        .join(''),
    ),
    '',
    bold('HTTP Requests'),
    '-------------',
    '',
  );
  for (const r of m.recent.newest(10)) {
    const time = new Date(r.startedAt).toTimeString().slice(0, 8);
    lines.push(`${time}  ${r.method.padEnd(7)} ${truncate(r.path, columns - 50).padEnd(columns - 50)} ${r.status} ${STATUS_CODES[r.status] ?? ''}`);
  }
  // Home, clear screen, draw.
  return '\x1b[H\x1b[2J' + lines.join('\n') + '\n';
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, Math.max(1, n - 1)) + '…' : s;
}
