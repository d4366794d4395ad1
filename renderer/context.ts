// React access to the store and the API. One provider at the root; views read slices with useApp.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { GatehouseApi } from '../preload/contract.ts';
import type { AppState } from './store.ts';

export interface AppContextValue {
  store: StoreApi<AppState>;
  api: GatehouseApi;
  headless: boolean;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useAppContext(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('AppContext is missing: render inside <AppContext.Provider>.');
  return value;
}

/**
 * True when the viewer's browser is not on the service's machine side of the IPC: the HTTP
 * transport is in use, or the service says it runs headless. Copy and Open then act in the page.
 */
export function useHeadless(): boolean {
  const { headless } = useAppContext();
  const shell = useApp((s) => s.info?.shell);
  return headless || shell === 'headless';
}

/** Reads one slice of the store; the component re-renders only when that slice changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}
