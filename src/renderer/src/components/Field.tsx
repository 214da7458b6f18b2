// The labelled fields of the forms (New run, Models, Data, Settings): a label, its control, a hint below. One
// place for the markup, so that every field is labelled for a screen reader and looks the same.
import type { ReactNode } from 'react';

/** A label above any control (or group of controls), with a hint below it. */
export function Field({
  label,
  hint,
  children,
  htmlFor,
}: {
  label: ReactNode;
  hint?: ReactNode;
  children: ReactNode;
  htmlFor?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      {hint && <div className="hint muted small">{hint}</div>}
    </div>
  );
}

export interface SelectOption<V extends string> {
  value: V;
  label: string;
  disabled?: boolean;
}

/**
 * A choice from a list. `inline` puts the label before the list on one line, as in a toolbar; otherwise the label
 * sits above it like every other field.
 */
export function SelectField<V extends string>({
  id,
  label,
  value,
  options,
  onChange,
  hint,
  inline = false,
}: {
  id: string;
  label: ReactNode;
  value: V;
  options: readonly SelectOption<V>[];
  onChange: (value: V) => void;
  hint?: ReactNode;
  inline?: boolean;
}) {
  const select = (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value as V)}>
      {options.map((o) => (
        <option key={o.value} value={o.value} disabled={o.disabled}>
          {o.label}
        </option>
      ))}
    </select>
  );
  if (inline)
    return (
      <label htmlFor={id}>
        {label} {select}
      </label>
    );
  return (
    <Field label={label} htmlFor={id} hint={hint}>
      {select}
    </Field>
  );
}

/** The same value shown as itself: the options of a list of names. */
export function optionsOf<V extends string>(values: readonly V[]): SelectOption<V>[] {
  return values.map((value) => ({ value, label: value }));
}

/** A line of text. */
export function TextField({
  id,
  label,
  value,
  onChange,
  placeholder,
  hint,
  className,
  inputMode,
}: {
  id: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  hint?: ReactNode;
  className?: string;
  inputMode?: 'numeric' | 'decimal' | 'text';
}) {
  return (
    <Field label={label} htmlFor={id} hint={hint}>
      <input
        id={id}
        className={className}
        inputMode={inputMode}
        value={value}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
}
