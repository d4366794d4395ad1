// What "Test connection" found at the issuer, or why it failed.
import type { DiscoveryView, Result, TokenAuthMethod } from '../../preload/contract.ts';

interface Props {
  result: Result<DiscoveryView>;
  method: TokenAuthMethod;
}

export function ConnectionResult({ result, method }: Props) {
  if (!result.ok) {
    return (
      <div className="test-result bad" role="alert">
        <p className="test-title">Connection failed</p>
        <p>{result.error}</p>
      </div>
    );
  }
  const d = result.value;
  const methodSupported = d.tokenEndpointAuthMethods.length === 0 || d.tokenEndpointAuthMethods.includes(method);
  return (
    <div className="test-result ok" role="status">
      <p className="test-title">Connected to the issuer</p>
      <dl className="summary">
        <dt>Issuer</dt>
        <dd className="mono">{d.issuer}</dd>
        <dt>Authorization</dt>
        <dd className="mono">{d.authorizationEndpoint}</dd>
        <dt>Token</dt>
        <dd className="mono">{d.tokenEndpoint}</dd>
        {d.userinfoEndpoint ? (
          <>
            <dt>Userinfo</dt>
            <dd className="mono">{d.userinfoEndpoint}</dd>
          </>
        ) : null}
        {d.endSessionEndpoint ? (
          <>
            <dt>Logout</dt>
            <dd className="mono">{d.endSessionEndpoint}</dd>
          </>
        ) : null}
        <dt>Auth methods</dt>
        <dd className="chips">
          {d.tokenEndpointAuthMethods.length ? (
            d.tokenEndpointAuthMethods.map((m) => (
              <span key={m} className={`chip${m === method ? ' chosen' : ''}`}>
                {m}
              </span>
            ))
          ) : (
            <span className="muted">not listed</span>
          )}
        </dd>
        {d.scopesSupported.length ? (
          <>
            <dt>Scopes</dt>
            <dd className="chips">
              {d.scopesSupported.map((s) => (
                <span key={s} className="chip">
                  {s}
                </span>
              ))}
            </dd>
          </>
        ) : null}
      </dl>
      {methodSupported ? null : (
        <p className="warn">
          This issuer does not list <code>{method}</code>. Pick one of the methods above as the client authentication type.
        </p>
      )}
    </div>
  );
}
