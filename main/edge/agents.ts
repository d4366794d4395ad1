// The edge's side of one agent connection: the hello, binding and unbinding tunnels, and
// cleaning up when the connection goes away.
import type { MuxSession } from '../protocol/session.ts';
import type { BindErrorCode, ControlMessage } from '../protocol/messages.ts';
import type { TunnelRegistry } from './registry.ts';
import type { HttpPolicy, PolicyDocument, TunnelRef } from '../policy/types.ts';
import { nameProblem, randomName } from '../common/names.ts';
import type { Logger } from '../common/log.ts';
import { VERSION } from '../common/version.ts';

/** What an accepted authtoken allows. */
export interface AgentGrant {
  /** Names the token in logs (never the token itself). */
  label: string;
  /** Most tunnels this token may hold at once; undefined for no limit. */
  maxTunnels?: number;
  /** Names this token may bind; undefined allows any free name. */
  allowedNames?: string[];
}

/** Compiles a policy for a tunnel; rejects with a message for the agent when it is invalid or its IdP is unreachable. */
export type PolicyFactory = (doc: PolicyDocument, tunnel: TunnelRef) => Promise<HttpPolicy>;

export class BindError extends Error {
  readonly code: BindErrorCode;
  constructor(code: BindErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

interface AgentEnv {
  session: MuxSession;
  grant: AgentGrant;
  registry: TunnelRegistry;
  log: Logger;
  scheme: 'http' | 'https';
  baseHost: string;
  policyFactory?: PolicyFactory;
}

export function handleAgentSession(env: AgentEnv): void {
  const { session, registry, log } = env;
  let agentId: string | null = null;
  const mine = new Set<string>();

  session.on('control', (msg: ControlMessage) => {
    switch (msg.t) {
      case 'hello':
        agentId = String(msg.agentId).slice(0, 64);
        session.sendControl({ t: 'welcome', edgeVersion: VERSION, baseUrl: `${env.scheme}://${env.baseHost}` });
        log.info('agent connected', { agent: agentId, grant: env.grant.label });
        return;
      case 'bind':
        if (!agentId) return session.sendControl({ t: 'bind-error', id: msg.id, code: 'not-allowed', message: 'bind before hello' });
        bind(env, agentId, msg, mine).then(
          (t) => session.sendControl({ t: 'bound', id: msg.id, name: t.name, publicUrl: t.publicUrl }),
          (err: Error) =>
            session.sendControl({
              t: 'bind-error',
              id: msg.id,
              code: err instanceof BindError ? err.code : 'policy-failed',
              message: err.message,
            }),
        );
        return;
      case 'unbind':
        if (agentId && mine.delete(msg.name)) {
          registry.release(hostFor(env, msg.name), agentId);
          log.info('tunnel stopped', { tunnel: msg.name });
        }
        return;
      default:
        log.warn('unexpected control message from agent', { type: (msg as { t?: unknown }).t });
    }
  });

  session.on('close', (reason) => {
    // Only the tunnels this connection bound carry it.
    for (const name of mine) {
      const t = registry.get(hostFor(env, name));
      if (t) registry.detach(t, session);
    }
    log.info('agent disconnected', { agent: agentId, reason });
  });
}

function hostFor(env: AgentEnv, name: string): string {
  return `${name}.${env.baseHost}`;
}

async function bind(env: AgentEnv, agentId: string, msg: Extract<ControlMessage, { t: 'bind' }>, mine: Set<string>) {
  const { registry, grant } = env;
  let name = msg.name;
  if (name !== undefined) {
    const problem = nameProblem(name);
    if (problem) throw new BindError('invalid-name', problem);
    if (grant.allowedNames && !grant.allowedNames.includes(name)) throw new BindError('not-allowed', `this authtoken may not use the name "${name}"`);
  } else {
    do name = randomName();
    while (registry.claim(hostFor(env, name), agentId) !== 'free');
  }
  const hostname = hostFor(env, name);
  if (registry.claim(hostname, agentId) === 'taken') {
    throw new BindError('name-taken', `the name "${name}" is already in use by another agent; pick another with --url`);
  }
  if (grant.maxTunnels !== undefined && !mine.has(name) && mine.size >= grant.maxTunnels) {
    throw new BindError('limit', `this authtoken may hold at most ${grant.maxTunnels} tunnels at once`);
  }
  const ref: TunnelRef = { name, hostname, publicUrl: `${env.scheme}://${hostname}` };
  let policy: HttpPolicy | null = null;
  if (msg.policy) {
    if (!env.policyFactory) throw new BindError('invalid-policy', 'this edge does not run traffic policies');
    policy = await env.policyFactory(msg.policy, ref);
    // The name may have been taken while the IdP was being asked.
    if (registry.claim(hostname, agentId) === 'taken' || env.session.isClosed) {
      policy.close();
      throw new BindError('name-taken', `the name "${name}" is already in use by another agent`);
    }
  }
  mine.add(name);
  const t = registry.attach(ref, agentId, String(msg.addr ?? ''), policy, env.session);
  env.log.info('tunnel online', { tunnel: name, url: ref.publicUrl, addr: t.addr });
  return t;
}
