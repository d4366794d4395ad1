// Where an agent connects, from what a user typed for the edge: `tunnels.example.com`,
// `https://tunnels.example.com` or `wss://tunnels.example.com` all mean the edge's agent endpoint.
import { AGENT_PATH } from '../protocol/messages.ts';

export function agentUrlFor(edge: string): string {
  let url: URL;
  try {
    url = new URL(edge.includes('://') ? edge : `wss://${edge}`);
  } catch {
    throw new Error(`"${edge}" is not a URL; use wss://tunnels.example.com`);
  }
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') throw new Error(`the edge must be a wss:// URL, not "${edge}"`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = AGENT_PATH;
  return url.toString();
}
