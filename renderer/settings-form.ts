// The settings form's model: plain strings the inputs edit, converted from the service's
// SettingsView and back to a SettingsInput. Secrets are write-only, so the form never holds a
// stored secret: an empty secret field means "keep what is stored".
import type { FieldError, SettingsInput, SettingsView, TokenAuthMethod } from '../preload/contract.ts';
import {
  splitList,
  validateDomain,
  validateEdgeUrl,
  validateEmail,
  validateHostPort,
  validateIssuerUrl,
  validateList,
} from './validate.ts';

export const DEFAULT_ISSUER = 'https://oauth.id.jumpcloud.com/';
export const DEFAULT_SCOPES = 'openid profile email';
export const DEFAULT_EDGE_ADDR = '127.0.0.1:8080';

export interface SettingsForm {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  tokenEndpointAuthMethod: TokenAuthMethod;
  groupsClaim: string;
  allowEmails: string;
  allowDomains: string;
  allowGroups: string;
  edgeKind: 'embedded' | 'remote';
  edgeAddr: string;
  edgeUrl: string;
  authtoken: string;
}

/** Field keys as the service names them in Result.fields (SettingsInput paths, dot-joined). */
export type SettingsField =
  | 'issuerUrl'
  | 'clientId'
  | 'clientSecret'
  | 'scopes'
  | 'tokenEndpointAuthMethod'
  | 'groupsClaim'
  | 'allowEmails'
  | 'allowDomains'
  | 'allowGroups'
  | 'edge.addr'
  | 'edge.url'
  | 'authtoken';

export function formFromSettings(settings: SettingsView | null): SettingsForm {
  const edge = settings?.edge ?? { kind: 'embedded' as const, addr: DEFAULT_EDGE_ADDR };
  return {
    issuerUrl: settings?.issuerUrl || DEFAULT_ISSUER,
    clientId: settings?.clientId ?? '',
    clientSecret: '',
    scopes: settings?.scopes.length ? settings.scopes.join(' ') : DEFAULT_SCOPES,
    tokenEndpointAuthMethod: settings?.tokenEndpointAuthMethod ?? 'client_secret_basic',
    groupsClaim: settings?.groupsClaim || 'groups',
    allowEmails: settings?.allowEmails.join('\n') ?? '',
    allowDomains: settings?.allowDomains.join('\n') ?? '',
    allowGroups: settings?.allowGroups.join('\n') ?? '',
    edgeKind: edge.kind,
    edgeAddr: edge.kind === 'embedded' ? edge.addr : DEFAULT_EDGE_ADDR,
    edgeUrl: edge.kind === 'remote' ? edge.url : '',
    authtoken: '',
  };
}

/** What "Save settings" sends. Secrets only when typed (absent keeps the stored one). */
export function inputFromForm(form: SettingsForm): SettingsInput {
  const input: SettingsInput = {
    issuerUrl: form.issuerUrl.trim(),
    clientId: form.clientId.trim(),
    scopes: splitList(form.scopes),
    tokenEndpointAuthMethod: form.tokenEndpointAuthMethod,
    groupsClaim: form.groupsClaim.trim(),
    allowEmails: splitList(form.allowEmails),
    allowDomains: splitList(form.allowDomains),
    allowGroups: splitList(form.allowGroups),
    edge:
      form.edgeKind === 'embedded'
        ? { kind: 'embedded', addr: form.edgeAddr.trim() }
        : { kind: 'remote', url: form.edgeUrl.trim() },
  };
  if (form.clientSecret) input.clientSecret = form.clientSecret;
  if (form.edgeKind === 'remote' && form.authtoken) input.authtoken = form.authtoken;
  return input;
}

/** The same settings as they are stored, for actions that change one thing only (clearing a secret). */
export function inputFromSettings(settings: SettingsView): SettingsInput {
  const { clientSecretStored: _s, authtokenStored: _a, ...rest } = settings;
  return { ...rest, scopes: [...rest.scopes] };
}

export function validateSettingsForm(form: SettingsForm, stored: SettingsView | null): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: SettingsField, message: string | null): void => {
    if (message) errors.push({ field, message });
  };
  add('issuerUrl', validateIssuerUrl(form.issuerUrl));
  const hasSecret = Boolean(form.clientSecret) || Boolean(stored?.clientSecretStored);
  if (!form.clientId.trim() && form.clientSecret) add('clientId', 'Enter the client ID that goes with this secret.');
  if (form.clientId.trim() && form.tokenEndpointAuthMethod !== 'none' && !hasSecret) {
    add('clientSecret', 'Paste the client secret from JumpCloud, or choose “None (public client)” as authentication type.');
  }
  const scopes = splitList(form.scopes);
  if (!scopes.includes('openid')) add('scopes', 'Scopes must include openid.');
  if (form.groupsClaim.trim() && !/^[\w.:/-]+$/.test(form.groupsClaim.trim())) {
    add('groupsClaim', 'A claim name has no spaces, for example groups.');
  }
  add('allowEmails', validateList(splitList(form.allowEmails), validateEmail));
  add('allowDomains', validateList(splitList(form.allowDomains), validateDomain));
  if (form.edgeKind === 'embedded') add('edge.addr', validateHostPort(form.edgeAddr));
  else {
    add('edge.url', validateEdgeUrl(form.edgeUrl));
    if (!form.authtoken && !stored?.authtokenStored) add('authtoken', 'Enter the authtoken the edge gave you.');
  }
  return errors;
}

/** True when the service has what it needs to put a tunnel behind SSO. */
export function ssoConfigured(settings: SettingsView | null): boolean {
  if (!settings || !settings.issuerUrl || !settings.clientId) return false;
  return settings.clientSecretStored || settings.tokenEndpointAuthMethod === 'none';
}

/** The error for one field: exact key, a child of it (`allowEmails.2`), or its parent (`edge`). */
export function fieldError(errors: FieldError[] | undefined, field: string): string | undefined {
  return errors?.find(
    (e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`) || field.startsWith(`${e.field}.`),
  )?.message;
}

/** Errors that belong to none of the given fields, to show in the form's alert. */
export function unplacedErrors(errors: FieldError[] | undefined, fields: readonly string[]): FieldError[] {
  return (errors ?? []).filter((e) => !fields.some((f) => fieldError([e], f) !== undefined));
}
