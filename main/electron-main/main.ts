// The Electron entry (bundled to dist/electron/main.cjs): a thin shell over the app service.
// One instance at a time; on ready: guards, the app:// renderer, the service (which starts the
// embedded edge), IPC, the window and the tray. Quitting stops the tunnels gracefully first.
// Imports nothing from the core but main/app/service.ts.
import path from 'node:path';
import { app, clipboard, dialog, ipcMain, session, shell, type BrowserWindow } from 'electron';
import { createAppService, type AppService } from '../app/service.ts';
import { isExternalLinkCandidate } from './app-origin.ts';
import { registerIpc } from './ipc.ts';
import { createTray } from './tray.ts';
import { createMainWindow, denyPermissions, guardWebContents, registerAppScheme, serveRenderer } from './window.ts';

// dist/electron/main.cjs → dist/electron, dist/renderer and assets/ (the same layout in app.asar).
const here = import.meta.dirname;
const paths = {
  preload: path.join(here, 'preload.cjs'),
  renderer: path.join(here, '..', 'renderer'),
  assets: path.join(here, '..', '..', 'assets'),
};
const CLOSE_TIMEOUT_MS = 15_000;

// Like `gatehouse start`: --edge-addr=HOST:PORT for the embedded edge; --user-data-dir=DIR keeps
// Chromium's profile (and the single-instance lock) elsewhere, for a second profile or a test.
const edgeAddr = app.commandLine.getSwitchValue('edge-addr') || undefined;
const userDataDir = app.commandLine.getSwitchValue('user-data-dir');
if (userDataDir) app.setPath('userData', path.resolve(userDataDir));

registerAppScheme();
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // Another Gatehouse is running; it shows its window (second-instance) and this one leaves.
  app.quit();
} else {
  runShell();
}

function runShell(): void {
  let service: AppService | null = null;
  let win: BrowserWindow | null = null;
  let removeTray: (() => void) | null = null;
  let quitting = false;
  let closing = false;
  let closed = false;

  const showWindow = (): void => {
    if (!service) return;
    if (!win || win.isDestroyed()) {
      win = createMainWindow({ preload: paths.preload, icon: path.join(paths.assets, 'icon.png'), devTools: !app.isPackaged });
      win.on('close', (event) => {
        // With a tray the app keeps its tunnels up in the background; Quit is in the tray menu.
        if (!quitting && removeTray) {
          event.preventDefault();
          win?.hide();
        }
      });
      return;
    }
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  // Links from the page: only http(s), and only what the service's allow-list accepts.
  const openLink = (url: string): void => {
    if (!service || !isExternalLinkCandidate(url)) return;
    const opening = service.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK: the service opens only allow-listed URLs
    opening.then(
      (r) => {
        if (!r.ok) console.warn(`gatehouse: not opening a link: ${r.error}`);
      },
      (err: unknown) => console.warn(`gatehouse: opening a link failed: ${String(err)}`),
    );
  };

  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, openLink));
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    if (!removeTray) app.quit();
  });
  app.on('before-quit', (event) => {
    quitting = true;
    if (closed) return;
    event.preventDefault();
    if (closing) return;
    closing = true;
    const timeout = new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref());
    void Promise.race([service?.close(), timeout])
      .catch((err: unknown) => console.error(`gatehouse: stopping tunnels failed: ${String(err)}`))
      .finally(() => {
        closed = true;
        removeTray?.();
        app.quit();
      });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  app
    .whenReady()
    .then(async () => {
      const ses = session.defaultSession;
      denyPermissions(ses);
      serveRenderer(ses, paths.renderer);
      service = await createAppService({
        shell: 'electron',
        edgeAddr,
        clipboard: (text) => clipboard.writeText(text),
        // The service has already checked the URL against its allow-list.
        openExternal: (url) => shell.openExternal(url), // eng-disable OPEN_EXTERNAL_JS_CHECK: called by the service after its allow-list
      });
      registerIpc({
        ipcMain,
        service,
        window: () => win,
        onRefused: (method, reason) => console.warn(`gatehouse: IPC ${method} refused: ${reason}`),
      });
      showWindow();
      try {
        removeTray = await createTray({
          service,
          assetsDir: paths.assets,
          show: showWindow,
          quit: () => app.quit(),
          copy: (text) => clipboard.writeText(text),
          onError: (message) => console.warn(`gatehouse: ${message}`),
        });
      } catch (err) {
        // Some Linux desktops have no tray: the window alone still works, and closing it quits.
        console.warn(`gatehouse: no tray icon: ${String(err)}`);
      }
    })
    .catch((err: unknown) => {
      dialog.showErrorBox('Gatehouse could not start', err instanceof Error ? err.message : String(err));
      closed = true;
      app.exit(1);
    });
}
