#!/usr/bin/env node
// Gatehouse's command line. It needs a Node that strips TypeScript types (24 LTS, or 22.18+);
// on an older one it hands over to the Node 24 that scripts/setup.sh installed in .tools/.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  const local = fileURLToPath(new URL('../.tools/node/node_modules/node/bin/node', import.meta.url));
  if (!existsSync(local)) {
    console.error(`gatehouse: Node ${process.versions.node} is too old; install Node 24 LTS (22.18+ also works), or run: sh scripts/setup.sh`);
    process.exit(1);
  }
  const child = spawn(local, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => (signal ? process.kill(process.pid, signal) : process.exit(code ?? 1)));
} else {
  // Servers run with a smaller V8 young generation (8 MiB semi-spaces): the default lets
  // survivors pile up until a scavenge pauses for 10-20 ms, which is what a proxy's p99 sees
  // (measured: p99 22 -> 15 ms). Not smaller: scavenges would come more often, for nothing, as
  // main/common/gc-pacer.ts already brings them forward during bulk transfers; 16 MiB measured
  // the same as 8.
  // A --max-semi-space-size of the user's own (argv or NODE_OPTIONS) wins; the malloc settings
  // apply either way (GATEHOUSE_TUNED marks the process that already has them).
  // glibc's malloc, by default, hands freed heap back to the kernel at once; a proxy allocates a
  // socket buffer per read, so it then page-faults the same memory back in (measured: 15-25k
  // faults and ~200 ms of kernel time per 256 MiB). Keep up to 64 MiB of freed heap instead.
  // process.execve replaces this process (no supervisor left behind); where it is missing, run as is.
  const SERVER = ['http', 'edge', 'start'];
  const flag = '--max-semi-space-size=8';
  if (SERVER.includes(process.argv[2]) && typeof process.execve === 'function' && !process.env.GATEHOUSE_TUNED) {
    // Node takes `_` for `-` in option names.
    const own = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.replaceAll('_', '-').startsWith('--max-semi-space-size'));
    const env = { MALLOC_TRIM_THRESHOLD_: String(64 * 1024 * 1024), MALLOC_MMAP_THRESHOLD_: String(4 * 1024 * 1024), ...process.env, GATEHOUSE_TUNED: '1' };
    process.execve(process.execPath, [process.execPath, ...(own ? [] : [flag]), ...process.execArgv, ...process.argv.slice(1)], env);
  }
  // The mark is for this process only: a gatehouse server started from it must tune itself again.
  delete process.env.GATEHOUSE_TUNED;
  const { main } = await import('../main/cli/main.ts');
  process.exit(await main(process.argv.slice(2)));
}
