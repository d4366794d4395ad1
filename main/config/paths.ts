// Where Gatehouse keeps its non-secret files. One rule for the CLI, the headless server and
// the desktop app, so they all read the same settings.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export const APP_DIR_NAME = 'gatehouse';

/**
 * `GATEHOUSE_CONFIG_DIR` if set; else `$XDG_CONFIG_HOME/gatehouse` or `~/.config/gatehouse` on
 * Linux, `~/Library/Application Support/gatehouse` on macOS, `%APPDATA%\gatehouse` on Windows.
 */
export function defaultConfigDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const override = env.GATEHOUSE_CONFIG_DIR;
  if (override && isAbsolute(override)) return override;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, APP_DIR_NAME);
  // The XDG spec says relative values are invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.config'), APP_DIR_NAME);
}
