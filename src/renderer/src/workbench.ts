// The screens' one way to reach the engine: the contract's client, built on the preload bridge's transport in
// the Electron window, or on HTTP and server-sent events when the page was opened from `selfalign serve` (the
// address it prints carries the token). The screens never know which transport they have.

import {
  createClient,
  type EventListener,
  type WorkbenchClient,
  type WorkbenchTransport,
} from '../../shared/client.js';
import type { WorkbenchEvent, WorkbenchReply } from '../../shared/contract.js';

const TOKEN_KEY = 'selfalign-token';

/** The token from the address (then removed from it, so it is not bookmarked or shown) or from this tab's session. */
function serverToken(): string | undefined {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.toString());
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function httpTransport(token: string, base = ''): WorkbenchTransport {
  const listeners = new Set<EventListener>();
  let source: EventSource | undefined;
  return {
    invoke: async (command, params) => {
      const response = await fetch(`${base}/api/invoke`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ command, params }),
      });
      const body = (await response.json().catch(() => undefined)) as WorkbenchReply | undefined;
      if (body && typeof body === 'object' && 'ok' in body) return body;
      return {
        ok: false,
        error: {
          kind: 'bug',
          code: `http-${response.status}`,
          message: `the workbench server answered ${response.status} ${response.statusText}`,
        },
      };
    },
    subscribe: (listener) => {
      listeners.add(listener);
      // One stream for all listeners; EventSource reconnects by itself when the server restarts.
      source ??= new EventSource(`${base}/api/events?token=${encodeURIComponent(token)}`);
      source.onmessage = (message: MessageEvent<string>) => {
        const event = JSON.parse(message.data) as WorkbenchEvent;
        for (const l of listeners) l(event);
      };
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          source?.close();
          source = undefined;
        }
      };
    },
  };
}

let client: WorkbenchClient | null | undefined;

/** The client, or null when this page has neither the bridge nor a server token (a file opened by itself). */
export function workbench(): WorkbenchClient | null {
  if (client !== undefined) return client;
  const transport =
    window.workbenchTransport ??
    (() => {
      const token = serverToken();
      return token ? httpTransport(token) : undefined;
    })();
  client = transport ? createClient(transport.invoke, transport.subscribe) : null;
  return client;
}
