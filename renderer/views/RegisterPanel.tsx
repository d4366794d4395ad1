// The URIs to register at the IdP, each with Copy, and the seed's JumpCloud steps.
import { CopyButton } from '../components/CopyButton.tsx';
import { useApp } from '../context.ts';

function UriRow({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <div className="uri-row" role="group" aria-labelledby={id}>
      <span className="uri-label" id={id}>
        {label}
      </span>
      <div className="uri-value">
        <code>{value}</code>
        <CopyButton text={value} />
      </div>
    </div>
  );
}

export function RegisterPanel() {
  const info = useApp((s) => s.info);
  return (
    <aside className="side">
      <div className="panel register">
        <h2>Register Gatehouse at your IdP</h2>
        {info ? (
          <>
            <UriRow id="redirect-uri-label" label="Redirect URI" value={info.redirectUri} />
            <UriRow id="logout-uri-label" label="Post-logout redirect URI" value={info.postLogoutRedirectUri} />
          </>
        ) : (
          <p className="muted">Waiting for the edge…</p>
        )}
        <p className="field-hint">One registration serves every tunnel, random names included.</p>
      </div>
      <details className="panel help" open>
        <summary>
          <h2>Set up JumpCloud</h2>
        </summary>
        <ol>
          <li>
            In the JumpCloud Console open <b>SSO</b>, click <b>+ Add New Application</b> and choose <b>Custom OIDC App</b>. Give it a
            Display Label, for example <i>Gatehouse</i>.
          </li>
          <li>
            On the <b>SSO</b> tab, paste the <b>Redirect URI</b> above into <b>Redirect URIs</b>.
          </li>
          <li>
            Select <b>Client Secret Basic</b> as the <b>Client Authentication Type</b>.
          </li>
          <li>
            Enter a tunnel’s Forwarding URL as the <b>Login URL</b>, then click <b>Activate</b>.
          </li>
          <li>
            Copy the <b>Client ID</b> and <b>Client Secret</b> from the popup into this form. The issuer is{' '}
            <code>https://oauth.id.jumpcloud.com/</code>.
          </li>
          <li>
            On the app’s <b>User Groups</b> tab, tick the groups allowed in (for example <b>All Users</b>) and click <b>Save</b>:
            nobody can sign in until a group is assigned.
          </li>
        </ol>
      </details>
    </aside>
  );
}
