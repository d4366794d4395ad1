// One tunnel: its state and why, the Forwarding URL with Copy / Open in browser and a QR code,
// and Stop / Start / Remove.
import { useState } from 'react';
import type { Result, TunnelView } from '../../preload/contract.ts';
import { CopyButton } from '../components/CopyButton.tsx';
import { QrCode } from '../components/QrCode.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useApp, useAppContext, useHeadless } from '../context.ts';
import { STATUS_LABEL } from '../format.ts';
import { openUrl } from '../shell-actions.ts';
import { FormAlert } from '../components/FormAlert.tsx';
import { parseLocalAddr } from '../../main/agent/local-addr.ts';

const RUNNING = new Set(['starting', 'online', 'reconnecting']);

export function TunnelCard({ tunnel }: { tunnel: TunnelView }) {
  const { api } = useAppContext();
  const headless = useHeadless();
  const startTunnel = useApp((s) => s.startTunnel);
  const stopTunnel = useApp((s) => s.stopTunnel);
  const removeTunnel = useApp((s) => s.removeTunnel);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const local = localDisplay(tunnel.addr);
  const title = tunnel.name ?? local;
  const running = RUNNING.has(tunnel.status);
  const url = running ? tunnel.publicUrl : undefined;

  async function run(action: () => Promise<Result<unknown>>): Promise<void> {
    setPending(true);
    const result = await action();
    setPending(false);
    setError(result.ok ? null : result.error);
  }

  async function open(): Promise<void> {
    if (!url) return;
    setError(await openUrl(api, headless, url));
  }

  return (
    <article className={`panel tunnel status-${tunnel.status}`} aria-label={`Tunnel ${title}`}>
      <div className="tunnel-body">
        <div className="tunnel-head">
          <h3 className="tunnel-title">{title}</h3>
          <StatusBadge status={tunnel.status} label={STATUS_LABEL[tunnel.status]} />
          <span className={`pill ${tunnel.sso ? 'pill-sso' : 'pill-public'}`}>{tunnel.sso ? 'SSO' : 'Public'}</span>
        </div>
        {tunnel.reason ? (
          <p className={`reason${tunnel.status === 'error' ? ' bad' : ''}`} role={tunnel.status === 'error' ? 'alert' : undefined}>
            {tunnel.reason}
          </p>
        ) : null}

        <div className="forwarding">
          <span className="forwarding-label">Forwarding</span>
          {url ? (
            <a
              className="forwarding-url"
              aria-label="Forwarding URL"
              href={url}
              target="_blank"
              rel="noopener noreferrer"
              onClick={(e) => {
                e.preventDefault();
                void open();
              }}
            >
              {url}
            </a>
          ) : (
            <span className="forwarding-url muted">{running ? 'waiting for the edge…' : 'offline'}</span>
          )}
          <span className="forwarding-arrow" aria-hidden="true">
            →
          </span>
          <span className="forwarding-local" title="Local address">
            {local}
          </span>
        </div>

        <div className="actions">
          {url ? (
            <>
              <CopyButton text={url} />
              <button type="button" className="button secondary small" onClick={() => void open()}>
                Open in browser
              </button>
            </>
          ) : null}
          <span className="spacer" />
          {running ? (
            <button type="button" className="button secondary small" disabled={pending} onClick={() => void run(() => stopTunnel(tunnel.id))}>
              Stop tunnel
            </button>
          ) : (
            <button type="button" className="button primary small" disabled={pending} onClick={() => void run(() => startTunnel(tunnel.id))}>
              Start
            </button>
          )}
          <button type="button" className="button ghost small danger" disabled={pending} onClick={() => void run(() => removeTunnel(tunnel.id))}>
            Remove
          </button>
        </div>
        <FormAlert messages={[error]} />
      </div>
      {url ? (
        <div className="tunnel-qr">
          <QrCode value={url} />
        </div>
      ) : null}
    </article>
  );
}

/** The local address as the agent reads it (a bare port means localhost:port). */
function localDisplay(addr: string): string {
  try {
    return parseLocalAddr(addr).display;
  } catch {
    return addr; // saved settings are validated; this is only a fallback
  }
}
