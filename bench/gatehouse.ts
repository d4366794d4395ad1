// Gatehouse under test: the real CLI (`gatehouse http`) in its own process, so its CPU and its
// RSS are its own. Visitors send to 127.0.0.1:<edge port> with `Host: <name>.localhost:<port>`.
import { fileURLToPath } from 'node:url';
import { spawnChild, waitForOutput, type Child } from './procs.ts';

const CLI = fileURLToPath(new URL('../bin/gatehouse.js', import.meta.url));

export interface GatehouseOptions {
  upstreamPort: number;
  edgePort: number;
  name: string;
  /** Extra CLI flags, e.g. the --oidc ones. */
  flags?: string[];
  env?: NodeJS.ProcessEnv;
  /** Directory for a V8 CPU profile (node --cpu-prof), written when the process exits. */
  cpuProfDir?: string;
}

export interface Gatehouse {
  child: Child;
  pid: number;
  /** Host header for the tunnel, e.g. `bench.localhost:18002`. */
  host: string;
  publicUrl: string;
  stop(): Promise<void>;
}

export async function startGatehouse(o: GatehouseOptions): Promise<Gatehouse> {
  const nodeFlags = o.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir] : [];
  const args = [
    ...nodeFlags,
    CLI,
    'http',
    String(o.upstreamPort),
    '--url',
    o.name,
    '--edge-addr',
    `127.0.0.1:${o.edgePort}`,
    '--web-addr',
    'false',
    '--log',
    'false',
    '--grace-period',
    '2s',
    ...(o.flags ?? []),
  ];
  const child = spawnChild(`gatehouse ${o.name}`, process.execPath, args, { env: { ...process.env, ...o.env } });
  try {
    const m = await waitForOutput(child, /Forwarding\s+(http:\/\/(\S+))\s+->/, 30_000);
    return { child, pid: child.pid, publicUrl: m[1]!, host: m[2]!, stop: () => child.stop('SIGTERM', 8000) };
  } catch (err) {
    await child.stop('SIGKILL');
    throw err;
  }
}
