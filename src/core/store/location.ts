// Where the workbench keeps its database by default: the same file the desktop app uses, in the user's
// application-data folder (what Electron's app.getPath('userData') gives for our app name), unless SELFALIGN_DB says otherwise.

import os from 'node:os';
import path from 'node:path';

export const APP_FOLDER_NAME = 'Self-Align Workbench';
export const DATABASE_FILE_NAME = 'workbench.sqlite';

export function appDataFolder(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_FOLDER_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_FOLDER_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_FOLDER_NAME);
}

export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.SELFALIGN_DB || path.join(appDataFolder(process.platform, env), DATABASE_FILE_NAME);
}
