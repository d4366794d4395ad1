// Tunnels: the form to start one, then every tunnel with its state.
import { useApp } from '../context.ts';
import { TunnelCard } from './TunnelCard.tsx';
import { TunnelForm } from './TunnelForm.tsx';

export function TunnelsView() {
  const tunnels = useApp((s) => s.tunnels);
  return (
    <section className="view" aria-labelledby="tunnels-title">
      <div className="view-head">
        <h1 id="tunnels-title">Tunnels</h1>
        <p className="muted">Put an app on this machine on a shareable URL, behind single sign-on.</p>
      </div>
      <TunnelForm />
      {tunnels.length ? (
        <div className="tunnel-list">
          {tunnels.map((t) => (
            <TunnelCard key={t.id} tunnel={t} />
          ))}
        </div>
      ) : (
        <p className="empty">No tunnels yet. Enter the port of your local app and press Start tunnel.</p>
      )}
    </section>
  );
}
