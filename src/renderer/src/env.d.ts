// What the page may find on `window`: the preload bridge inside Electron, nothing in a plain browser.
import type { WorkbenchClient } from '../../shared/contract.js';

declare global {
  interface Window {
    workbench?: WorkbenchClient;
  }
}

export {};
