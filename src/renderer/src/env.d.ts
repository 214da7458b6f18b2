// What the page may find on `window`: the preload bridge's transport inside Electron, nothing in a plain browser.
import type { WorkbenchTransport } from '../../shared/client.js';

declare global {
  interface Window {
    workbenchTransport?: WorkbenchTransport;
  }
}

export {};
