// A coloured dot plus the state in words; colour is never the only signal.
import { statusTone } from '../format.ts';

export function StatusBadge({ status, label }: { status: string; label: string }) {
  return (
    <span className={`badge tone-${statusTone(status)}`}>
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}
