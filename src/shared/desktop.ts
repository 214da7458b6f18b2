// What the desktop window adds to the page beside the engine's transport: a native file dialog and the path of
// a dropped file. A browser page through `selfalign serve` has neither (it is told no path by the browser), so
// the screens offer a typed path there and these where `window.workbenchDesktop` exists. Free of zod so the
// preload can load it; the main process checks the purpose it is sent against PATH_PURPOSES.

/** The IPC channel of the file dialog. */
export const CHOOSE_PATH_CHANNEL = 'workbench:choose-path';

/** What a path is chosen for; each has its dialog (file or folder, filters, title) in src/main/file-dialogs.ts. */
export const PATH_PURPOSES = [
  'probe-file',
  'probe-folder',
  'survey-file',
  'model-file',
  'model-folder',
  'report-folder',
] as const;
export type PathPurpose = (typeof PATH_PURPOSES)[number];

export function isPathPurpose(value: unknown): value is PathPurpose {
  return typeof value === 'string' && (PATH_PURPOSES as readonly string[]).includes(value);
}

export interface DesktopBridge {
  /** The path the user chose in the system's dialog, or null when they closed it. */
  choosePath(purpose: PathPurpose): Promise<string | null>;
  /** The path of a file dropped on the window; "" for something that is not a file on disk. */
  pathForFile(file: File): string;
}
