// The authenticated workload's setup: the tests' real IdP (panva's oidc-provider over HTTPS with a
// throwaway CA) in this process, a Gatehouse CLI with `--oidc` pointing at it (trusting the CA
// through NODE_EXTRA_CA_CERTS), and one real sign-in through the login form for a session cookie.
import { randomBytes } from 'node:crypto';
import { makeTestTls, type TestTls } from '../tests/support/tls.ts';
import { startIdp, type TestIdp } from '../tests/support/idp.ts';
import { startGatehouse, type Gatehouse } from './gatehouse.ts';
import { applySetCookies, loginForCookie } from './login.ts';
import { request } from './http-client.ts';
import { onCleanup } from './procs.ts';

export interface AuthSetup {
  gatehouse: Gatehouse;
  /** The edge port visitors send to (127.0.0.1). */
  port: number;
  /**
   * The `Cookie` header a browser would send now: the session cookie as last set. Gatehouse rolls
   * a session cookie once a minute; a browser stores the new one, wrk would keep the stale one.
   */
  currentCookie(): Promise<string>;
  /** Proves the cookie still opens the tunnel (200 from the app) and that no cookie does not. */
  check(): Promise<void>;
  stop(): Promise<void>;
}

const USER = {
  id: 'bench-user',
  email: 'bench@example.com',
  name: 'Bench User',
  preferredUsername: 'bench',
  groups: ['engineering'],
  password: randomBytes(12).toString('base64url'),
};

export async function startAuth(upstreamPort: number, edgePort: number, cpuProfDir?: string): Promise<AuthSetup> {
  // oidc-provider prints development notices (in-memory adapter, default TTLs) on first use:
  // true for a throwaway IdP, and noise in the bench's table.
  const { info, warn } = console;
  const quiet =
    (orig: (...a: unknown[]) => void) =>
    (...a: unknown[]) =>
      void (String(a[0]).startsWith('oidc-provider') ? undefined : orig(...a));
  console.info = quiet(info);
  console.warn = quiet(warn);
  try {
    return await startAuthQuietly(upstreamPort, edgePort, cpuProfDir);
  } finally {
    console.info = info;
    console.warn = warn;
  }
}

async function startAuthQuietly(upstreamPort: number, edgePort: number, cpuProfDir?: string): Promise<AuthSetup> {
  let tls: TestTls | null = null;
  let idp: TestIdp | null = null;
  let gatehouse: Gatehouse | null = null;
  const stop = async () => {
    await gatehouse?.stop();
    await idp?.stop();
    await tls?.cleanup();
  };
  try {
    tls = await makeTestTls();
    onCleanup(tls.cleanup);
    const client = { clientId: 'gatehouse-bench', clientSecret: randomBytes(24).toString('base64url') };
    idp = await startIdp({
      tls,
      users: [USER],
      clients: [
        {
          ...client,
          redirectUris: [`http://localhost:${edgePort}/oauth2/callback`, `http://127.0.0.1:${edgePort}/oauth2/callback`],
        },
      ],
    });
    gatehouse = await startGatehouse({
      upstreamPort,
      edgePort,
      name: 'benchauth',
      flags: [`--oidc=${idp.issuer}`, `--oidc-client-id=${client.clientId}`, `--oidc-client-secret=${client.clientSecret}`],
      env: { NODE_EXTRA_CA_CERTS: tls.caPath },
      cpuProfDir,
    });
    const g = gatehouse;
    let cookie = await loginForCookie({ startUrl: `${g.publicUrl}/`, email: USER.email, password: USER.password, idpCa: tls.caPem });
    if (!idp.logins.includes(USER.email)) throw new Error('the IdP saw no form login');
    const check = async () => {
      const withCookie = await request({ port: edgePort, path: '/', host: g.host, headers: { cookie, accept: 'text/html' } });
      if (withCookie.status !== 200 || withCookie.body.toString() !== 'hello, world\n')
        throw new Error(`session cookie no longer opens the tunnel: HTTP ${withCookie.status}`);
      const without = await request({ port: edgePort, path: '/', host: g.host, headers: { accept: 'text/html' } });
      if (without.status === 200) throw new Error('the tunnel answered 200 without a session: policy not enforced');
    };
    await check();
    const currentCookie = async () => {
      const r = await request({ port: edgePort, path: '/', host: g.host, headers: { cookie, accept: 'text/html' } });
      cookie = applySetCookies(cookie, [r.headers['set-cookie'] ?? []].flat());
      return cookie;
    };
    return { gatehouse: g, port: edgePort, currentCookie, check, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}
