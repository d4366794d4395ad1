// What the tray shows: one state for the icon (from every tunnel and the edge), a tooltip, and the
// menu as plain data. tray.ts turns this into Electron objects; the logic is tested in Node.
import type { AppInfo, GatehouseEvent, TunnelView } from '../../preload/contract.ts';

export type TrayState = 'online' | 'connecting' | 'error' | 'stopped';

const RUNNING = new Set<TunnelView['status']>(['starting', 'online', 'reconnecting']);

/** The worst news wins: an error anywhere, then anything on its way up, then online, else stopped. */
export function trayState(tunnels: readonly TunnelView[], edge: AppInfo['edge'] | null): TrayState {
  if (edge?.status === 'error' || tunnels.some((t) => t.status === 'error')) return 'error';
  if (tunnels.some((t) => t.status === 'starting' || t.status === 'reconnecting')) return 'connecting';
  if (tunnels.some((t) => t.status === 'online')) return 'online';
  if (edge?.status === 'starting') return 'connecting';
  return 'stopped';
}

const label = (t: TunnelView): string => t.name ?? t.addr;

export function trayTooltip(tunnels: readonly TunnelView[], state: TrayState): string {
  const online = tunnels.filter((t) => t.status === 'online').length;
  if (state === 'error') return 'Gatehouse: something needs attention';
  if (state === 'connecting') return 'Gatehouse: connecting…';
  if (online) return `Gatehouse: ${online} tunnel${online === 1 ? '' : 's'} online`;
  return 'Gatehouse: no tunnel running';
}

export type TrayAction =
  | { kind: 'start-all' }
  | { kind: 'stop-all' }
  | { kind: 'copy-url'; url: string }
  | { kind: 'show' }
  | { kind: 'quit' };

export type TrayMenuItem =
  | { type: 'item'; label: string; enabled: boolean; action: TrayAction }
  | { type: 'submenu'; label: string; items: TrayMenuItem[] }
  | { type: 'separator' };

/**
 * Start/Stop act on every saved tunnel (the tray has no room to pick one); Copy URL copies the
 * only public URL, or offers one entry per online tunnel.
 */
export function trayMenu(tunnels: readonly TunnelView[]): TrayMenuItem[] {
  const startable = tunnels.some((t) => !RUNNING.has(t.status));
  const stoppable = tunnels.some((t) => RUNNING.has(t.status));
  const withUrl = tunnels.filter((t): t is TunnelView & { publicUrl: string } => t.status === 'online' && !!t.publicUrl);
  const first = withUrl[0];
  const copy: TrayMenuItem =
    withUrl.length > 1
      ? { type: 'submenu', label: 'Copy URL', items: withUrl.map((t) => ({ type: 'item', label: `${label(t)}: ${t.publicUrl}`, enabled: true, action: { kind: 'copy-url', url: t.publicUrl } })) }
      : { type: 'item', label: 'Copy URL', enabled: !!first, action: { kind: 'copy-url', url: first?.publicUrl ?? '' } };
  return [
    { type: 'item', label: tunnels.length > 1 ? 'Start all tunnels' : 'Start tunnel', enabled: startable, action: { kind: 'start-all' } },
    { type: 'item', label: tunnels.length > 1 ? 'Stop all tunnels' : 'Stop tunnel', enabled: stoppable, action: { kind: 'stop-all' } },
    copy,
    { type: 'separator' },
    { type: 'item', label: 'Show Gatehouse', enabled: true, action: { kind: 'show' } },
    { type: 'item', label: 'Quit', enabled: true, action: { kind: 'quit' } },
  ];
}

/** Which tunnels a Start/Stop click acts on. */
export function tunnelsFor(action: 'start-all' | 'stop-all', tunnels: readonly TunnelView[]): string[] {
  return tunnels.filter((t) => (action === 'stop-all' ? RUNNING.has(t.status) : !RUNNING.has(t.status))).map((t) => t.id);
}

export interface TrayView {
  tunnels: TunnelView[];
  edge: AppInfo['edge'] | null;
}

/** Keeps the tray's picture of the service current from its event stream. */
export function applyEvent(view: TrayView, e: GatehouseEvent): TrayView {
  switch (e.type) {
    case 'tunnel': {
      const i = view.tunnels.findIndex((t) => t.id === e.tunnel.id);
      const tunnels = i === -1 ? [...view.tunnels, e.tunnel] : view.tunnels.map((t, j) => (j === i ? e.tunnel : t));
      return { ...view, tunnels };
    }
    case 'tunnel-removed':
      return { ...view, tunnels: view.tunnels.filter((t) => t.id !== e.id) };
    case 'app':
      return { ...view, edge: e.info.edge };
    default:
      return view;
  }
}
