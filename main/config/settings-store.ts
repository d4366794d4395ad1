// settings.json in the config folder: read with validation, written atomically with mode 0600.
// A broken file is never overwritten or dropped silently: it is moved aside under a name that
// says so, and the error names that file and what was wrong (field names, never values).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import { jsonErrorWhere } from './json-error.ts';
import { defaultConfigDir } from './paths.ts';
import {
  SETTINGS_VERSION,
  defaultSettings,
  describeErrors,
  validateSettings,
  type Settings,
  type SettingsInput,
} from './schema.ts';

export const SETTINGS_FILE = 'settings.json';

/** The settings file exists but cannot be used. `keptAt` is where it was moved, if it was. */
export class SettingsFileError extends Error {
  override name = 'SettingsFileError';
  readonly path: string;
  readonly keptAt: string | null;
  readonly errors: Record<string, string>;
  constructor(message: string, path: string, keptAt: string | null, errors: Record<string, string> = {}) {
    super(message);
    this.path = path;
    this.keptAt = keptAt;
    this.errors = errors;
  }
}

/** Settings given to save() are invalid; `errors` maps field paths to messages for the form. */
export class SettingsValidationError extends Error {
  override name = 'SettingsValidationError';
  readonly errors: Record<string, string>;
  constructor(errors: Record<string, string>) {
    super(`Invalid settings: ${describeErrors(errors)}`);
    this.errors = errors;
  }
}

export interface SettingsStore {
  readonly dir: string;
  readonly path: string;
  /** Defaults when there is no file yet. Throws SettingsFileError for a broken file (moved aside). */
  load(): Promise<Settings>;
  /** Like load(), but falls back to defaults and hands back the problem for the UI to show. */
  loadOrRecover(): Promise<{ settings: Settings; problem: SettingsFileError | null }>;
  /** Validates, then replaces the file atomically. Throws SettingsValidationError. */
  save(input: SettingsInput): Promise<Settings>;
  /** Read-modify-write, serialised with other saves of this store. */
  update(change: (current: Settings) => SettingsInput): Promise<Settings>;
}

export interface SettingsStoreOptions {
  /** Config folder; defaults to defaultConfigDir(). */
  dir?: string;
}

export function createSettingsStore(opts: SettingsStoreOptions = {}): SettingsStore {
  const dir = opts.dir ?? defaultConfigDir();
  const path = join(dir, SETTINGS_FILE);
  let queue: Promise<unknown> = Promise.resolve();
  // One write at a time, in call order, whatever happened to the previous one.
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => {});
    return next;
  };

  const load = () => readSettings(path);

  /** Callers first make sure the file on disk is not from a newer version (load() refuses one). */
  const write = async (input: SettingsInput): Promise<Settings> => {
    const checked = validateSettings(input);
    if (!checked.ok) throw new SettingsValidationError(checked.errors);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, JSON.stringify(checked.settings, null, 2) + '\n', 0o600);
    return checked.settings;
  };

  return {
    dir,
    path,
    load,
    async loadOrRecover() {
      try {
        return { settings: await load(), problem: null };
      } catch (err) {
        if (!(err instanceof SettingsFileError)) throw err;
        return { settings: defaultSettings(), problem: err };
      }
    },
    save: (input) =>
      serial(async () => {
        await refuseNewerFile(path);
        return write(input);
      }),
    update: (change) => serial(async () => write(change(await load()))),
  };
}

async function readSettings(path: string): Promise<Settings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return defaultSettings();
    throw new SettingsFileError(`Cannot read settings file ${path}: ${(err as Error).message}`, path, null);
  }
  text = text.replace(/^\uFEFF/, ''); // editors on Windows may add a BOM
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // V8's message may quote the text around the error, which could hold a secret: say only where.
    const keptAt = await keepAside(path);
    throw new SettingsFileError(
      `Settings file ${path} is not valid JSON${jsonErrorWhere(text)}. ` +
        `It was kept as ${keptAt}; Gatehouse starts from default settings.`,
      path,
      keptAt,
    );
  }
  const version = newerVersion(raw);
  if (version !== null) throw newerError(path, version);
  const checked = validateSettings(raw);
  if (checked.ok) return checked.settings;
  const keptAt = await keepAside(path);
  throw new SettingsFileError(
    `Settings file ${path} has invalid settings (${describeErrors(checked.errors)}). ` +
      `It was kept as ${keptAt}; Gatehouse starts from default settings.`,
    path,
    keptAt,
    checked.errors,
  );
}

function newerVersion(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null || !('version' in raw)) return null;
  const v = (raw as { version: unknown }).version;
  return typeof v === 'number' && v > SETTINGS_VERSION ? v : null;
}

function newerError(path: string, version: number): SettingsFileError {
  return new SettingsFileError(
    `Settings file ${path} was written by a newer Gatehouse (settings version ${version}; this one reads ` +
      `version ${SETTINGS_VERSION}). Upgrade Gatehouse, or move the file away to start over.`,
    path,
    null,
  );
}

// Never overwrite a file from a newer release: it would lose settings this one cannot see.
async function refuseNewerFile(path: string): Promise<void> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return; // missing or unreadable as JSON: nothing newer to protect
  }
  const version = newerVersion(raw);
  if (version !== null) throw newerError(path, version);
}

async function keepAside(path: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const target = `${path}.broken-${stamp}-${randomBytes(3).toString('hex')}`;
  await rename(path, target);
  return target;
}
