// The "new tunnel" form: local address, optional name, SSO toggle, Start tunnel. SSO is on by
// default once SSO settings are saved, and cannot be switched on before.
import { useState, type FormEvent } from 'react';
import type { FieldError, TunnelInput } from '../../preload/contract.ts';
import { Field } from '../components/Field.tsx';
import { useApp } from '../context.ts';
import { fieldError, ssoConfigured, unplacedErrors } from '../settings-form.ts';
import { validateLocalAddress, validateTunnelName } from '../validate.ts';
import { FormAlert } from '../components/FormAlert.tsx';

const FIELD_IDS: Record<string, string> = { addr: 'tunnel-addr', name: 'tunnel-name', sso: 'tunnel-sso' };
const FIELDS = Object.keys(FIELD_IDS);

export function TunnelForm() {
  const settings = useApp((s) => s.settings);
  const edge = useApp((s) => s.info?.edge);
  const createTunnel = useApp((s) => s.createTunnel);
  const configured = ssoConfigured(settings);

  const [addr, setAddr] = useState('');
  const [name, setName] = useState('');
  const [ssoChoice, setSsoChoice] = useState<boolean | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const sso = configured && (ssoChoice ?? true);

  function showErrors(list: FieldError[], summary: string | null): void {
    setErrors(list);
    setFormError(summary);
    const first = list.find((e) => FIELD_IDS[e.field]);
    if (first) document.getElementById(FIELD_IDS[first.field] ?? '')?.focus();
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (pending) return;
    const local: FieldError[] = [];
    const addrError = validateLocalAddress(addr);
    if (addrError) local.push({ field: 'addr', message: addrError });
    const nameError = validateTunnelName(name);
    if (nameError) local.push({ field: 'name', message: nameError });
    if (local.length) return showErrors(local, null);

    const input: TunnelInput = { addr: addr.trim(), sso };
    if (name.trim()) input.name = name.trim();
    setPending(true);
    const result = await createTunnel(input);
    setPending(false);
    if (!result.ok) {
      const fields = result.fields ?? [];
      const placed = fields.length > 0 && unplacedErrors(fields, FIELDS).length === 0;
      return showErrors(fields, placed ? null : result.error);
    }
    showErrors([], null);
    setAddr('');
    setName('');
  }

  const extra = unplacedErrors(errors, FIELDS);
  const edgeUrl = URL.parse(edge?.url ?? '') ?? new URL('http://localhost:8080');
  const [scheme, host] = [edgeUrl.protocol, edgeUrl.host];
  return (
    <form className="panel tunnel-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="new-tunnel-title">
      <h2 id="new-tunnel-title">New tunnel</h2>
      <div className="form-row">
        <Field
          id="tunnel-addr"
          label="Local address"
          error={fieldError(errors, 'addr')}
          hint="A port (3000), host:port or URL of the app on this machine."
          className="grow"
        >
          {(p) => (
            <input
              {...p}
              type="text"
              inputMode="url"
              autoComplete="off"
              spellCheck={false}
              placeholder="3000"
              value={addr}
              onChange={(e) => setAddr(e.target.value)}
            />
          )}
        </Field>
        <Field id="tunnel-name" label="Name" note="optional" error={fieldError(errors, 'name')} hint={name.trim() ? `${scheme}//${name.trim().toLowerCase()}.${host}` : 'Leave empty for a random name.'}>
          {(p) => (
            <input
              {...p}
              type="text"
              autoComplete="off"
              spellCheck={false}
              placeholder="random"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="form-row end">
        <div className={`switch-field${configured ? '' : ' disabled'}`}>
          <label className="switch">
            <input
              id="tunnel-sso"
              type="checkbox"
              role="switch"
              checked={sso}
              disabled={!configured}
              onChange={(e) => setSsoChoice(e.target.checked)}
              aria-describedby="tunnel-sso-hint"
            />
            <span className="switch-track" aria-hidden="true" />
            <span>Require single sign-on (SSO)</span>
          </label>
          <p className="field-hint" id="tunnel-sso-hint">
            {configured ? (
              sso ? (
                'Visitors sign in with your identity provider first.'
              ) : (
                'Anyone with the URL can reach your app.'
              )
            ) : (
              <>
                To protect tunnels, set up <a href="#settings">single sign-on</a> first.
              </>
            )}
          </p>
          {fieldError(errors, 'sso') ? (
            <p className="field-error" role="alert">
              {fieldError(errors, 'sso')}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button primary" disabled={pending}>
          {pending ? <span className="spinner" aria-hidden="true" /> : null}
          Start tunnel
        </button>
      </div>
      <FormAlert messages={[formError, ...extra.map((e) => e.message)]} />
    </form>
  );
}
