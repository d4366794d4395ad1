// nginx as the reference reverse proxy: a generated config in a temp dir, run in the foreground
// as a child of the bench (never as a system service).
//
// Choices, all aimed at a like-for-like comparison with Gatehouse:
// - worker_processes 1: Gatehouse is one event loop; on this 2-core machine the load generator
//   and the upstream need the other core, so more workers would only contend.
// - upstream keepalive 64 + HTTP/1.1 + empty Connection header: connections to the app are
//   reused, as Gatehouse's agent does; keepalive_requests raised so neither side recycles
//   connections mid-run (Node's server and Gatehouse never do).
// - proxy_buffering off and proxy_request_buffering off: Gatehouse streams bodies both ways
//   with backpressure and never spools to disk; nginx's defaults would spool a 256 MiB body to
//   a temp file (upload fully before forwarding), which measures the disk, not the proxy.
// - access_log off: Gatehouse runs with --log false.
// - X-Forwarded-* and the visitor's Host are passed, as Gatehouse's edge does.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup, spawnChild, waitForPort, type Child } from './procs.ts';

export interface Nginx {
  child: Child;
  port: number;
  stop(): Promise<void>;
}

export function nginxConfig(dir: string, listenPort: number, upstreamPort: number): string {
  const t = (n: string) => join(dir, n);
  return `worker_processes 1;
pid ${t('nginx.pid')};
error_log ${t('error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path ${t('body')};
  proxy_temp_path ${t('proxy')};
  fastcgi_temp_path ${t('fastcgi')};
  uwsgi_temp_path ${t('uwsgi')};
  scgi_temp_path ${t('scgi')};
  upstream app {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${listenPort};
    client_max_body_size 0;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_buffering off;
      proxy_request_buffering off;
    }
  }
}
`;
}

export async function startNginx(bin: string, listenPort: number, upstreamPort: number): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-nginx-'));
  const removeDir = onCleanup(() => rm(dir, { recursive: true, force: true }));
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) await mkdir(join(dir, d));
  const conf = join(dir, 'nginx.conf');
  await writeFile(conf, nginxConfig(dir, listenPort, upstreamPort));
  // -e: the startup error log too (the compiled-in default may not be writable).
  const child = spawnChild('nginx', bin, ['-e', join(dir, 'error.log'), '-p', dir, '-c', conf, '-g', 'daemon off;']);
  try {
    await waitForPort(listenPort, 10_000, child);
  } catch (err) {
    await child.stop('SIGKILL');
    await removeDir();
    throw err;
  }
  return {
    child,
    port: listenPort,
    async stop() {
      await child.stop('SIGTERM'); // nginx: TERM is a fast shutdown
      await removeDir();
    },
  };
}
