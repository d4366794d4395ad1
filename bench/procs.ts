// Child processes of the bench: every one is registered, so each is stopped at the end of the
// run, on failure, on Ctrl-C, and (SIGKILL, synchronously) if the bench process exits anyway.
// Temp dirs register a cleanup, run by stopAll() too.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import net from 'node:net';

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** Everything the child wrote so far (stdout + stderr), for error messages. */
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM (or `signal`), then SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const live = new Set<Child>();
const MAX_OUTPUT = 64 * 1024;

export function spawnChild(name: string, cmd: string, args: string[], opts: SpawnOptions = {}): Child {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let out = '';
  const keep = (b: Buffer) => {
    out += b.toString();
    if (out.length > MAX_OUTPUT) out = out.slice(-MAX_OUTPUT);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    proc.once('exit', (code) => resolve(code));
    proc.once('error', () => resolve(null));
  });
  if (proc.pid === undefined) throw new Error(`${name}: could not start ${cmd}`);
  const child: Child = {
    name,
    proc,
    pid: proc.pid,
    output: () => out,
    exited,
    async stop(signal = 'SIGTERM', graceMs = 5000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill(signal);
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      live.delete(child);
    },
  };
  live.add(child);
  void exited.then(() => live.delete(child));
  return child;
}

/** Resolves with the first match of `pattern` in the child's output; rejects if it exits first. */
export function waitForOutput(child: Child, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = pattern.exec(child.output());
      if (m) finish(() => resolve(m));
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`${child.name}: no ${pattern} within ${timeoutMs} ms; output:\n${child.output()}`))),
      timeoutMs,
    );
    const onExit = (code: number | null) =>
      finish(() => reject(new Error(`${child.name} exited (${code}) before ${pattern}; output:\n${child.output()}`)));
    const finish = (f: () => void) => {
      clearTimeout(timer);
      child.proc.stdout?.off('data', check);
      child.proc.stderr?.off('data', check);
      child.proc.off('exit', onExit);
      f();
    };
    child.proc.stdout?.on('data', check);
    child.proc.stderr?.on('data', check);
    child.proc.once('exit', onExit);
    check();
  });
}

/** Runs a command to completion (registered like any child, so a failing run still kills it). */
export async function runToEnd(
  name: string,
  cmd: string,
  args: string[],
  opts: SpawnOptions = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
  proc.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const child: Child = {
    name,
    proc,
    pid: proc.pid ?? -1,
    output: () => stdout + stderr,
    exited: new Promise((resolve, reject) => {
      proc.once('exit', (code) => resolve(code));
      proc.once('error', reject);
    }),
    async stop() {
      proc.kill('SIGKILL');
    },
  };
  live.add(child);
  try {
    const code = await child.exited;
    return { code, stdout, stderr };
  } finally {
    live.delete(child);
  }
}

const cleanups = new Set<() => Promise<void>>();

/** Registers a cleanup (e.g. removing a temp dir) that stopAll() runs after the children stop. */
export function onCleanup(f: () => Promise<void>): () => Promise<void> {
  const once = async () => {
    cleanups.delete(once);
    await f();
  };
  cleanups.add(once);
  return once;
}

let stopping: Promise<void> | null = null;

/** Stops every child, then runs the cleanups; concurrent callers share one shutdown. */
export function stopAll(): Promise<void> {
  stopping ??= (async () => {
    await Promise.all([...live].map((c) => c.stop().catch(() => {})));
    for (const f of [...cleanups]) await f().catch(() => {});
  })().finally(() => (stopping = null));
  return stopping;
}

/** Last resort from a synchronous 'exit' handler. */
export function killAllSync(): void {
  for (const c of live) {
    try {
      c.proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Waits until something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs = 10_000, child?: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (child && (child.proc.exitCode !== null || child.proc.signalCode !== null))
      throw new Error(`${child.name} exited before listening on ${port}; output:\n${child.output()}`);
    if (Date.now() > deadline) throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
