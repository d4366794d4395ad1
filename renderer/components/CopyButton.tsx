// "Copy" with a quiet confirmation next to it (the button keeps its name, so it stays findable).
import { useEffect, useRef, useState } from 'react';
import { useAppContext, useHeadless } from '../context.ts';
import { copyText } from '../shell-actions.ts';

export function CopyButton({ text, className }: { text: string; className?: string }) {
  const { api } = useAppContext();
  const headless = useHeadless();
  const [feedback, setFeedback] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  async function onClick(): Promise<void> {
    const ok = await copyText(api, headless, text);
    setFeedback(ok ? 'Copied' : 'Could not copy');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setFeedback(''), 2000);
  }

  return (
    <span className={`copy ${className ?? ''}`}>
      <button type="button" className="button secondary small" onClick={() => void onClick()}>
        <CopyIcon />
        Copy
      </button>
      <span className="copy-feedback" role="status" aria-live="polite">
        {feedback}
      </span>
    </span>
  );
}

function CopyIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" width="14" height="14" className="icon">
      <rect x="5" y="5" width="8.5" height="8.5" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path d="M3 10.5V3.8C3 3.1 3.6 2.5 4.3 2.5H10.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
    </svg>
  );
}
