// `npm start`: the desktop app, or headless mode where the desktop app cannot run.
//   1. Build dist/ (node scripts/build.ts) when it is missing or older than its sources.
//   2. Find the Electron binary without letting the electron package download it in-process;
//      if it is missing, run electron's install.js once (60 s at most; skipped when
//      ELECTRON_SKIP_BINARY_DOWNLOAD is set).
//   3. No binary, no display, or Electron dying during startup: one line saying why, then
//      `node bin/gatehouse.js start` instead. `--headless` goes there directly; other arguments
//      are passed to headless mode (e.g. `npm start -- --web-addr 127.0.0.1:4041`).
// Signals are forwarded to the child, and its exit code becomes ours.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStaleness, displayProblem, findElectronBinary } from './start-checks.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INSTALL_TIMEOUT_MS = 60_000;
/** An Electron that exits non-zero this soon after launch did not start (no sandbox helper, missing libraries, …). */
const STARTUP_WINDOW_MS = 15_000;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function electronDir(): string | null {
  try {
    // Resolving package.json does not run the package (its index.js would start a download).
    return path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

function ensureBuilt(): void {
  const why = buildStaleness(root);
  if (!why) return;
  console.log(`start: building (${why})`);
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/build.ts')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** The Electron binary, or why the desktop app cannot run here. */
function desktopOrReason(): { bin: string } | { reason: string } {
  const dir = electronDir();
  if (!dir) return { reason: 'the electron package is not installed' };
  let found = findElectronBinary(dir, process.env, process.platform);
  if (!found.ok && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD && !process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    // One attempt; its own output would only repeat what the single line below says.
    spawnSync(process.execPath, [path.join(dir, 'install.js')], { cwd: dir, stdio: 'ignore', timeout: INSTALL_TIMEOUT_MS });
    const again = findElectronBinary(dir, process.env, process.platform);
    found = again.ok ? again : { ok: false, reason: `${found.reason} and could not be downloaded` };
  }
  if (!found.ok) return { reason: found.reason };
  const noDisplay = displayProblem(process.env, process.platform);
  return noDisplay ? { reason: noDisplay } : { bin: found.path };
}

/** Runs a child with our stdio, forwards signals to it, and resolves with its exit. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const s of SIGNALS) process.on(s, forward);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (err) => {
      console.error(`start: ${cmd} could not run: ${err.message}`);
      resolve({ code: 1, signal: null });
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  }).finally(() => {
    for (const s of SIGNALS) process.off(s, forward);
  });
  return { child, exited };
}

function exitLike(r: { code: number | null; signal: NodeJS.Signals | null }): never {
  process.exit(r.code ?? 128 + (r.signal ? (constants.signals[r.signal] ?? 0) : 0));
}

async function headless(args: string[]): Promise<never> {
  exitLike(await run(process.execPath, [path.join(root, 'bin/gatehouse.js'), 'start', ...args], process.env).exited);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const forceHeadless = args.includes('--headless');
  const rest = args.filter((a) => a !== '--headless');
  ensureBuilt();
  if (forceHeadless) return headless(rest);

  const desktop = desktopOrReason();
  if ('reason' in desktop) {
    console.log(`start: the desktop app cannot start here: ${desktop.reason}; running headless instead.`);
    return headless(rest);
  }
  // ELECTRON_RUN_AS_NODE would turn the binary into plain Node.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const startedAt = Date.now();
  let signalled = false;
  for (const s of SIGNALS) process.once(s, () => (signalled = true));
  const result = await run(desktop.bin, [root], env).exited;
  const early = Date.now() - startedAt < STARTUP_WINDOW_MS;
  if (!signalled && early && (result.code !== 0 || result.signal)) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
    console.log(`start: the desktop app cannot start here: Electron ${how} during startup; running headless instead.`);
    return headless(rest);
  }
  exitLike(result);
}

await main();
