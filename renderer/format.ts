// Small display formatters for times, durations and states.
import type { TunnelStatus } from '../preload/contract.ts';

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

export function formatDuration(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export const STATUS_LABEL: Record<TunnelStatus, string> = {
  stopped: 'Stopped',
  starting: 'Starting',
  online: 'Online',
  reconnecting: 'Reconnecting',
  error: 'Error',
};

/** The CSS tone for a state: ok, busy, bad or idle. */
export function statusTone(status: string): 'ok' | 'busy' | 'bad' | 'idle' {
  if (status === 'online') return 'ok';
  if (status === 'starting' || status === 'reconnecting' || status === 'connecting') return 'busy';
  if (status === 'error') return 'bad';
  return 'idle';
}

export function statusClass(status: number): string {
  if (status >= 500) return 'http-5xx';
  if (status >= 400) return 'http-4xx';
  if (status >= 300) return 'http-3xx';
  return 'http-2xx';
}
