// Between the settings file's shape and what the renderer sees and sends. Secrets never pass
// through here as values: the view carries only whether one is stored.
import type { Settings, SettingsInput as FileInput } from '../config/schema.ts';
import type { SettingsInput, SettingsView } from '../../preload/contract.ts';

export function toView(s: Settings, secrets: { clientSecret: boolean; authtoken: boolean }): SettingsView {
  return {
    issuerUrl: s.issuerUrl,
    clientId: s.clientId,
    scopes: s.scopes,
    tokenEndpointAuthMethod: s.tokenEndpointAuthMethod,
    groupsClaim: s.groupsClaim,
    allowEmails: s.allowEmails,
    allowDomains: s.allowDomains,
    allowGroups: s.allowGroups,
    edge: s.edge.mode === 'embedded' ? { kind: 'embedded', addr: s.edge.addr } : { kind: 'remote', url: s.edge.url },
    clientSecretStored: secrets.clientSecret,
    authtokenStored: secrets.authtoken,
  };
}

/** The form's input merged over the current settings (tunnels untouched). */
export function fromInput(current: Settings, input: SettingsInput): FileInput {
  const edge = input.edge
    ? input.edge.kind === 'embedded'
      ? { mode: 'embedded' as const, addr: input.edge.addr }
      : // The CA file is set in the settings file, not the form: keep it.
        { mode: 'remote' as const, url: input.edge.url, ...(current.edge.mode === 'remote' && current.edge.caFile ? { caFile: current.edge.caFile } : {}) }
    : current.edge;
  return {
    ...current,
    issuerUrl: input.issuerUrl,
    clientId: input.clientId,
    scopes: input.scopes ?? current.scopes,
    tokenEndpointAuthMethod: input.tokenEndpointAuthMethod ?? current.tokenEndpointAuthMethod,
    groupsClaim: input.groupsClaim ?? current.groupsClaim,
    allowEmails: input.allowEmails ?? current.allowEmails,
    allowDomains: input.allowDomains ?? current.allowDomains,
    allowGroups: input.allowGroups ?? current.allowGroups,
    edge,
  };
}
