// The states every screen shares: loading, the engine's refusal with its place, no engine at all, and a
// progress bar with rate and time left.
import type { ReactNode } from 'react';
import type { Loaded } from '../use-command.js';

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorNotice({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="notice error" role="alert" data-testid={testId}>
      {children}
    </div>
  );
}

export function Disconnected() {
  return (
    <p className="notice" role="status">
      Engine not connected. Open the workbench from its desktop window, or from the address that{' '}
      <code>selfalign serve</code> prints.
    </p>
  );
}

/** Draws a loaded value, or the state it is in. */
export function Show<T>({
  loaded,
  what,
  children,
}: {
  loaded: Loaded<T>;
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (loaded.status === 'disconnected') return <Disconnected />;
  if (loaded.status === 'error')
    return (
      <ErrorNotice>{`${what[0]!.toUpperCase()}${what.slice(1)} could not be read: ${loaded.message}`}</ErrorNotice>
    );
  if (loaded.data === undefined) return <Loading what={what} />;
  return <>{children(loaded.data)}</>;
}

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export function ProgressBar({
  done,
  total,
  label,
  rate,
  etaSeconds,
  unit = 'measurements',
  testId,
}: {
  done: number;
  total: number;
  label: string;
  rate?: number;
  etaSeconds?: number | null;
  unit?: string;
  testId?: string;
}) {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  return (
    <div className="progress" data-testid={testId}>
      <div className="progress-label">
        <span>{label}</span>
        <span className="muted">
          {done.toLocaleString('en')} of {total.toLocaleString('en')} {unit}
          {rate !== undefined && rate > 0 ? ` · ${rate < 10 ? rate.toFixed(1) : Math.round(rate)} ${unit}/s` : ''}
          {etaSeconds !== undefined && etaSeconds !== null ? ` · ${formatSeconds(etaSeconds)} left` : ''}
        </span>
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
      >
        <div className="progress-fill" style={{ width: `${(100 * fraction).toFixed(2)}%` }} />
      </div>
    </div>
  );
}

export function percent(share: number | null | undefined, digits = 1): string {
  return share === null || share === undefined || !Number.isFinite(share) ? '—' : `${(100 * share).toFixed(digits)}%`;
}

/** A count with its noun in the right number: "1 country", "12 countries". */
export function counted(count: number, one: string, many: string): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
}
