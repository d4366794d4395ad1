// Finds the external tools the bench drives (wrk, nginx, curl) and, as root on Debian, installs
// the missing Debian packages. Anything still missing is reported with the reason, never fatal
// except curl (the transfer workloads need it).
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runToEnd } from './procs.ts';

export interface Tools {
  wrk: string | null;
  nginx: string | null;
  curl: string | null;
  versions: Record<string, string>;
  /** Why a tool is absent, e.g. `nginx: not installed and not root on Debian`. */
  notes: string[];
}

const SEARCH = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];

function which(name: string): string | null {
  for (const dir of SEARCH) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return null;
}

function isDebian(): boolean {
  try {
    return /^ID(_LIKE)?=.*debian/m.test(readFileSync('/etc/os-release', 'utf8'));
  } catch {
    return false;
  }
}

export async function findTools(log: (line: string) => void): Promise<Tools> {
  const notes: string[] = [];
  const want: Record<string, string> = { wrk: 'wrk', nginx: 'nginx-light', curl: 'curl' };
  const missing = Object.keys(want).filter((t) => !which(t));
  if (missing.length > 0) {
    const pkgs = missing.map((t) => want[t]!);
    if (process.getuid?.() === 0 && isDebian()) {
      log(`installing ${pkgs.join(' ')} with apt-get`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      let r = await runToEnd('apt-get', 'apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { env });
      if (r.code !== 0) {
        await runToEnd('apt-get', 'apt-get', ['update'], { env });
        r = await runToEnd('apt-get', 'apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { env });
      }
      if (r.code !== 0) notes.push(`apt-get install ${pkgs.join(' ')} failed: ${r.stderr.trim().split('\n').pop()}`);
    } else {
      notes.push(`${pkgs.join(', ')} not installed, and not root on Debian, so not installed by the bench`);
    }
  }
  const tools: Tools = { wrk: which('wrk'), nginx: which('nginx'), curl: which('curl'), versions: {}, notes };
  if (!tools.wrk) notes.push('wrk missing: small-GET load falls back to autocannon');
  if (!tools.nginx) notes.push('nginx missing: the nginx column is skipped');
  if (tools.nginx) tools.versions.nginx = (await runToEnd('nginx', tools.nginx, ['-v'])).stderr.trim();
  if (tools.wrk) tools.versions.wrk = firstLine(await runToEnd('wrk', tools.wrk, ['-v']));
  if (tools.curl) tools.versions.curl = firstLine(await runToEnd('curl', tools.curl, ['--version']));
  return tools;
}

function firstLine(r: { stdout: string; stderr: string }): string {
  return (r.stdout + r.stderr).trim().split('\n')[0]!.trim();
}
