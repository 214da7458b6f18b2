// The desktop window's extras (src/shared/desktop.ts): a file dialog and the path of a dropped file. In a
// browser through `selfalign serve` there are none, and a path is typed.
import type { DesktopBridge } from '../../shared/desktop.js';

export function desktop(): DesktopBridge | undefined {
  return window.workbenchDesktop;
}

/** The path of a dropped file where the window can know it (the desktop window); a browser does not reveal it. */
export function droppedPath(files: FileList): string | undefined {
  const file = files[0];
  const bridge = desktop();
  if (!file || !bridge) return undefined;
  return bridge.pathForFile(file) || undefined;
}
