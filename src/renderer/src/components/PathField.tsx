// A path on the machine the engine runs on: typed or pasted anywhere; in the desktop window also chosen in the
// system's dialog (one button per purpose) or dropped on the field; in a browser chosen in a picker that the
// engine serves (FileBrowser), since a browser cannot open that machine's dialog.
import { useState } from 'react';
import type { PathPurpose } from '../../../shared/desktop.js';
import { desktop, droppedPath } from '../desktop.js';
import { FileBrowser } from './FileBrowser.js';

export interface PathChoice {
  purpose: PathPurpose;
  label: string;
}

export function PathField({
  id,
  label,
  value,
  onChange,
  placeholder,
  choices,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (path: string) => void;
  placeholder: string;
  /** The dialogs the desktop window offers for this field. */
  choices: PathChoice[];
}) {
  const bridge = desktop();
  const [hint, setHint] = useState<string | null>(null);
  const [browsing, setBrowsing] = useState(false);
  const choose = async (purpose: PathPurpose) => {
    try {
      const chosen = await bridge!.choosePath(purpose);
      if (chosen) onChange(chosen);
    } catch (e) {
      setHint(`The file dialog failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <div
      className="field drop"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        const dropped = droppedPath(e.dataTransfer.files);
        if (dropped) {
          setHint(null);
          onChange(dropped);
        } else
          setHint(
            `A browser does not tell the workbench where "${e.dataTransfer.files[0]?.name ?? 'the file'}" is: type or paste its path.`,
          );
      }}
    >
      <label htmlFor={id}>{label}</label>
      <div className="path-row">
        <input
          id={id}
          className="wide"
          value={value}
          placeholder={placeholder}
          onChange={(e) => onChange(e.target.value)}
        />
        {bridge &&
          choices.map((c) => (
            <button
              key={c.purpose}
              type="button"
              data-testid={`choose-${c.purpose}`}
              onClick={() => void choose(c.purpose)}
            >
              {c.label}
            </button>
          ))}
        {!bridge && (
          <button
            type="button"
            data-testid={`browse-${id}`}
            aria-expanded={browsing}
            onClick={() => setBrowsing((open) => !open)}
          >
            Browse…
          </button>
        )}
      </div>
      {browsing && (
        <FileBrowser
          start={value.trim().startsWith('/') || value.trim().startsWith('~') ? folderOf(value.trim()) : undefined}
          files={choices.some((c) => c.purpose.endsWith('-file'))}
          folders={choices.some((c) => c.purpose.endsWith('-folder'))}
          onChoose={(chosen) => {
            onChange(chosen);
            setBrowsing(false);
          }}
          onClose={() => setBrowsing(false)}
        />
      )}
      <div className="hint muted small">
        {hint ??
          (bridge
            ? 'Choose it, drop it here, or type its path.'
            : 'A path on the machine the engine runs on: browse, or type or paste it (~ is your home folder).')}
      </div>
    </div>
  );
}

/** The folder a typed path is in, or the path itself when it ends in a separator (the picker opens there). */
function folderOf(typed: string): string {
  if (typed.endsWith('/') || typed === '~') return typed;
  const cut = typed.lastIndexOf('/');
  return cut <= 0 ? '/' : typed.slice(0, cut);
}
