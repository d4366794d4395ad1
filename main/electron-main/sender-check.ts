// Who may call the app service over IPC: only the main frame of our own window, showing our own
// app:// page. Everything else (another window, an iframe, a page that navigated away, a frame
// already gone) is refused. Pure so the rule is tested in Node; ipc.ts gathers the facts.
import { isAppUrl } from './app-origin.ts';

export interface SenderFacts {
  /** `event.sender.id` */
  webContentsId: number;
  /** The id of our window's webContents, or null when there is no window. */
  expectedWebContentsId: number | null;
  /** `event.senderFrame`, reduced to what matters; null once the frame navigated or was destroyed. */
  frame: { url: string; isMainFrame: boolean } | null;
}

/** Why the sender is refused, or null when it is our app's main frame. */
export function senderProblem(f: SenderFacts): string | null {
  if (f.expectedWebContentsId === null || f.webContentsId !== f.expectedWebContentsId) return 'not the Gatehouse window';
  if (!f.frame) return 'the sending frame is gone';
  if (!f.frame.isMainFrame) return 'not the main frame';
  if (!isAppUrl(f.frame.url)) return 'not the Gatehouse page';
  return null;
}

export class UntrustedSenderError extends Error {
  constructor(reason: string) {
    super(`IPC refused: ${reason}`);
    this.name = 'UntrustedSenderError';
  }
}

/** Throws UntrustedSenderError unless `senderProblem` finds nothing. */
export function assertTrustedSender(f: SenderFacts): void {
  const problem = senderProblem(f);
  if (problem) throw new UntrustedSenderError(problem);
}
