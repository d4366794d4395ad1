// The sandboxed preload: exposes the contract (preload/contract.ts) as `window.gatehouse` in the
// page's isolated world. A sandboxed preload can require only 'electron'; bridge.ts and the
// contract's constants are bundled in by esbuild (dist/electron/preload.cjs).
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.ts';

contextBridge.exposeInMainWorld('gatehouse', createBridge(ipcRenderer));
