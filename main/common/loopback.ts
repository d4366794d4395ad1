// Which host names always mean this machine: localhost, *.localhost, 127.0.0.0/8 and ::1.
// Pure (no Node imports), so the renderer's form checks use the same rule as the service.

export function isLoopbackName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '').replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}
