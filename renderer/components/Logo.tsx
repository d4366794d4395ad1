// The app mark: an arch (the gate) over a path, same drawing as assets/icon.svg. Colours come
// from the stylesheet so the mark follows the light or dark theme.
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg className="logo" aria-hidden="true" viewBox="0 0 64 64" width={size} height={size}>
      <rect className="logo-bg" width="64" height="64" rx="15" />
      <path className="logo-arch" d="M18 50V30a14 14 0 0 1 28 0v20" fill="none" strokeWidth="6" strokeLinecap="round" />
      <path className="logo-path" d="M32 50V38" fill="none" strokeWidth="6" strokeLinecap="round" />
    </svg>
  );
}
