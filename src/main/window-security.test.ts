// The window's session with a fake: every permission refused, the policy on every response, and the same policy
// as the page's meta tag.

import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, secureSession, type SessionLike } from './window-security.js';

function fakeSession() {
  const installed: {
    request?: Parameters<SessionLike['setPermissionRequestHandler']>[0];
    check?: Parameters<SessionLike['setPermissionCheckHandler']>[0];
    headers?: Parameters<SessionLike['webRequest']['onHeadersReceived']>[0];
  } = {};
  const session: SessionLike = {
    setPermissionRequestHandler: (handler) => (installed.request = handler),
    setPermissionCheckHandler: (handler) => (installed.check = handler),
    webRequest: { onHeadersReceived: (listener) => (installed.headers = listener) },
  };
  return { session, installed };
}

it('refuses every permission a page asks for, and says no to every check', () => {
  const { session, installed } = fakeSession();
  secureSession(session);
  for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
    let granted: boolean | undefined;
    installed.request!({}, permission, (answer) => (granted = answer));
    expect(granted, permission).toBe(false);
    expect(installed.check!({}, permission), permission).toBe(false);
  }
});

it('puts the policy on every response, replacing one the response brought, and keeps the other headers', () => {
  const { session, installed } = fakeSession();
  secureSession(session);
  let sent: Record<string, string[] | string> | undefined;
  installed.headers!(
    { responseHeaders: { 'content-type': ['text/html'], 'content-security-policy': ['default-src *'] } },
    ({ responseHeaders }) => (sent = responseHeaders),
  );
  expect(sent).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  installed.headers!({}, ({ responseHeaders }) => (sent = responseHeaders));
  expect(sent).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
});

it("is the policy of the page's own meta tag", () => {
  const html = readFileSync(new URL('../renderer/index.html', import.meta.url), 'utf8');
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html);
  expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
});
