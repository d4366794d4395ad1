// The only door to the OS keychain (macOS Keychain, Windows Credential Vault, Secret Service
// on Linux) through keytar. Secrets never leave through an error message: every failure is
// rewritten into words that name the cause and the fix, and the value is scrubbed from them.

export const KEYCHAIN_SERVICE = 'gatehouse';

/** Well-known accounts under the `gatehouse` service. */
export const SecretAccounts = {
  oidcClientSecret: 'oidc-client-secret',
  authtoken: 'authtoken',
  sessionKey: 'session-key',
} as const;

export interface SecretStore {
  /** The stored value, or null when the account has none. */
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
}

/** The keychain cannot be used at all (no Secret Service, locked keyring, module not built). */
export class SecretStoreUnavailableError extends Error {
  override name = 'SecretStoreUnavailableError';
}

/** The keychain answered but refused one operation. */
export class SecretStoreError extends Error {
  override name = 'SecretStoreError';
}

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

const ACCOUNT = /^[a-z0-9][a-z0-9._-]{0,63}$/;
// Errors libsecret/GLib give when no usable Secret Service is on the session bus.
const UNREACHABLE =
  /d-?bus|autolaunch|could not connect|org\.freedesktop\.secrets|\.service files|collection|prompt|locked|no such (interface|object)|object does not exist|failed to execute child process/i;

const SETUP_HINT =
  process.platform === 'linux'
    ? 'Gatehouse keeps secrets in a Secret Service such as GNOME Keyring or KeePassXC. ' +
      'Install one (Debian/Ubuntu: `apt-get install gnome-keyring dbus`) and run Gatehouse in a desktop session, ' +
      'or start it yourself: `dbus-run-session -- sh -c \'printf %s "$KEYRING_PASSWORD" | ' +
      'gnome-keyring-daemon --unlock --components=secrets; gatehouse ...\'`. ' +
      'On a server, pass secrets through the environment instead.'
    : 'Check that the system keychain is unlocked and that Gatehouse may use it.';

let keytarPromise: Promise<Keytar> | undefined;

// Loaded lazily: importing this file must not load a native module, and a broken build
// should surface as one clear error at first use rather than as a crash at startup.
function loadKeytar(): Promise<Keytar> {
  keytarPromise ??= import('keytar').then(
    (mod) => ((mod as { default?: Keytar }).default ?? mod) as Keytar,
    (err: unknown) => {
      keytarPromise = undefined;
      throw new SecretStoreUnavailableError(
        `The keychain module (keytar) could not be loaded: ${reason(err)}. ` +
          'Rebuild it with `npm rebuild keytar` (needs libsecret-1-dev, python3 and a C++ compiler on Linux).',
      );
    },
  );
  return keytarPromise;
}

export interface KeychainOptions {
  /** Service name; tests use their own so they never touch a user's real entries. */
  service?: string;
}

export function createKeychainStore(opts: KeychainOptions = {}): SecretStore {
  const service = opts.service ?? KEYCHAIN_SERVICE;
  const run = async <T>(op: string, account: string, secret: string | null, fn: (k: Keytar) => Promise<T>) => {
    checkAccount(account);
    const keytar = await loadKeytar();
    try {
      return await fn(keytar);
    } catch (err) {
      throw describe(err, op, account, secret);
    }
  };
  return {
    get: (account) => run('read', account, null, (k) => k.getPassword(service, account)),
    set: async (account, value) => {
      checkValue(account, value);
      return run('save', account, value, (k) => k.setPassword(service, account, value));
    },
    delete: (account) => run('delete', account, null, (k) => k.deletePassword(service, account)),
  };
}


function checkAccount(account: string): void {
  if (typeof account !== 'string' || !ACCOUNT.test(account)) {
    throw new TypeError('Keychain account names are 1-64 lowercase letters, digits, ".", "_" or "-".');
  }
}

function checkValue(account: string, value: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`Refusing to store an empty secret for "${account}"; use delete() instead.`);
  }
}

function describe(err: unknown, op: string, account: string, secret: string | null): Error {
  const why = scrub(reason(err), secret);
  if (UNREACHABLE.test(why)) {
    return new SecretStoreUnavailableError(
      `Could not ${op} "${account}" in the OS keychain: no usable Secret Service (${why}). ${SETUP_HINT}`,
    );
  }
  return new SecretStoreError(`Could not ${op} "${account}" in the OS keychain: ${why}`);
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function scrub(text: string, secret: string | null): string {
  return secret && secret.length >= 4 ? text.split(secret).join('[redacted]') : text;
}
