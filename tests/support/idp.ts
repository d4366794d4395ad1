// A real OpenID Provider for tests: panva's oidc-provider over HTTPS (test CA), set up like
// JumpCloud: issuer with a trailing slash, client_secret_basic only, scopes openid/profile/email,
// email + email_verified + a groups claim, userinfo for claims. Users sign in through a real HTML
// login form (or press Cancel for access_denied); consent is implicit, as with JumpCloud apps.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { TestTls } from './tls.ts';

export interface TestUser {
  /** The `sub`. */
  id: string;
  email: string;
  emailVerified?: boolean;
  name: string;
  preferredUsername: string;
  groups: string[];
  password: string;
}

export interface TestClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}

export interface StartIdpOptions {
  tls: TestTls;
  users: TestUser[];
  clients: TestClient[];
  /** Claim that carries groups (JumpCloud lets the admin name it). Default `groups`. */
  groupsClaim?: string;
  /** Called with server errors and notable events, for debugging failing tests. */
  log?: (msg: string) => void;
}

export interface TestIdp {
  /** `https://127.0.0.1:PORT/` (trailing slash, like JumpCloud's). */
  issuer: string;
  port: number;
  /** Live user store: change a user's groups (or delete them) and userinfo reflects it. */
  users: Map<string, TestUser>;
  /** Login form submissions that succeeded, by email: proves a test really went through the form. */
  logins: string[];
  stop(): Promise<void>;
}

export async function startIdp(opts: StartIdpOptions): Promise<TestIdp> {
  const groupsClaim = opts.groupsClaim ?? 'groups';
  const users = new Map(opts.users.map((u) => [u.id, { ...u }]));
  const logins: string[] = [];
  const log = opts.log ?? (() => {});

  const server = https.createServer({ key: opts.tls.key, cert: opts.tls.cert });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `https://127.0.0.1:${port}/`;

  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    })),
    clientAuthMethods: ['client_secret_basic'],
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username', groupsClaim],
    },
    async findAccount(_ctx, id) {
      const u = users.get(id);
      if (!u) return undefined;
      return {
        accountId: id,
        claims: async () => {
          const cur = users.get(id) ?? u;
          return {
            sub: id,
            email: cur.email,
            email_verified: cur.emailVerified ?? true,
            name: cur.name,
            preferred_username: cur.preferredUsername,
            [groupsClaim]: cur.groups,
          };
        },
      };
    },
    // JumpCloud apps have no consent screen: grant what the client asked for.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const clientId = ctx.oidc.client!.clientId;
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(clientId);
      if (grantId) {
        const found = await ctx.oidc.provider.Grant.find(grantId);
        if (found) return found;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page(
            'Sign out',
            `${form}<p>Sign out of the test IdP?</p>` +
              `<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>`,
          );
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page('Signed out', '<p>You are signed out of the test IdP.</p>');
        },
      },
    },
    pkce: { required: () => true },
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Grant: 86400, Session: 86400, RefreshToken: 86400 },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    jwks: { keys: [{ ...signingKey, kid: 'test-key', use: 'sig', alg: 'RS256' }] },
  });
  provider.on('server_error', (_ctx: unknown, err: Error) => log(`idp server_error: ${err.message}`));
  provider.on('grant.error', (_ctx: unknown, err: Error) => log(`idp grant.error: ${err.message}`));

  const oidcHandler = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (req.method === 'GET' && !action) return sendHtml(res, 200, loginForm(uid, ''));
    if (req.method === 'POST' && action === 'abort') {
      return provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'End-User aborted interaction' },
        { mergeWithLastSubmission: false },
      );
    }
    if (req.method === 'POST' && action === 'login') {
      const form = new URLSearchParams(await readBody(req));
      const email = form.get('login') ?? '';
      const user = [...users.values()].find((u) => u.email === email && u.password === form.get('password'));
      if (!user) return sendHtml(res, 200, loginForm(uid, 'Invalid email or password.'));
      logins.push(user.email);
      return provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
    }
    sendHtml(res, 405, page('Error', '<p>Method not allowed</p>'));
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const m = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/.exec(new URL(req.url ?? '/', issuer).pathname);
    if (!m) return void oidcHandler(req, res);
    interaction(req, res, m[1]!, m[2]).catch((err: Error) => {
      log(`idp interaction error: ${err.message}`);
      if (!res.headersSent) sendHtml(res, 400, page('Error', `<p>${escape(err.message)}</p>`));
    });
  });

  return {
    issuer,
    port,
    users,
    logins,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function loginForm(uid: string, error: string): string {
  return page(
    'Sign in',
    (error ? `<p class="error">${escape(error)}</p>` : '') +
      `<form method="post" action="/interaction/${uid}/login">` +
      `<label>Email <input type="email" name="login" autofocus required></label>` +
      `<label>Password <input type="password" name="password" required></label>` +
      `<button type="submit">Sign in</button></form>` +
      `<form method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${body}</body></html>`;
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
      if (body.length > 65536) req.destroy(new Error('body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}
