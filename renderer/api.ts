// Picks the way to reach the service: the Electron preload's `window.gatehouse`, or, when the page
// is served by `gatehouse start`, the same contract over HTTP.
import type { GatehouseApi } from '../preload/contract.ts';
import { createHttpApi } from './transport-http.ts';

declare global {
  interface Window {
    gatehouse?: GatehouseApi;
  }
}

export interface ResolvedApi {
  api: GatehouseApi;
  /** True when the page talks HTTP to a headless service: its clipboard and browser are the viewer's. */
  headless: boolean;
}

export function resolveApi(onReconnect: () => void): ResolvedApi {
  if (window.gatehouse) return { api: window.gatehouse, headless: false };
  return { api: createHttpApi({ onReconnect }), headless: true };
}
