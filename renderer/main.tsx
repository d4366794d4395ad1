// Entry: pick the transport, build the store, subscribe once, render. The view follows the URL
// hash (#tunnels, #requests, #settings) so a reload or a link lands on the same view.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { resolveApi } from './api.ts';
import { App } from './components/App.tsx';
import { AppContext } from './context.ts';
import { createAppStore, VIEWS, type ViewName } from './store.ts';

function viewFromHash(): ViewName {
  const name = location.hash.replace(/^#\/?/, '');
  return (VIEWS as readonly string[]).includes(name) ? (name as ViewName) : 'tunnels';
}

let refresh = (): void => {};
const { api, headless } = resolveApi(() => refresh());
const store = createAppStore(api, viewFromHash());
refresh = () => void store.getState().refresh();

store.subscribe((state, previous) => {
  if (state.view !== previous.view) history.replaceState(null, '', `#${state.view}`);
});
window.addEventListener('hashchange', () => store.getState().setView(viewFromHash()));
document.documentElement.dataset.shell = headless ? 'headless' : 'electron';

void store.getState().init();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <AppContext.Provider value={{ store, api, headless }}>
      <App />
    </AppContext.Provider>
  </StrictMode>,
);
