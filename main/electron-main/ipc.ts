// The IPC adapter: one `ipcMain.handle` per contract method (IPC_PREFIX + method). Every call is
// refused unless it comes from the main frame of our window showing app://gatehouse/; the service
// then validates the arguments itself (`service.call`). Events go to our window's main frame only.
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { API_METHODS, EVENT_CHANNEL, IPC_PREFIX } from '../../preload/contract.ts';
import type { AppService } from '../app/service.ts';
import { isAppUrl } from './app-origin.ts';
import { senderProblem, UntrustedSenderError, type SenderFacts } from './sender-check.ts';

export function senderFacts(event: IpcMainInvokeEvent, win: BrowserWindow | null): SenderFacts {
  const ours = win && !win.isDestroyed() ? win.webContents : null;
  const frame = event.senderFrame;
  let facts: SenderFacts['frame'] = null;
  if (frame && !frame.isDestroyed() && ours) {
    const main = ours.mainFrame;
    const isMainFrame = frame.parent === null && frame.processId === main.processId && frame.routingId === main.routingId;
    facts = { url: frame.url, isMainFrame };
  }
  return { webContentsId: event.sender.id, expectedWebContentsId: ours ? ours.id : null, frame: facts };
}

export interface IpcOptions {
  ipcMain: IpcMain;
  service: AppService;
  /** The window whose main frame may call; null while there is none. */
  window: () => BrowserWindow | null;
  /** Told about refused calls (never about arguments: they may hold secrets). */
  onRefused?: (method: string, reason: string) => void;
}

/** Registers the handlers and the event relay; returns a function that removes them. */
export function registerIpc(opts: IpcOptions): () => void {
  for (const method of API_METHODS) {
    opts.ipcMain.handle(IPC_PREFIX + method, (event, ...args: unknown[]) => {
      const problem = senderProblem(senderFacts(event, opts.window()));
      if (problem) {
        opts.onRefused?.(method, problem);
        throw new UntrustedSenderError(problem);
      }
      return opts.service.call(method, args);
    });
  }
  const unsubscribe = opts.service.onEvent((e) => {
    const win = opts.window();
    if (!win || win.isDestroyed() || !isAppUrl(win.webContents.getURL())) return;
    win.webContents.send(EVENT_CHANNEL, e);
  });
  return () => {
    unsubscribe();
    for (const method of API_METHODS) opts.ipcMain.removeHandler(IPC_PREFIX + method);
  };
}
