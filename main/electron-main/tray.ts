// The tray icon: state (online / connecting / error / stopped) from the service's events, and a
// menu with Start/Stop, Copy URL, Show and Quit. What to show is decided in tray-model.ts.
import path from 'node:path';
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import type { AppService } from '../app/service.ts';
import { applyEvent, trayMenu, trayState, trayTooltip, tunnelsFor, type TrayAction, type TrayMenuItem, type TrayState, type TrayView } from './tray-model.ts';

export interface TrayOptions {
  service: AppService;
  /** Folder holding tray-<state>.png (32×32). */
  assetsDir: string;
  show(): void;
  quit(): void;
  copy(text: string): void;
  onError(message: string): void;
}

function icon(assetsDir: string, state: TrayState): NativeImage {
  const image = nativeImage.createFromPath(path.join(assetsDir, `tray-${state}.png`));
  // macOS menu bar icons are 16 pt: the 32 px file is the @2x rendering.
  return process.platform === 'darwin' ? nativeImage.createFromBuffer(image.toPNG(), { scaleFactor: 2 }) : image;
}

/** Creates the tray; the returned function removes it. */
export async function createTray(opts: TrayOptions): Promise<() => void> {
  const { service } = opts;
  let view: TrayView = { tunnels: await service.listTunnels(), edge: (await service.getInfo()).edge };
  let shown: TrayState | null = null;
  const tray = new Tray(icon(opts.assetsDir, 'stopped'));

  const run = (action: TrayAction): void => {
    switch (action.kind) {
      case 'start-all':
      case 'stop-all': {
        const ids = tunnelsFor(action.kind, view.tunnels);
        const go = (id: string) => (action.kind === 'start-all' ? service.startTunnel(id) : service.stopTunnel(id));
        void Promise.all(ids.map(go)).then((results) => {
          const failed = results.find((r) => !r.ok);
          if (failed && !failed.ok) opts.onError(failed.error);
        }, (err: unknown) => opts.onError(String(err)));
        return;
      }
      case 'copy-url':
        if (action.url) opts.copy(action.url);
        return;
      case 'show':
        opts.show();
        return;
      case 'quit':
        opts.quit();
    }
  };

  const toElectron = (item: TrayMenuItem): MenuItemConstructorOptions =>
    item.type === 'separator'
      ? { type: 'separator' }
      : item.type === 'submenu'
        ? { label: item.label, submenu: item.items.map(toElectron) }
        : { label: item.label, enabled: item.enabled, click: () => run(item.action) };

  const render = (): void => {
    const state = trayState(view.tunnels, view.edge);
    if (state !== shown) {
      tray.setImage(icon(opts.assetsDir, state));
      shown = state;
    }
    tray.setToolTip(trayTooltip(view.tunnels, state));
    tray.setContextMenu(Menu.buildFromTemplate(trayMenu(view.tunnels).map(toElectron)));
  };

  render();
  const unsubscribe = service.onEvent((e) => {
    const next = applyEvent(view, e);
    if (next === view) return;
    view = next;
    render();
  });
  return () => {
    unsubscribe();
    tray.destroy();
  };
}
