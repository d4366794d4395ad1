// Screenshots of the main views in Chromium, light and dark, into docs/screenshots/*.png.
//   node scripts/screenshots.ts http://127.0.0.1:4040   a running headless app (`gatehouse start`)
//   node scripts/screenshots.ts --demo                  the built renderer on a throwaway static
//                                                       server with an in-page demo API (for docs
//                                                       and UI work only; never used by tests)
import { createServer, type Server } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { GatehouseApi, GatehouseEvent, RequestView, SettingsView, TunnelView } from '../preload/contract.ts';
import { launchBrowser } from '../tests/support/browser.ts';
import { RENDERER_HEADERS, rendererType, resolveRendererPath } from '../main/common/renderer-assets.ts';
import { hostPort, listen } from '../main/common/net.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'docs/screenshots');

/** Runs inside the page (serialised by addInitScript): a self-contained stand-in for window.gatehouse. */
function installDemoApi(): void {
  const now = Date.now();
  const settings: SettingsView = {
    issuerUrl: 'https://oauth.id.jumpcloud.com/',
    clientId: '5f1c2a7e-93b4-4d0b-9a61-0c8e4f2d7b15',
    scopes: ['openid', 'profile', 'email'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    groupsClaim: 'groups',
    allowEmails: [],
    allowDomains: ['acme.com'],
    allowGroups: ['engineering'],
    edge: { kind: 'embedded', addr: '127.0.0.1:8080' },
    clientSecretStored: true,
    authtokenStored: false,
  };
  const tunnels: TunnelView[] = [
    { id: 't1', addr: 'localhost:3000', name: 'acme-dashboard', sso: true, status: 'online', publicUrl: 'http://acme-dashboard.localhost:8080' },
    { id: 't2', addr: 'http://127.0.0.1:8000', name: 'api-preview', sso: false, status: 'online', publicUrl: 'http://api-preview.localhost:8080' },
    {
      id: 't3',
      addr: '5173',
      name: 'storybook',
      sso: true,
      status: 'error',
      reason: 'The app at localhost:5173 is not answering. Start it, then press Start.',
    },
  ];
  const people = ['ana@acme.com', 'li.wei@acme.com', 'sam@acme.com'];
  const paths: [string, string, number, number, string][] = [
    ['GET', '/', 200, 38, 't1'],
    ['GET', '/assets/app-4f9c1b.js', 200, 12, 't1'],
    ['GET', '/assets/app-9a02e3.css', 200, 9, 't1'],
    ['GET', '/api/projects?limit=20', 200, 64, 't1'],
    ['POST', '/api/projects/42/comments', 201, 118, 't1'],
    ['GET', '/api/me', 200, 21, 't1'],
    ['GET', '/v1/health', 200, 3, 't2'],
    ['GET', '/v1/orders/9912', 404, 7, 't2'],
    ['PUT', '/v1/orders/9911', 200, 86, 't2'],
    ['GET', '/reports/q3.pdf', 200, 1420, 't1'],
    ['DELETE', '/api/projects/42/comments/7', 204, 44, 't1'],
    ['GET', '/v1/orders?status=open', 500, 231, 't2'],
    ['GET', '/favicon.ico', 304, 2, 't1'],
  ];
  let requests: RequestView[] = paths.map(([method, p, status, durationMs, tunnelId], i) => ({
    id: `r${i}`,
    tunnelId,
    startedAt: now - (paths.length - i) * 7300,
    durationMs,
    method,
    path: p,
    status,
    ...(tunnelId === 't1' ? { user: people[i % people.length] } : {}),
    requestHeaders: [
      ['Host', tunnelId === 't1' ? 'acme-dashboard.localhost:8080' : 'api-preview.localhost:8080'],
      ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36'],
      ['Accept', method === 'GET' ? 'text/html,application/xhtml+xml,*/*;q=0.8' : 'application/json'],
      ['Accept-Encoding', 'gzip, deflate, br'],
      ['Cookie', '__gatehouse_session=••••••••; theme=dark'],
      ['X-Forwarded-For', '127.0.0.1'],
      ['X-Forwarded-Proto', 'http'],
      ...(tunnelId === 't1' ? ([['X-Forwarded-Email', people[i % people.length] ?? '']] as [string, string][]) : []),
    ],
    responseHeaders: [
      ['Content-Type', p.endsWith('.js') ? 'text/javascript' : p.startsWith('/api') || p.startsWith('/v1') ? 'application/json' : 'text/html; charset=utf-8'],
      ['Content-Length', String(200 + ((i * 977) % 9000))],
      ['Cache-Control', 'no-cache'],
      ['Date', new Date(now).toUTCString()],
    ],
  }));
  requests.reverse();
  const ok = <T,>(value: T) => Promise.resolve({ ok: true as const, value });
  const listeners = new Set<(e: GatehouseEvent) => void>();
  const api: GatehouseApi = {
    getInfo: () =>
      Promise.resolve({
        version: '0.1.0',
        edge: { status: 'online', url: 'http://localhost:8080' },
        redirectUri: 'http://localhost:8080/oauth2/callback',
        postLogoutRedirectUri: 'http://localhost:8080/.gatehouse/logged-out',
        shell: 'headless',
      }),
    getSettings: () => Promise.resolve(settings),
    saveSettings: () => ok(settings),
    testConnection: () =>
      ok({
        issuer: 'https://oauth.id.jumpcloud.com/',
        authorizationEndpoint: 'https://oauth.id.jumpcloud.com/oauth2/auth',
        tokenEndpoint: 'https://oauth.id.jumpcloud.com/oauth2/token',
        userinfoEndpoint: 'https://oauth.id.jumpcloud.com/userinfo',
        endSessionEndpoint: 'https://oauth.id.jumpcloud.com/oauth2/sessions/logout',
        tokenEndpointAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
        scopesSupported: ['openid', 'profile', 'email', 'offline_access'],
      }),
    listTunnels: () => Promise.resolve(tunnels),
    addTunnel: (input) => ok({ id: 'new', status: 'starting', ...input }),
    removeTunnel: () => ok(null),
    startTunnel: (id) => ok(tunnels.find((t) => t.id === id) ?? tunnels[0]!),
    stopTunnel: (id) => ok({ ...(tunnels.find((t) => t.id === id) ?? tunnels[0]!), status: 'stopped' }),
    listRequests: () => Promise.resolve(requests),
    clearRequests: () => {
      requests = [];
      return ok(null);
    },
    copyText: () => ok(null),
    openExternal: () => ok(null),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  (window as unknown as { gatehouse: GatehouseApi }).gatehouse = api;
}

/** Serves dist/renderer on a loopback port, for --demo only, with the app's own headers and path rule. */
async function serveRenderer(): Promise<{ url: string; server: Server }> {
  const dir = path.join(root, 'dist/renderer');
  // Always rebuild (a fast esbuild step): a stale bundle would shoot yesterday's UI.
  execFileSync(process.execPath, [path.join(root, 'scripts/build.ts'), '--renderer'], { stdio: 'inherit' });
  const server = createServer((req, res) => {
    const file = resolveRendererPath(dir, new URL(req.url ?? '/', 'http://x').pathname);
    if (!file) return void res.writeHead(404).end();
    readFile(file).then(
      (body) => res.writeHead(200, { ...RENDERER_HEADERS, 'Content-Type': rendererType(file) }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  const port = await listen(server, 0, '127.0.0.1');
  return { url: `http://${hostPort('127.0.0.1', port)}`, server };
}

async function shoot(page: Page, base: string, view: string, file: string, demo: boolean): Promise<void> {
  await page.goto(`${base}/#${view}`);
  await page.waitForSelector('.view');
  if (view === 'requests') {
    const row = page.locator('.requests tbody tr').nth(demo ? 1 : 0);
    if (await row.count()) await row.click();
  }
  if (view === 'settings' && demo) {
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.waitForSelector('.test-result');
  }
  if (view === 'tunnels') await page.waitForFunction(() => [...document.querySelectorAll('img.qr')].every((i) => (i as HTMLImageElement).complete));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(outDir, file), fullPage: true });
  console.log(`screenshots: docs/screenshots/${file}`);
}

const arg = process.argv[2];
if (!arg || arg === '--help') {
  console.error('usage: node scripts/screenshots.ts <http://127.0.0.1:4040 | --demo>');
  process.exit(2);
}
const demo = arg === '--demo';
const served = demo ? await serveRenderer() : null;
const base = (served?.url ?? arg).replace(/\/$/, '');

await mkdir(outDir, { recursive: true });
const browser = await launchBrowser();
try {
  for (const scheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 }, colorScheme: scheme, deviceScaleFactor: 1 });
    if (demo) await context.addInitScript(installDemoApi);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    const suffix = scheme === 'dark' ? '-dark' : '';
    for (const view of ['tunnels', 'requests', 'settings']) await shoot(page, base, view, `${view}${suffix}.png`, demo);
    await context.close();
  }
} finally {
  await browser.close();
  served?.server.close();
}
