// The window: header, service notices, and the current view. Shows a clear line when the
// service cannot be reached at all.
import { useApp } from '../context.ts';
import { RequestsView } from '../views/RequestsView.tsx';
import { SettingsPage } from '../views/SettingsPage.tsx';
import { TunnelsView } from '../views/TunnelsView.tsx';
import { Header } from './Header.tsx';
import { Notices } from './Notices.tsx';

export function App() {
  const view = useApp((s) => s.view);
  const status = useApp((s) => s.status);
  const loadError = useApp((s) => s.loadError);
  const refresh = useApp((s) => s.refresh);
  return (
    <div className="app">
      <Header />
      <main className="content" id="main">
        <Notices />
        {status === 'loading' ? <p className="muted loading">Loading…</p> : null}
        {status === 'failed' ? (
          <div className="panel failed" role="alert">
            <p>Could not load Gatehouse: {loadError}</p>
            <button type="button" className="button" onClick={() => void refresh()}>
              Try again
            </button>
          </div>
        ) : null}
        {status === 'ready' ? (
          view === 'tunnels' ? <TunnelsView /> : view === 'requests' ? <RequestsView /> : <SettingsPage />
        ) : null}
      </main>
    </div>
  );
}
