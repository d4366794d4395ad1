// Details of one request: summary and both header lists (secrets arrive masked from the service).
import { useEffect, useRef } from 'react';
import type { RequestView } from '../../preload/contract.ts';
import { formatDuration, formatTime, statusClass } from '../format.ts';

interface Props {
  request: RequestView;
  tunnelName: string;
  onClose: () => void;
}

export function RequestDetails({ request: r, tunnelName, onClose }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [r.id]);
  return (
    <aside className="panel details" aria-labelledby="request-details-title">
      <div className="details-head">
        <h2 id="request-details-title" tabIndex={-1} ref={heading} className="mono">
          <span className="method">{r.method}</span> {r.path}
        </h2>
        <button type="button" className="button ghost small" onClick={onClose} aria-label="Close details">
          ×
        </button>
      </div>
      <dl className="summary">
        <dt>Status</dt>
        <dd>
          <span className={`http-status ${statusClass(r.status)}`}>{r.status}</span>
        </dd>
        <dt>Time</dt>
        <dd>{formatTime(r.startedAt)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(r.durationMs)}</dd>
        <dt>User</dt>
        <dd>{r.user ?? 'not signed in'}</dd>
        <dt>Tunnel</dt>
        <dd>{tunnelName}</dd>
      </dl>
      <HeaderTable title="Request headers" headers={r.requestHeaders} />
      <HeaderTable title="Response headers" headers={r.responseHeaders} />
    </aside>
  );
}

function HeaderTable({ title, headers }: { title: string; headers: [string, string][] }) {
  return (
    <>
      <h3>{title}</h3>
      {headers.length === 0 ? (
        <p className="muted">None</p>
      ) : (
        <table className="headers" aria-label={title}>
          <tbody>
            {headers.map(([name, value], i) => (
              <tr key={`${name}-${i}`}>
                <th scope="row" className="mono">
                  {name}
                </th>
                <td className="mono">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
