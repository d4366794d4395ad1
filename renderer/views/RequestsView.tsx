// The inspector: recent requests (per tunnel or all), details of the selected one, Clear.
import { useState } from 'react';
import type { RequestView } from '../../preload/contract.ts';
import { useApp } from '../context.ts';
import { formatDuration, formatTime, statusClass } from '../format.ts';
import { RequestDetails } from './RequestDetails.tsx';
import { FormAlert } from '../components/FormAlert.tsx';

export function RequestsView() {
  const requests = useApp((s) => s.requests);
  const tunnels = useApp((s) => s.tunnels);
  const filter = useApp((s) => s.requestFilter);
  const setFilter = useApp((s) => s.setRequestFilter);
  const selectedId = useApp((s) => s.selectedRequestId);
  const select = useApp((s) => s.selectRequest);
  const clearRequests = useApp((s) => s.clearRequests);
  const [error, setError] = useState<string | null>(null);

  const activeFilter = filter !== null && tunnels.some((t) => t.id === filter) ? filter : null;
  const shown = activeFilter === null ? requests : requests.filter((r) => r.tunnelId === activeFilter);
  const selected = shown.find((r) => r.id === selectedId) ?? null;
  const tunnelName = (id: string): string => {
    const t = tunnels.find((x) => x.id === id);
    return t ? (t.name ?? t.addr) : id;
  };

  async function onClear(): Promise<void> {
    const result = await clearRequests(activeFilter ?? undefined);
    setError(result.ok ? null : result.error);
  }

  return (
    <section className="view" aria-labelledby="requests-title">
      <div className="view-head">
        <h1 id="requests-title">Requests</h1>
        <p className="muted">What visitors asked for through your tunnels, newest first.</p>
      </div>
      <div className="toolbar">
        <label className="inline-field">
          <span>Tunnel</span>
          <select value={activeFilter ?? ''} onChange={(e) => setFilter(e.target.value || null)}>
            <option value="">All tunnels</option>
            {tunnels.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name ?? t.addr}
              </option>
            ))}
          </select>
        </label>
        <span className="muted count">
          {shown.length} {shown.length === 1 ? 'request' : 'requests'}
        </span>
        <span className="spacer" />
        <button type="button" className="button secondary small" onClick={() => void onClear()} disabled={shown.length === 0}>
          Clear
        </button>
      </div>
      <FormAlert messages={[error]} />
      {shown.length === 0 ? (
        <p className="empty">No requests yet. Open a Forwarding URL and they show up here as they happen.</p>
      ) : (
        <div className={`inspector${selected ? ' with-details' : ''}`}>
          <div className="panel table-wrap">
            <table className="requests">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Method</th>
                  <th scope="col">Path</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Duration
                  </th>
                  <th scope="col">User</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <RequestRow key={r.id} request={r} selected={r.id === selectedId} onSelect={() => select(r.id === selectedId ? null : r.id)} />
                ))}
              </tbody>
            </table>
          </div>
          {selected ? <RequestDetails request={selected} tunnelName={tunnelName(selected.tunnelId)} onClose={() => select(null)} /> : null}
        </div>
      )}
    </section>
  );
}

function RequestRow({ request: r, selected, onSelect }: { request: RequestView; selected: boolean; onSelect: () => void }) {
  return (
    <tr className={selected ? 'selected' : undefined} onClick={onSelect}>
      <td className="mono muted">{formatTime(r.startedAt)}</td>
      <td className="mono method">{r.method}</td>
      <td className="path">
        <button
          type="button"
          className="row-button mono"
          aria-pressed={selected}
          onClick={(e) => {
            e.stopPropagation();
            onSelect();
          }}
          title={r.path}
        >
          {r.path}
        </button>
      </td>
      <td>
        <span className={`http-status ${statusClass(r.status)}`}>{r.status}</span>
      </td>
      <td className="mono num muted">{formatDuration(r.durationMs)}</td>
      <td className="user">{r.user ?? <span className="muted">—</span>}</td>
    </tr>
  );
}
