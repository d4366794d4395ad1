// The main window's options. The security-relevant preferences are spelled out even where they are
// Electron's defaults, so a default changing upstream cannot loosen them, and a test pins them.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export interface WindowOptionsInput {
  /** Absolute path of dist/electron/preload.cjs. */
  preload: string;
  /** Absolute path of the window icon (Linux/Windows). */
  icon?: string;
  /** DevTools only in development builds. */
  devTools: boolean;
}

export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
  experimentalFeatures: false,
  enableWebSQL: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  // Middle-click would open links in new windows, around setWindowOpenHandler.
  disableBlinkFeatures: 'Auxclick',
} as const satisfies WebPreferences;

export function mainWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: 'Gatehouse',
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 520,
    // Shown on 'ready-to-show', so the first paint is the page, not a blank frame.
    show: false,
    ...(input.icon ? { icon: input.icon } : {}),
    autoHideMenuBar: true,
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: input.preload, devTools: input.devTools },
  };
}
