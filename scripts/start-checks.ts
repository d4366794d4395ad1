// What `npm start` checks before choosing the desktop app or headless mode: is the build current,
// is there an Electron binary (found without letting the electron package download it), is there
// a display. Plain functions over paths and env, tested in tests/unit/electron-start.test.ts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The executable inside node_modules/electron/dist, as electron's install.js lays it out. */
export function electronPlatformPath(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

export type BinaryLookup = { ok: true; path: string } | { ok: false; reason: string };

/**
 * The Electron binary the electron package would run, or why there is none. Reads path.txt
 * and dist/ itself: requiring the package would start a download when the binary is missing.
 */
export function findElectronBinary(electronDir: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): BinaryLookup {
  if (!existsSync(path.join(electronDir, 'package.json'))) return { ok: false, reason: 'the electron package is not installed' };
  const pathFile = path.join(electronDir, 'path.txt');
  const recorded = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const bin = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, recorded || electronPlatformPath(platform));
    return existsSync(bin) ? { ok: true, path: bin } : { ok: false, reason: `no Electron binary at ELECTRON_OVERRIDE_DIST_PATH (${bin})` };
  }
  if (!recorded) return { ok: false, reason: 'the Electron binary has not been downloaded' };
  const bin = path.join(electronDir, 'dist', recorded);
  return existsSync(bin) ? { ok: true, path: bin } : { ok: false, reason: `the Electron binary is missing (${bin})` };
}

/** Why Electron cannot show a window here, or null. Only Linux and the BSDs need a display server named in env. */
export function displayProblem(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | null {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return null;
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return null;
  return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
}

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/** The build's outputs, and what they are built from (relative to the project root). */
export const BUILD_OUTPUTS = ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html', 'dist/renderer/app.js'];
export const BUILD_INPUTS = ['main', 'preload', 'renderer', 'assets', 'scripts/build.ts', 'package.json'];

/** Why dist/ must be (re)built, or null when every output exists and is newer than every input. */
export function buildStaleness(root: string): string | null {
  let oldestOutput = Infinity;
  for (const out of BUILD_OUTPUTS) {
    const file = path.join(root, out);
    if (!existsSync(file)) return `${out} is missing`;
    oldestOutput = Math.min(oldestOutput, statSync(file).mtimeMs);
  }
  for (const input of BUILD_INPUTS) {
    if (newestMtime(path.join(root, input)) > oldestOutput) return `${input} changed since the last build`;
  }
  return null;
}
