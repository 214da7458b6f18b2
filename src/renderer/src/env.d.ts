// What the page may find on `window`: the preload bridge's transport and desktop extras inside Electron,
// nothing in a plain browser.
import type { WorkbenchTransport } from '../../shared/client.js';
import type { DesktopBridge } from '../../shared/desktop.js';

declare global {
  interface Window {
    workbenchTransport?: WorkbenchTransport;
    workbenchDesktop?: DesktopBridge;
  }
}

export {};
