// A path on the machine the engine runs on: typed or pasted anywhere; in the desktop window also chosen in the
// system's dialog (one button per purpose) or dropped on the field.
import { useState } from 'react';
import type { PathPurpose } from '../../../shared/desktop.js';
import { desktop, droppedPath } from '../desktop.js';

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
      </div>
      <div className="hint muted small">
        {hint ??
          (bridge
            ? 'Choose it, drop it here, or type its path.'
            : 'A path on the machine the engine runs on: type or paste it.')}
      </div>
    </div>
  );
}
