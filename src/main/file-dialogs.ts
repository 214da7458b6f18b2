// The system's file dialog for each purpose a screen asks a path for. Pure, so the options are tested under Node;
// ipc-bridge.ts opens the dialog on the window that asked.

import type { PathPurpose } from '../shared/desktop.js';

/** The part of Electron's OpenDialogOptions used here. */
export interface OpenDialogOptions {
  title: string;
  buttonLabel: string;
  properties: ('openFile' | 'openDirectory' | 'createDirectory')[];
  filters?: { name: string; extensions: string[] }[];
}

const ALL_FILES = { name: 'All files', extensions: ['*'] };

export function dialogOptionsFor(purpose: PathPurpose): OpenDialogOptions {
  switch (purpose) {
    case 'probe-file':
      return {
        title: 'Import a probe set',
        buttonLabel: 'Preview',
        properties: ['openFile'],
        filters: [{ name: 'Probe sets (CSV, ZIP)', extensions: ['csv', 'zip'] }, ALL_FILES],
      };
    // Linux and Windows dialogs cannot pick a file or a folder in one dialog, so a folder of CSV files has its own.
    case 'probe-folder':
      return { title: 'Import a folder of probe files', buttonLabel: 'Preview', properties: ['openDirectory'] };
    case 'survey-file':
      return {
        title: 'Import a survey file',
        buttonLabel: 'Preview',
        properties: ['openFile'],
        filters: [{ name: 'Survey files (CSV)', extensions: ['csv'] }, ALL_FILES],
      };
    case 'model-file':
      return {
        title: 'Add a GGUF model',
        buttonLabel: 'Read header',
        properties: ['openFile'],
        filters: [{ name: 'GGUF models', extensions: ['gguf'] }, ALL_FILES],
      };
    case 'model-folder':
      return {
        title: 'Save downloaded models in',
        buttonLabel: 'Choose folder',
        properties: ['openDirectory', 'createDirectory'],
      };
    case 'report-folder':
      return {
        title: 'Write the report into',
        buttonLabel: 'Choose folder',
        properties: ['openDirectory', 'createDirectory'],
      };
  }
}
