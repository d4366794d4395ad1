// Copy and open, which differ by shell: in Electron the main process owns the clipboard and the
// default browser; headless, the viewer's browser may be on another machine, so the page uses its
// own clipboard (and still tells the service) and opens links itself.
import type { GatehouseApi } from '../preload/contract.ts';
import { settle } from './store.ts';

export async function copyText(api: GatehouseApi, headless: boolean, text: string): Promise<boolean> {
  // Start the browser write first, inside the click's user activation.
  const local = headless && navigator.clipboard ? navigator.clipboard.writeText(text).then(() => true, () => false) : null;
  const remote = api.copyText(text).then((r) => r.ok, () => false);
  const [localOk, remoteOk] = await Promise.all([local ?? Promise.resolve(false), remote]);
  return localOk || remoteOk;
}

export async function openUrl(api: GatehouseApi, headless: boolean, url: string): Promise<string | null> {
  if (headless) {
    window.open(url, '_blank', 'noopener,noreferrer');
    return null;
  }
  const result = await settle(() => api.openExternal(url));
  return result.ok ? null : result.error;
}
