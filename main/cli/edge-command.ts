// `gatehouse edge`: the standalone edge on a server. TLS, tunnels at https://<name>.<domain>,
// the OIDC callback at https://<domain>/oauth2/callback, agents with authtokens, an admin
// address for /ready and /metrics, JSON logs, graceful shutdown.
import http from 'node:http';
import https from 'node:https';
import { readFile } from 'node:fs/promises';
import YAML from 'yaml';
import { stopSignal } from './stop-signal.ts';
import { durationFlag, logLevelFlag, parseFlags, UsageError } from './flags.ts';
import { EDGE_SERVER_OPTIONS, startEdge, type Edge } from '../edge/edge.ts';
import { createSso } from '../edge/sso.ts';
import { loadTokens, type TokenSet } from '../edge/authtokens.ts';
import { createEdgeMetrics } from '../edge/metrics.ts';
import { startAdmin } from '../edge/admin.ts';
import { createPinoLogger } from '../common/pino-log.ts';
import { listen, parseHostPort } from '../common/net.ts';
import { loadSessionKeyFromEnvOrFile } from '../config/session-key.ts';

const USAGE = `Usage: gatehouse edge --domain DOMAIN --authtokens-file FILE [flags]

  --domain DOMAIN            tunnels at https://<name>.DOMAIN, the OIDC callback at https://DOMAIN/oauth2/callback
  --listen HOST:PORT         public address (default 0.0.0.0:443)
  --tls-cert FILE            certificate chain (PEM) for DOMAIN and *.DOMAIN
  --tls-key FILE             its private key (PEM); without cert and key the edge serves plain http (behind a TLS proxy)
  --authtokens-file FILE     one token per line, or YAML: [{token, name, hostnames, max_tunnels}]; reloaded on SIGHUP
  --session-key-file FILE    key sealing SSO sessions (created if missing); or GATEHOUSE_SESSION_KEY
  --admin-addr HOST:PORT     /ready and /metrics (default 127.0.0.1:9090; "false" to disable)
  --http-listen HOST:PORT    also listen on plain http and redirect to https
  --public-port PORT         the port visitors use, when a proxy or NAT maps it (default: the listen port)
  --grace-period DURATION    how long in-flight requests may finish on SIGTERM (default 30s)
  --max-streams N            concurrent requests per tunnel (default 1000)
  --login-rate N             sign-in attempts per client IP and minute (default 30)
  --log-level LEVEL          debug|info|warn|error (default info)
  --config FILE              YAML with any of these flags as keys (domain: ..., tls-cert: ...); flags given here win`;

export async function runEdge(cliArgv: string[]): Promise<number> {
  const argv = [...(await configArgs(cliArgv)), ...cliArgv];
  const { values, positionals } = parseFlags(
    argv,
    {
      domain: { type: 'string' },
      listen: { type: 'string', default: '0.0.0.0:443' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'authtokens-file': { type: 'string' },
      'session-key-file': { type: 'string' },
      'admin-addr': { type: 'string', default: '127.0.0.1:9090' },
      'http-listen': { type: 'string' },
      'public-port': { type: 'string' },
      'grace-period': { type: 'string', default: '30s' },
      'max-streams': { type: 'string', default: '1000' },
      'login-rate': { type: 'string', default: '30' },
      'log-level': { type: 'string', default: 'info' },
      config: { type: 'string' },
      // Tests shorten the heartbeat; not in the usage text.
      heartbeat: { type: 'string' },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"\n\n${USAGE}`);
  const domain = values.domain?.toLowerCase();
  if (!domain || !/^[a-z0-9.-]+(:\d+)?$/.test(domain)) throw new UsageError(`--domain is required (e.g. tunnels.example.com)\n\n${USAGE}`);
  if (!values['authtokens-file']) throw new UsageError('--authtokens-file is required: agents need a token to connect');
  if (!!values['tls-cert'] !== !!values['tls-key']) throw new UsageError('--tls-cert and --tls-key go together');
  const level = logLevelFlag(values['log-level']);
  const log = createPinoLogger(level);
  const grace = durationFlag(values['grace-period'], '--grace-period');
  const listenAt = parseHostPort(values.listen, '0.0.0.0');
  const tls = values['tls-cert'] ? { cert: await readOrFail(values['tls-cert'], '--tls-cert'), key: await readOrFail(values['tls-key']!, '--tls-key') } : null;
  const scheme = tls ? 'https' : 'http';
  const publicPort = Number(values['public-port'] ?? listenAt.port);
  const defaultPort = scheme === 'https' ? 443 : 80;
  const baseUrl = `${scheme}://${domain}${publicPort === defaultPort || domain.includes(':') ? '' : `:${publicPort}`}`;

  const tokensFile = values['authtokens-file'];
  let tokens: TokenSet = await loadTokens(tokensFile);
  const sessionKey = await loadSessionKeyFromEnvOrFile({ keyFile: values['session-key-file'] });
  const sso = createSso({ baseUrl, sessionKey, log });
  let edge: Edge | null = null;
  const metrics = createEdgeMetrics(() => edge);
  const heartbeat = values.heartbeat ? Number(values.heartbeat) : undefined;
  edge = await startEdge({
    host: listenAt.host,
    port: listenAt.port,
    baseUrl,
    server: tls ? https.createServer({ ...EDGE_SERVER_OPTIONS, cert: tls.cert, key: tls.key }) : undefined,
    authorize: (t) => tokens.authorize(t),
    policyFactory: sso.policyFactory,
    edgeHandler: sso.handleEdgeRequest,
    maxStreamsPerTunnel: Number(values['max-streams']),
    loginRatePerMinute: Number(values['login-rate']) || undefined,
    observe: metrics.observe,
    accessLog: true,
    heartbeatMs: heartbeat,
    toleranceMs: heartbeat ? heartbeat * 1.5 : undefined,
    log,
  });
  let ready = true;
  const admin = values['admin-addr'] === 'false' ? null : await startAdmin(...hostPort(values['admin-addr']), metrics, () => ready);
  const redirect = values['http-listen'] ? await startRedirect(values['http-listen'], baseUrl) : null;
  const signal = stopSignal();
  process.on('SIGHUP', () => {
    loadTokens(tokensFile).then(
      (t) => {
        tokens = t;
        log.info('authtokens reloaded', { tokens: t.size });
      },
      (err: Error) => log.error('authtokens not reloaded; keeping the previous set', { err }),
    );
  });
  log.info('edge listening', { url: baseUrl, listen: values.listen, admin: admin?.url, tunnels: `${scheme}://<name>.${domain}`, callback: sso.redirectUri, tokens: tokens.size });
  console.error(`Gatehouse edge on ${values.listen}: tunnels at ${scheme}://<name>.${domain}, Redirect URI ${sso.redirectUri}${admin ? `, admin ${admin.url}` : ''}`);

  log.info('shutting down: no new connections, draining', { signal: await signal, graceMs: grace });
  ready = false;
  await edge.close(grace);
  await redirect?.close();
  await admin?.close();
  log.info('stopped');
  return 0;
}

/** `--config edge.yaml` as flags, placed before the command line's own so those win. */
async function configArgs(argv: string[]): Promise<string[]> {
  const i = argv.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (i < 0) return [];
  const file = argv[i]!.includes('=') ? argv[i]!.slice('--config='.length) : argv[i + 1];
  if (!file) throw new UsageError('--config needs a file');
  const text = await readOrFail(file, '--config');
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (err) {
    throw new UsageError(`--config ${file}: not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`--config ${file}: expected keys like "domain: tunnels.example.com"`);
  const out: string[] = [];
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'config' || !CONFIG_KEYS.includes(k)) throw new UsageError(`--config ${file}: unknown key "${k}" (use the flag names: ${CONFIG_KEYS.join(', ')})`);
    if (v === null || typeof v === 'object') throw new UsageError(`--config ${file}: "${k}" must be a single value`);
    out.push(`--${k}`, String(v));
  }
  return out;
}

const CONFIG_KEYS = ['domain', 'listen', 'tls-cert', 'tls-key', 'authtokens-file', 'session-key-file', 'admin-addr', 'http-listen', 'public-port', 'grace-period', 'max-streams', 'login-rate', 'log-level'];

function hostPort(v: string): [string, number] {
  const { host, port } = parseHostPort(v, '127.0.0.1');
  return [host, port];
}

async function readOrFail(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${flag} ${file}: ${(err as Error).message}`);
  }
}

/** Plain http that sends every request to the same path on https. */
async function startRedirect(addr: string, baseUrl: string) {
  const { host, port } = parseHostPort(addr, '0.0.0.0');
  const base = new URL(baseUrl);
  const server = http.createServer((req, res) => {
    const reqHost = (req.headers.host ?? base.host).replace(/:\d+$/, '');
    // Only our own names: never redirect to a host we do not serve.
    const target = reqHost === base.hostname || reqHost.endsWith('.' + base.hostname) ? reqHost : base.hostname;
    res.writeHead(308, { location: `https://${target}${base.port ? ':' + base.port : ''}${req.url ?? '/'}` });
    res.end();
  });
  await listen(server, port, host);
  return { close: () => new Promise<void>((r) => server.close(() => r())) };
}
