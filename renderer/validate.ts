// Client-side input checks: they mirror the service's rules so the user hears about a typo before
// a round trip, but the service validates again and is the authority. Each returns a message in
// words a user understands, or null when the input is fine.

import { isLoopbackName } from '../main/common/loopback.ts';
import { parseLocalAddr } from '../main/agent/local-addr.ts';
import { nameProblem } from '../main/common/names.ts';

const PORT_HINT = 'Enter a port (3000), host:port (localhost:3000) or a URL (http://localhost:3000).';
const HOST_RE = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)$/i;
const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;
const DOMAIN_RE = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i;

function portError(text: string): string | null {
  if (!/^\d+$/.test(text)) return `“${text}” is not a port number. Ports are numbers from 1 to 65535.`;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? null : 'Port must be a number from 1 to 65535.';
}


/** The local app's address: `3000`, `localhost:3000`, `127.0.0.1:3000`, `[::1]:3000` or `http://host:port`. */
export function validateLocalAddress(input: string): string | null {
  const text = input.trim();
  if (!text) return `Enter the address of your local app. ${PORT_HINT}`;
  // Friendlier words for the usual slips first; then exactly what the agent accepts decides.
  if (/^\d+$/.test(text)) return portError(text) ?? agentVerdict(text);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return agentVerdict(text); // a URL: http only, no path or credentials
  const hostPort = /^(.*):([^:\]]*)$/.exec(text);
  if (!hostPort) {
    // "localhost" or "app.test" is a host missing its port; a bare word like "abc" is a mistyped port.
    const looksLikeHost = HOST_RE.test(text) && (text.toLowerCase() === 'localhost' || text.includes('.') || text.startsWith('['));
    return looksLikeHost ? `Add a port, for example ${text}:3000.` : `“${text}” is not a port number. ${PORT_HINT}`;
  }
  const [, host = '', port = ''] = hostPort;
  if (!HOST_RE.test(host)) return `“${host}” is not a valid host name. ${PORT_HINT}`;
  return portError(port) ?? agentVerdict(text);
}

function agentVerdict(text: string): string | null {
  try {
    parseLocalAddr(text);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Optional tunnel name: becomes the first label of the Forwarding URL's host name. */
export function validateTunnelName(input: string): string | null {
  const text = input.trim();
  if (!text) return null;
  // The service lower-cases names before it checks them with this same rule.
  return nameProblem(text.toLowerCase());
}

/** The IdP's issuer: an absolute https URL; http only for this machine (a test IdP). */
export function validateIssuerUrl(input: string): string | null {
  const text = input.trim();
  if (!text) return 'Enter the issuer URL, for JumpCloud https://oauth.id.jumpcloud.com/.';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Enter a full URL starting with https://, for example https://oauth.id.jumpcloud.com/.';
  }
  if (url.protocol === 'https:') return url.hash || url.search ? 'The issuer URL cannot have a query or #fragment.' : null;
  if (url.protocol === 'http:' && isLoopbackName(url.hostname)) return null;
  return 'The issuer URL must start with https:// (http:// is allowed only for localhost).';
}

/** A remote edge: wss:// (ws:// only for this machine). */
export function validateEdgeUrl(input: string): string | null {
  const text = input.trim();
  if (!text) return 'Enter the edge URL, for example wss://tunnels.example.com.';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Enter a full URL starting with wss://, for example wss://tunnels.example.com.';
  }
  if (url.protocol === 'wss:') return null;
  if (url.protocol === 'ws:' && isLoopbackName(url.hostname)) return null;
  return 'The edge URL must start with wss:// (ws:// is allowed only for localhost).';
}

/** The embedded edge's listen address, host:port. */
export function validateHostPort(input: string): string | null {
  const text = input.trim();
  const match = /^(.*):([^:\]]*)$/.exec(text);
  if (!match) return 'Enter host:port, for example 127.0.0.1:8080.';
  const [, host = '', port = ''] = match;
  if (!HOST_RE.test(host)) return `“${host}” is not a valid host name.`;
  return portError(port);
}

export function validateEmail(input: string): string | null {
  return EMAIL_RE.test(input) && input.indexOf('@') === input.lastIndexOf('@') ? null : `“${input}” is not an email address.`;
}

export function validateDomain(input: string): string | null {
  return DOMAIN_RE.test(input) ? null : `“${input}” is not a domain name (write it like example.com, without @).`;
}

/** Splits a list typed into a text area: commas, spaces or new lines separate entries; duplicates drop. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean))];
}

/** The first message of a list check, naming the bad entry. */
export function validateList(items: string[], check: (item: string) => string | null): string | null {
  for (const item of items) {
    const error = check(item);
    if (error) return error;
  }
  return null;
}
