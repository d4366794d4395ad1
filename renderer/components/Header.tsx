// Brand, the three views, and the edge's state at a glance.
import { useApp } from '../context.ts';
import { VIEWS, type ViewName } from '../store.ts';
import { StatusBadge } from './StatusBadge.tsx';
import { Logo } from './Logo.tsx';

const VIEW_LABEL: Record<ViewName, string> = { tunnels: 'Tunnels', requests: 'Requests', settings: 'Settings' };

export function Header() {
  const view = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const edge = useApp((s) => s.info?.edge);
  const requestCount = useApp((s) => s.requests.length);
  const edgeLabel = !edge
    ? 'Edge …'
    : edge.status === 'online'
      ? 'Edge online'
      : edge.status === 'starting'
        ? 'Edge starting'
        : 'Edge error';
  return (
    <header className="topbar">
      <div className="brand">
        <Logo />
        <span className="brand-name">Gatehouse</span>
      </div>
      <nav className="tabs" aria-label="Views">
        {VIEWS.map((v) => (
          <button
            key={v}
            type="button"
            className="tab"
            aria-current={view === v ? 'page' : undefined}
            onClick={() => setView(v)}
          >
            {VIEW_LABEL[v]}
            {v === 'requests' && requestCount > 0 ? <span className="tab-count">{requestCount}</span> : null}
          </button>
        ))}
      </nav>
      <div className="edge-state" title={edge?.reason ?? edge?.url ?? ''}>
        <StatusBadge status={edge?.status ?? 'starting'} label={edgeLabel} />
      </div>
    </header>
  );
}
