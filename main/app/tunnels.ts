// The app's tunnels: what the user configured (persisted in settings) and what each is doing
// now. Starting one binds it on the agent with an SSO policy built from the saved settings.
import { randomUUID } from 'node:crypto';
import type { Agent } from '../agent/agent.ts';
import type { AgentStateEvent, RequestLogEntry } from '../agent/types.ts';
import type { TunnelInput, TunnelView, RequestView } from '../../preload/contract.ts';
import type { PolicyDocument } from '../policy/types.ts';

export interface TunnelEntry extends TunnelView {
  /** The name the edge gave it while online (kept so a restart asks for the same URL). */
  boundName?: string;
}

export class TunnelTable {
  private readonly entries: TunnelEntry[] = [];
  private readonly emit: (t: TunnelView) => void;

  constructor(emit: (t: TunnelView) => void) {
    this.emit = emit;
  }

  load(saved: TunnelInput[]): void {
    for (const t of saved) this.add(t);
  }

  add(t: TunnelInput): TunnelEntry {
    const e: TunnelEntry = { id: randomUUID(), addr: t.addr, name: t.name, sso: t.sso, status: 'stopped' };
    this.entries.push(e);
    return e;
  }

  remove(id: string): void {
    const i = this.entries.findIndex((e) => e.id === id);
    if (i >= 0) this.entries.splice(i, 1);
  }

  get(id: string): TunnelEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  byBoundName(name: string): TunnelEntry | undefined {
    return this.entries.find((e) => e.boundName === name && e.status !== 'stopped');
  }

  all(): TunnelEntry[] {
    return this.entries;
  }

  /** What goes into settings.json. */
  saved(): TunnelInput[] {
    return this.entries.map((e) => ({ addr: e.addr, ...(e.name ? { name: e.name } : {}), sso: e.sso }));
  }

  set(e: TunnelEntry, change: Partial<TunnelEntry>): void {
    Object.assign(e, change);
    if (change.status && change.status !== 'error' && change.reason === undefined) delete e.reason;
    this.emit(view(e));
  }

  /** Reflect the agent's connection state on every started tunnel. */
  onAgentState(s: AgentStateEvent): void {
    for (const e of this.entries) {
      if (e.status === 'online' && s.state !== 'online') this.set(e, { status: 'reconnecting', reason: s.reason });
      else if (e.status === 'reconnecting' && s.state === 'online') this.set(e, { status: 'online' });
    }
  }
}

export function view(e: TunnelEntry): TunnelView {
  const { boundName: _b, ...v } = e;
  return v;
}

export async function startOnAgent(table: TunnelTable, e: TunnelEntry, agent: Agent, policy: PolicyDocument | undefined): Promise<TunnelView> {
  table.set(e, { status: 'starting' });
  try {
    const info = await agent.bind({ addr: e.addr, name: e.name ?? e.boundName, policy });
    table.set(e, { status: agent.state.state === 'online' ? 'online' : 'reconnecting', publicUrl: info.publicUrl, boundName: info.name });
  } catch (err) {
    table.set(e, { status: 'error', reason: (err as Error).message, publicUrl: undefined });
  }
  return view(e);
}

/** The inspector's entry as the renderer sees it: keyed by the app's tunnel id, not the edge's name. */
export function toRequestView(entry: RequestLogEntry, tunnelId: string): RequestView {
  const { tunnel: _name, ...rest } = entry;
  return { ...rest, tunnelId };
}
