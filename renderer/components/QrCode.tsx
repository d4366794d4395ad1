// A QR code of a URL, rendered to SVG by `qrcode` and shown as a data: image (allowed by the CSP,
// no innerHTML).
import { toString as qrToSvg } from 'qrcode';
import { useEffect, useState } from 'react';

export function QrCode({ value, size = 112 }: { value: string; size?: number }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    qrToSvg(value, { type: 'svg', margin: 1, errorCorrectionLevel: 'M', color: { dark: '#111827', light: '#ffffff' } })
      .then((svg) => {
        if (live) setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
      })
      .catch(() => {
        if (live) setSrc(null);
      });
    return () => {
      live = false;
    };
  }, [value]);
  if (!src) return <div className="qr placeholder" aria-hidden="true" />;
  return <img className="qr" src={src} width={size} height={size} alt={`QR code for ${value}`} />;
}
