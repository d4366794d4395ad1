// The main window and the guards every web contents gets: the renderer is served from
// app://gatehouse/ (app-protocol.ts) and may never leave it, open windows, attach webviews or be
// granted a permission. The rules themselves are pure functions in app-origin.ts.
import { BrowserWindow, protocol, type Session, type WebContents } from 'electron';
import { APP_INDEX_URL, APP_SCHEME, isAppUrl, navigationVerdict, windowOpenVerdict } from './app-origin.ts';
import { createAppRequestHandler } from './app-protocol.ts';
import { mainWindowOptions, type WindowOptionsInput } from './window-options.ts';

/** Must run before `app` is ready: app:// behaves like https (standard, secure origin). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);
}

/** Serves dist/renderer on app://gatehouse/ in `ses`, with the CSP header. */
export function serveRenderer(ses: Session, rendererDir: string): void {
  ses.protocol.handle(APP_SCHEME, createAppRequestHandler(rendererDir));
}

/** No permission (camera, notifications, clipboard-read, …) is ever granted to web content. */
export function denyPermissions(ses: Session): void {
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}

/**
 * Applied to every web contents the app creates (app.on('web-contents-created')): navigation
 * stays on app://gatehouse/, http(s) links go to `openExternally` (the app service checks its
 * allow-list), and new windows and webviews are refused.
 */
export function guardWebContents(contents: WebContents, openExternally: (url: string) => void): void {
  contents.on('will-navigate', (event) => {
    const verdict = navigationVerdict(event.url);
    if (verdict === 'allow') return;
    event.preventDefault();
    if (verdict === 'open-externally') openExternally(event.url);
  });
  // Subframes (the CSP allows none; this is the second lock). The main frame is will-navigate's.
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame && !isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (windowOpenVerdict(url) === 'open-externally') openExternally(url);
    return { action: 'deny' };
  });
}

export function createMainWindow(opts: WindowOptionsInput): BrowserWindow {
  const options = mainWindowOptions(opts);
  // The security preferences are restated in the literal: a later edit of window-options.ts cannot
  // loosen them, and Electronegativity (which reads only this literal) can verify them.
  const win = new BrowserWindow({
    ...options,
    webPreferences: {
      ...options.webPreferences,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_INDEX_URL);
  return win;
}
