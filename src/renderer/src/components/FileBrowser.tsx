// The file and folder picker of a browser window: the folders and files of the machine the engine runs on, read
// through the engine (files.list), since a browser can neither open that machine's dialog nor tell a page where a
// file is. Folders open on click; a file, or the folder shown, is chosen with its button.
import { useState } from 'react';
import { ErrorNotice, Loading } from './Status.js';
import { useCommand } from '../use-command.js';

export function FileBrowser({
  start,
  files,
  folders,
  onChoose,
  onClose,
}: {
  /** The folder to open first (the home folder when undefined or unreadable). */
  start: string | undefined;
  /** Whether a file may be chosen, and a folder. */
  files: boolean;
  folders: boolean;
  onChoose: (path: string) => void;
  onClose: () => void;
}) {
  const [dir, setDir] = useState<string | undefined>(start);
  const listed = useCommand((c) => c.files.list(dir === undefined ? {} : { dir }), [dir]);
  return (
    <div className="file-browser" role="dialog" aria-label="Choose on the engine's machine" data-testid="file-browser">
      {listed.status === 'error' ? (
        <>
          <ErrorNotice>{listed.message}</ErrorNotice>
          <button type="button" onClick={() => setDir(undefined)}>
            Open the home folder
          </button>
        </>
      ) : listed.data === undefined ? (
        <Loading what="the folder" />
      ) : (
        <>
          <div className="file-browser-bar">
            <button
              type="button"
              disabled={listed.data.parent === null}
              onClick={() => setDir(listed.data!.parent ?? undefined)}
              aria-label="The folder above"
            >
              ↑ Up
            </button>
            <button type="button" onClick={() => setDir(listed.data!.home)}>
              Home
            </button>
            <code className="file-browser-path" title={listed.data.dir}>
              {listed.data.dir}
            </code>
            {folders && (
              <button type="button" className="primary" onClick={() => onChoose(listed.data!.dir)}>
                Choose this folder
              </button>
            )}
            <button type="button" onClick={onClose}>
              Close
            </button>
          </div>
          {listed.data.entries.length === 0 ? (
            <p className="muted small">This folder is empty.</p>
          ) : (
            <ul className="file-browser-list">
              {listed.data.entries.map((entry) =>
                entry.kind === 'folder' ? (
                  <li key={entry.path}>
                    <button type="button" className="link" onClick={() => setDir(entry.path)}>
                      📁 {entry.name}
                    </button>
                  </li>
                ) : (
                  <li key={entry.path}>
                    {files ? (
                      <button type="button" className="link" onClick={() => onChoose(entry.path)}>
                        {entry.name}
                      </button>
                    ) : (
                      <span className="muted">{entry.name}</span>
                    )}
                    <span className="muted small"> {formatBytes(entry.bytes ?? 0)}</span>
                  </li>
                ),
              )}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(0)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
