// `npm test`: runs every test file with node's test runner against real parts, including the OS
// keychain. The tests get their own D-Bus session and a throwaway GNOME Keyring, so they never
// need a desktop and never touch a developer's own keychain (set GATEHOUSE_TEST_SESSION_KEYRING=1
// to use the session's keychain instead).
//   npm test                                  all of tests/unit, tests/integration, tests/e2e
//   npm test -- tests/unit/x.test.ts          one file
//   npm test -- --test-name-pattern=cookie    node --test flags pass through
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TEST_DIRS = ['tests/unit', 'tests/integration', 'tests/e2e', 'tests/electron'];
const CHROMIUM = '/usr/bin/chromium';
const INSIDE = 'GATEHOUSE_TEST_PRIVATE_BUS'; // set once we run inside our own dbus-run-session
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
// node --test flags whose value may come as the next argument.
const VALUE_FLAGS = new Set([
  '--test-name-pattern', '--test-skip-pattern', '--test-reporter', '--test-reporter-destination',
  '--test-concurrency', '--test-timeout', '--test-shard', '--import', '--require', '-r', '--conditions', '-C',
]);

const say = (msg: string) => process.stderr.write(`[test] ${msg}\n`);
const args = process.argv.slice(2);

process.exitCode = await main();

async function main(): Promise<number> {
  const ownBus = process.env[INSIDE] === '1';
  if (!ownBus && process.env.GATEHOUSE_TEST_SESSION_KEYRING !== '1') {
    if (which('dbus-run-session')) return reexecOnPrivateBus();
    say('dbus-run-session not found: keychain tests need it (apt-get install dbus gnome-keyring).');
  }
  const keyring = ownBus ? await startKeyring() : null;
  try {
    if (existsSync(CHROMIUM)) process.env.CHROMIUM_PATH ??= CHROMIUM;
    if (existsSync(join(ROOT, 'scripts/build.ts')) && process.env.GATEHOUSE_TEST_SKIP_BUILD !== '1') {
      say('building: node scripts/build.ts');
      const built = await run(process.execPath, ['scripts/build.ts']);
      if (built !== 0) return built;
    }
    return await run(process.execPath, nodeTestArgs(args));
  } finally {
    keyring?.stop();
  }
}

/** Runs this same script inside `dbus-run-session`, forwarding signals to the whole group. */
function reexecOnPrivateBus(): Promise<number> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn('dbus-run-session', ['--', process.execPath, script, ...args], {
    cwd: ROOT,
    stdio: 'inherit',
    detached: true, // own process group, so a signal reaches the keyring and the test runner too
    env: { ...process.env, [INSIDE]: '1' },
  });
  for (const sig of SIGNALS) {
    process.on(sig, () => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // already gone
      }
    });
  }
  return exitCode(child);
}

interface Keyring {
  stop(): void;
}

/** gnome-keyring-daemon on the current (private) bus with an unlocked, throwaway login keyring. */
async function startKeyring(): Promise<Keyring | null> {
  if (!which('gnome-keyring-daemon')) {
    say('gnome-keyring-daemon not found: keychain tests will fail (apt-get install gnome-keyring).');
    return null;
  }
  const home = mkdtempSync(join(tmpdir(), 'gatehouse-keyring-'));
  const runtime = process.env.XDG_RUNTIME_DIR ?? join(home, 'run');
  mkdirSync(runtime, { recursive: true, mode: 0o700 });
  process.env.XDG_RUNTIME_DIR = runtime;
  const daemon = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, XDG_DATA_HOME: join(home, 'data') }, // keyring files live and die here
  });
  let exited = false;
  daemon.on('exit', () => (exited = true));
  // The password of a keyring that is deleted at the end; it is no secret. An empty one does
  // not create the login keyring, hence a word.
  daemon.stdin!.end('gatehouse-test');
  daemon.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    for (const m of chunk.matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm)) process.env[m[1]!] = m[2]!;
  });
  const stop = () => {
    if (!exited) daemon.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  };
  for (const sig of SIGNALS) {
    process.on(sig, () => {
      stop();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15));
    });
  }
  const ready = await waitForSecretService(() => exited);
  say(ready === true ? 'keychain: private GNOME Keyring on a private D-Bus session' : `keychain: NOT ready (${ready})`);
  return { stop };
}

async function waitForSecretService(gone: () => boolean): Promise<true | string> {
  const deadline = Date.now() + 15_000;
  let last = 'org.freedesktop.secrets never appeared on the bus';
  while (Date.now() < deadline && !gone()) {
    const r = spawnSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/',
      'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'], { encoding: 'utf8' });
    if (r.error) return `dbus-send: ${r.error.message}`;
    if (/boolean true/.test(r.stdout)) {
      // The name is up; a real round trip proves the login keyring is unlocked and writable.
      try {
        const { createKeychainStore } = await import('../main/secrets/keychain.ts');
        const probe = createKeychainStore({ service: 'gatehouse-test-probe' });
        await probe.set('probe', 'ready');
        await probe.delete('probe');
        return true;
      } catch (err) {
        last = (err as Error).message;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return gone() ? 'gnome-keyring-daemon exited' : last;
}

function nodeTestArgs(extra: string[]): string[] {
  const files: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < extra.length; i++) {
    const a = extra[i]!;
    if (!a.startsWith('-')) files.push(a);
    else {
      flags.push(a);
      if (VALUE_FLAGS.has(a) && i + 1 < extra.length) flags.push(extra[++i]!);
    }
  }
  const has = (name: string) => flags.some((f) => f === name || f.startsWith(name + '='));
  const dirs = TEST_DIRS.filter((d) => existsSync(join(ROOT, d)));
  const patterns = files.length ? files : dirs.length ? dirs.map((d) => `${d}/**/*.test.ts`) : ['tests/**/*.test.ts'];
  return [
    '--test',
    ...(has('--test-reporter') ? [] : ['--test-reporter=spec']),
    // A safety net so one hung test cannot eat the CI budget; a test may set its own timeout.
    ...(has('--test-timeout') ? [] : ['--test-timeout=300000']),
    ...flags,
    ...patterns,
  ];
}

function run(cmd: string, argv: string[]): Promise<number> {
  return exitCode(spawn(cmd, argv, { cwd: ROOT, stdio: 'inherit' }));
}

function exitCode(child: ChildProcess): Promise<number> {
  return new Promise((res) => {
    child.on('error', (err) => {
      say(`${child.spawnfile}: ${err.message}`);
      res(127);
    });
    child.on('exit', (code, signal) => res(code ?? (signal ? 128 + 15 : 1)));
  });
}

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}
