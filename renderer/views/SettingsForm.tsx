// The settings form. Secrets are write-only: the secret fields start empty (a placeholder says
// when one is stored), an empty field keeps the stored value, and "Clear secret" removes it.
import { useState, type FormEvent } from 'react';
import type { DiscoveryView, FieldError, Result, SettingsView, TokenAuthMethod } from '../../preload/contract.ts';
import { Field, type ControlProps } from '../components/Field.tsx';
import { useApp, useAppContext } from '../context.ts';
import {
  fieldError,
  formFromSettings,
  inputFromForm,
  inputFromSettings,
  type SettingsField,
  unplacedErrors,
  validateSettingsForm,
  type SettingsForm,
} from '../settings-form.ts';
import { validateIssuerUrl } from '../validate.ts';
import { ConnectionResult } from './ConnectionResult.tsx';
import { FormAlert } from '../components/FormAlert.tsx';
import { settle } from '../store.ts';

const STORED = '•••• stored';
const FIELD_IDS: Record<SettingsField, string> = {
  issuerUrl: 'set-issuer',
  clientId: 'set-client-id',
  clientSecret: 'set-client-secret',
  scopes: 'set-scopes',
  tokenEndpointAuthMethod: 'set-auth-method',
  groupsClaim: 'set-groups-claim',
  allowEmails: 'set-allow-emails',
  allowDomains: 'set-allow-domains',
  allowGroups: 'set-allow-groups',
  'edge.addr': 'set-edge-addr',
  'edge.url': 'set-edge-url',
  authtoken: 'set-authtoken',
};
/** Every field the form places errors under (the compiler keeps FIELD_IDS complete). */
const SETTINGS_FIELDS = Object.keys(FIELD_IDS) as SettingsField[];

const AUTH_METHODS: { value: TokenAuthMethod; label: string }[] = [
  { value: 'client_secret_basic', label: 'Client Secret Basic (JumpCloud default)' },
  { value: 'client_secret_post', label: 'Client Secret Post' },
  { value: 'none', label: 'None (public client, PKCE only)' },
];

type Notice = { kind: 'ok' | 'bad'; text: string } | null;

/** A write-only secret: never prefilled; "stored" shows as a placeholder, with a way to clear it. */
function SecretInput(props: {
  control: ControlProps;
  stored: boolean;
  value: string;
  onChange(value: string): void;
  clearLabel: string;
  onClear(): void;
  disabled: boolean;
}) {
  return (
    <div className="input-with-action">
      <input
        {...props.control}
        type="password"
        autoComplete="new-password"
        placeholder={props.stored ? STORED : ''}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.stored ? (
        <button type="button" className="button ghost small danger" onClick={props.onClear} disabled={props.disabled}>
          {props.clearLabel}
        </button>
      ) : null}
    </div>
  );
}

export function SettingsFormView({ settings }: { settings: SettingsView | null }) {
  const { api } = useAppContext();
  const saveSettings = useApp((s) => s.saveSettings);
  const [form, setForm] = useState<SettingsForm>(() => formFromSettings(settings));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [notice, setNotice] = useState<Notice>(null);
  const [pending, setPending] = useState<'save' | 'test' | 'clear' | null>(null);
  const [test, setTest] = useState<Result<DiscoveryView> | null>(null);

  const set = <K extends keyof SettingsForm>(key: K, value: SettingsForm[K]): void => setForm((f) => ({ ...f, [key]: value }));
  const err = (field: string): string | undefined => fieldError(errors, field);

  function showErrors(list: FieldError[], summary: string | null): void {
    setErrors(list);
    setNotice(summary ? { kind: 'bad', text: summary } : null);
    // The first field with an error, matched the way its message is placed (fieldError).
    const first = SETTINGS_FIELDS.find((f) => fieldError(list, f) !== undefined);
    if (first) document.getElementById(FIELD_IDS[first])?.focus();
  }

  function afterSave(result: Result<SettingsView>, message: string): void {
    if (result.ok) {
      setForm(formFromSettings(result.value));
      setErrors([]);
      setNotice({ kind: 'ok', text: message });
      return;
    }
    const fields = result.fields ?? [];
    const placed = fields.length > 0 && unplacedErrors(fields, SETTINGS_FIELDS).length === 0;
    showErrors(fields, placed ? null : result.error);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (pending) return;
    const local = validateSettingsForm(form, settings);
    if (local.length) return showErrors(local, null);
    setPending('save');
    afterSave(await saveSettings(inputFromForm(form)), 'Settings saved.');
    setPending(null);
  }

  async function clearStored(which: 'clientSecret' | 'authtoken'): Promise<void> {
    if (!settings || pending) return;
    setPending('clear');
    const input = { ...inputFromSettings(settings), [which]: null };
    const result = await saveSettings(input);
    setPending(null);
    if (!result.ok) return afterSave(result, '');
    // Only the secret changed on the service; keep what the user typed in the other fields.
    setForm((f) => ({ ...f, [which]: '' }));
    setErrors([]);
    setNotice({ kind: 'ok', text: which === 'clientSecret' ? 'Client secret removed.' : 'Authtoken removed.' });
  }

  async function onTest(): Promise<void> {
    if (pending) return;
    const issuerError = validateIssuerUrl(form.issuerUrl);
    if (issuerError) return showErrors([{ field: 'issuerUrl', message: issuerError }], null);
    setErrors((list) => list.filter((e) => e.field !== 'issuerUrl'));
    setPending('test');
    setTest(null);
    const result = await settle(() => api.testConnection(form.issuerUrl.trim()));
    setTest(result);
    setPending(null);
  }

  const extra = unplacedErrors(errors, SETTINGS_FIELDS);
  return (
    <form className="settings-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-label="Settings">
      <fieldset className="panel">
        <legend>Identity provider</legend>
        <Field id="set-issuer" label="Issuer URL" error={err('issuerUrl')} hint="JumpCloud: https://oauth.id.jumpcloud.com/">
          {(p) => <input {...p} type="url" spellCheck={false} autoComplete="off" value={form.issuerUrl} onChange={(e) => set('issuerUrl', e.target.value)} />}
        </Field>
        <div className="form-row">
          <Field id="set-client-id" label="Client ID" error={err('clientId')} className="grow">
            {(p) => <input {...p} type="text" spellCheck={false} autoComplete="off" value={form.clientId} onChange={(e) => set('clientId', e.target.value)} />}
          </Field>
          <Field
            id="set-client-secret"
            label="Client secret"
            error={err('clientSecret')}
            className="grow"
            hint={settings?.clientSecretStored ? 'Stored in the system keychain. Type a new one to replace it.' : 'Kept in the system keychain, never shown again.'}
          >
            {(p) => (
              <SecretInput
                control={p}
                stored={!!settings?.clientSecretStored}
                value={form.clientSecret}
                onChange={(v) => set('clientSecret', v)}
                clearLabel="Clear secret"
                onClear={() => void clearStored('clientSecret')}
                disabled={pending !== null}
              />
            )}
          </Field>
        </div>
        <div className="form-row">
          <Field id="set-auth-method" label="Client authentication type" error={err('tokenEndpointAuthMethod')} className="grow">
            {(p) => (
              <select {...p} value={form.tokenEndpointAuthMethod} onChange={(e) => set('tokenEndpointAuthMethod', e.target.value as TokenAuthMethod)}>
                {AUTH_METHODS.map((m) => (
                  <option key={m.value} value={m.value}>
                    {m.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="set-scopes" label="Scopes" error={err('scopes')} hint="Separated by spaces." className="grow">
            {(p) => <input {...p} type="text" spellCheck={false} autoComplete="off" value={form.scopes} onChange={(e) => set('scopes', e.target.value)} />}
          </Field>
        </div>
      </fieldset>

      <fieldset className="panel">
        <legend>Who may enter</legend>
        <p className="field-hint legend-hint">Leave all three empty to let in everyone your IdP signs in. One entry per line.</p>
        <div className="form-row three">
          <Field id="set-allow-emails" label="Allowed emails" error={err('allowEmails')}>
            {(p) => <textarea {...p} rows={3} spellCheck={false} placeholder="ana@example.com" value={form.allowEmails} onChange={(e) => set('allowEmails', e.target.value)} />}
          </Field>
          <Field id="set-allow-domains" label="Allowed domains" error={err('allowDomains')}>
            {(p) => <textarea {...p} rows={3} spellCheck={false} placeholder="example.com" value={form.allowDomains} onChange={(e) => set('allowDomains', e.target.value)} />}
          </Field>
          <Field id="set-allow-groups" label="Allowed groups" error={err('allowGroups')}>
            {(p) => <textarea {...p} rows={3} spellCheck={false} placeholder="engineering" value={form.allowGroups} onChange={(e) => set('allowGroups', e.target.value)} />}
          </Field>
        </div>
        <Field id="set-groups-claim" label="Groups claim" error={err('groupsClaim')} hint="The claim your IdP puts group names in." className="narrow">
          {(p) => <input {...p} type="text" spellCheck={false} autoComplete="off" value={form.groupsClaim} onChange={(e) => set('groupsClaim', e.target.value)} />}
        </Field>
      </fieldset>

      <fieldset className="panel">
        <legend>Edge</legend>
        <div className="radio-row" role="radiogroup" aria-label="Edge">
          <label className="radio">
            <input type="radio" name="edge-kind" value="embedded" checked={form.edgeKind === 'embedded'} onChange={() => set('edgeKind', 'embedded')} />
            <span>
              <b>Embedded</b>
              <span className="muted"> on this computer, URLs under *.localhost</span>
            </span>
          </label>
          <label className="radio">
            <input type="radio" name="edge-kind" value="remote" checked={form.edgeKind === 'remote'} onChange={() => set('edgeKind', 'remote')} />
            <span>
              <b>Remote</b>
              <span className="muted"> a team’s gatehouse edge</span>
            </span>
          </label>
        </div>
        {form.edgeKind === 'embedded' ? (
          <Field id="set-edge-addr" label="Listen address" error={err('edge.addr')} hint="Where the embedded edge serves tunnels." className="narrow">
            {(p) => <input {...p} type="text" spellCheck={false} autoComplete="off" value={form.edgeAddr} onChange={(e) => set('edgeAddr', e.target.value)} />}
          </Field>
        ) : (
          <div className="form-row">
            <Field id="set-edge-url" label="Edge URL" error={err('edge.url')} className="grow">
              {(p) => (
                <input {...p} type="url" spellCheck={false} autoComplete="off" placeholder="wss://tunnels.example.com" value={form.edgeUrl} onChange={(e) => set('edgeUrl', e.target.value)} />
              )}
            </Field>
            <Field id="set-authtoken" label="Authtoken" error={err('authtoken')} className="grow">
              {(p) => (
                <SecretInput
                  control={p}
                  stored={!!settings?.authtokenStored}
                  value={form.authtoken}
                  onChange={(v) => set('authtoken', v)}
                  clearLabel="Clear authtoken"
                  onClear={() => void clearStored('authtoken')}
                  disabled={pending !== null}
                />
              )}
            </Field>
          </div>
        )}
      </fieldset>

      <div className="form-footer">
        <button type="submit" className="button primary" disabled={pending !== null}>
          {pending === 'save' ? <span className="spinner" aria-hidden="true" /> : null}
          Save settings
        </button>
        <button type="button" className="button secondary" onClick={() => void onTest()} disabled={pending !== null}>
          {pending === 'test' ? <span className="spinner" aria-hidden="true" /> : null}
          Test connection
        </button>
        {notice?.kind === 'ok' ? (
          <span className="saved" role="status">
            {notice.text}
          </span>
        ) : null}
      </div>
      <FormAlert messages={[notice?.kind === 'bad' ? notice.text : null, ...extra.map((e) => e.message)]} />
      {test ? <ConnectionResult result={test} method={form.tokenEndpointAuthMethod} /> : null}
    </form>
  );
}
