// `gatehouse http <addr>`: an agent plus (by default) an embedded edge in this process, the
// agent API on the web address, and ngrok's status screen or log lines.
import { durationFlag, logLevelFlag, parseFlags, UsageError } from './flags.ts';
import { stopSignal } from './stop-signal.ts';
import { agentUrlFor } from '../agent/edge-url.ts';
import { Agent, type EdgeTarget } from '../agent/agent.ts';
import { parseLocalAddr } from '../agent/local-addr.ts';
import type { RequestLogEntry, TunnelInfo } from '../agent/types.ts';
import { createLogger, type LogFormat, type Logger } from '../common/log.ts';
import { nameFromUrlFlag, nameProblem } from '../common/names.ts';
import { parseHostPort } from '../common/net.ts';
import { VERSION } from '../common/version.ts';
import { startEmbeddedEdge, type EmbeddedEdge } from '../app/embedded-edge.ts';
import { startAgentApi, type AgentApi } from './agent-api.ts';
import { ConnStats } from './conn-stats.ts';
import { Ring } from '../common/ring.ts';
import { renderScreen } from './status-screen.ts';
import { policyFromCli, POLICY_FLAGS } from './policy-flags.ts';
import { CALLBACK_PATH } from '../oidc/paths.ts';

const USAGE = `Usage: gatehouse http <port|host:port|url> [flags]

  --url NAME                   tunnel name (or its full URL); random when absent
  --edge-addr HOST:PORT        embedded edge address (default 127.0.0.1:8080)
  --edge URL                   connect to a standalone edge instead (wss://tunnels.example.com)
  --authtoken TOKEN            authtoken for --edge (or GATEHOUSE_AUTHTOKEN)
  --edge-ca FILE               CA certificate for an edge with a private CA
  --edge-connections N         connections to a standalone edge (default 2)
  --web-addr HOST:PORT|false   agent API (default 127.0.0.1:4040)
  --log stdout|stderr|false    log lines instead of the status screen
  --log-format term|json|logfmt
  --log-level debug|info|warn|error
  --oidc ISSUER_URL            require OpenID Connect login (e.g. https://oauth.id.jumpcloud.com/)
  --oidc-client-id ID          --oidc-client-secret SECRET   --oidc-scope SCOPE (repeatable)
  --oidc-allow-email EMAIL     --oidc-allow-domain DOMAIN    --oidc-allow-group GROUP (repeatable)
  --oidc-auth-method client_secret_basic|client_secret_post|none
  --traffic-policy-file FILE   ngrok-style traffic policy (YAML or JSON)`;

export async function runHttp(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      url: { type: 'string' },
      'edge-addr': { type: 'string', default: '127.0.0.1:8080' },
      edge: { type: 'string' },
      authtoken: { type: 'string' },
      'edge-ca': { type: 'string' },
      'edge-connections': { type: 'string' },
      'web-addr': { type: 'string', default: '127.0.0.1:4040' },
      log: { type: 'string' },
      'log-format': { type: 'string', default: 'term' },
      'log-level': { type: 'string', default: 'info' },
      'grace-period': { type: 'string', default: '10s' },
      // Tests shorten the heartbeat; not in the usage text.
      heartbeat: { type: 'string' },
      ...POLICY_FLAGS,
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one local address, got ${positionals.length}\n\n${USAGE}`);
  const local = parseLocalAddr(positionals[0]!);
  const name = values.url === undefined ? undefined : nameFromUrlFlag(values.url);
  if (name !== undefined) {
    const problem = nameProblem(name);
    if (problem) throw new UsageError(`--url: ${problem}`);
  }
  const log = makeLogger(values.log, values['log-format'], values['log-level']);
  const grace = durationFlag(values['grace-period'], '--grace-period');
  const policy = await policyFromCli(values);
  const tty = process.stdout.isTTY && values.log === undefined;

  // Remote edge, or one in this process.
  let embedded: EmbeddedEdge | null = null;
  let target: EdgeTarget;
  if (values.edge) {
    target = await remoteEdge(values.edge, values.authtoken, values['edge-ca']);
  } else {
    const { host, port } = parseHostPort(values['edge-addr'], '127.0.0.1');
    embedded = await startEmbeddedEdge({ host, port, log: log.child({ component: 'edge' }) });
    target = embedded.agentTarget;
  }

  const agent = new Agent({
    ...target,
    connections: embedded ? 1 : Number(values['edge-connections'] ?? 2),
    heartbeatMs: values.heartbeat ? Number(values.heartbeat) : undefined,
    toleranceMs: values.heartbeat ? Number(values.heartbeat) * 1.5 : undefined,
    log: log.child({ component: 'agent' }),
  });
  const requests = new Ring<RequestLogEntry>(500);
  const stats = new ConnStats();
  // Building inspector entries costs a little per request: only when someone can see them.
  if (tty || (values.log !== undefined && values.log !== 'false') || values['web-addr'] !== 'false') {
    agent.on('request', (e) => {
      stats.record(e.durationMs);
      requests.push(e);
      log.info('request', { method: e.method, path: e.path, status: e.status, ms: e.durationMs, user: e.user });
    });
  }
  agent.on('tunnel-error', (e) => log.error('tunnel could not be restored', e));
  agent.start();
  let tunnel: TunnelInfo;
  try {
    await agent.waitOnline(15_000);
    tunnel = await agent.bind({ addr: local.url, name, policy });
  } catch (err) {
    await agent.close(0);
    await embedded?.close(0);
    throw err;
  }

  let api: AgentApi | null = null;
  if (values['web-addr'] !== 'false') api = await startApiNear(agent, values['web-addr'], requests, log);
  // The Redirect URI to register at the IdP: the embedded edge's, or the standalone edge's own host.
  const redirectUri = policy ? (embedded?.redirectUri ?? (agent.edgeBaseUrl && agent.edgeBaseUrl + CALLBACK_PATH)) : undefined;

  const signal = stopSignal();
  let screen: NodeJS.Timeout | null = null;
  if (tty) {
    const draw = () =>
      process.stdout.write(
        renderScreen(
          {
            status: agent.state.state + (agent.state.reason && agent.state.state !== 'online' ? ` (${agent.state.reason})` : ''),
            version: VERSION,
            latencyMs: agent.latencyMs,
            webInterface: api?.url,
            redirectUri,
            forwarding: [{ url: tunnel.publicUrl, addr: local.url }],
            openStreams: embedded ? embedded.edge.stats().openStreams : 0,
            stats,
            recent: requests,
          },
          process.stdout.columns ?? 100,
        ),
      );
    draw();
    screen = setInterval(draw, 1000);
    agent.on('state', draw);
  } else {
    if (redirectUri) console.log(`Redirect URI                  ${redirectUri}`);
    console.log(`Forwarding                    ${tunnel.publicUrl} -> ${local.url}`);
    if (api) console.log(`Web Interface                 ${api.url}`);
  }

  log.info('shutting down', { signal: await signal });
  if (screen) clearInterval(screen);
  // Stop accepting at the edge first, so in-flight requests finish through the agent.
  await Promise.all([embedded?.close(grace), agent.close(grace)]);
  await api?.close();
  stats.stop();
  return 0;
}

function makeLogger(dest: string | undefined, format: string, level: string): Logger {
  if (!['term', 'json', 'logfmt'].includes(format)) throw new UsageError(`--log-format must be term, json or logfmt, not "${format}"`);
  if (dest !== undefined && !['stdout', 'stderr', 'false'].includes(dest)) throw new UsageError(`--log must be stdout, stderr or false, not "${dest}"`);
  const write =
    dest === 'stdout' ? (l: string) => process.stdout.write(l + '\n') : dest === 'stderr' ? (l: string) => process.stderr.write(l + '\n') : null;
  return createLogger({ format: format as LogFormat, level: logLevelFlag(level), write });
}

/** The agent API at the given address, or the next free port (like ngrok's 4040, 4041, ...). */
async function startApiNear(agent: Agent, addr: string, requests: Ring<RequestLogEntry>, log: Logger): Promise<AgentApi | null> {
  const { host, port } = parseHostPort(addr, '127.0.0.1');
  for (let p = port; p < port + 10; p++) {
    try {
      return await startAgentApi(agent, host, p, requests);
    } catch (err) {
      if ((err as { code?: string }).code !== 'EADDRINUSE' || port === 0) throw err;
    }
  }
  log.warn('agent API not started: ports in use', { from: port, to: port + 9 });
  return null;
}

/** The authtoken the desktop app saved, when a keychain is reachable. */
async function keychainAuthtoken(): Promise<string | undefined> {
  const { createKeychainStore, SecretAccounts } = await import('../secrets/keychain.ts');
  return (await createKeychainStore().get(SecretAccounts.authtoken).catch(() => null)) ?? undefined;
}

async function remoteEdge(edge: string, token: string | undefined, caFile: string | undefined): Promise<EdgeTarget> {
  let edgeUrl: string;
  try {
    edgeUrl = agentUrlFor(edge);
  } catch (err) {
    throw new UsageError(`--edge: ${(err as Error).message}`);
  }
  const authtoken = token ?? process.env.GATEHOUSE_AUTHTOKEN ?? (await keychainAuthtoken());
  if (!authtoken) throw new UsageError('--edge needs an authtoken: pass --authtoken, set GATEHOUSE_AUTHTOKEN, or save it in the app (OS keychain)');
  let ca: Buffer | undefined;
  if (caFile) {
    const { readFile } = await import('node:fs/promises');
    ca = await readFile(caFile).catch((err: Error) => {
      throw new UsageError(`--edge-ca ${caFile}: ${err.message}`);
    });
  }
  return { edgeUrl, authtoken, ca };
}
