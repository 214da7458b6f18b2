// Reading from the engine in a screen: one hook that calls the client, keeps the answer or the error (with its
// place: file, line, probe), and loads again when its inputs change or on request. An answer that arrives after
// the inputs changed is dropped, so a fast typist never sees an old filter's rows.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { WorkbenchClient } from '../../shared/client.js';
import { WorkbenchFailure } from '../../shared/client.js';
import { describeError } from '../../shared/events.js';
import { workbench } from './workbench.js';

export type Loaded<T> =
  | { status: 'loading'; data?: T }
  | { status: 'ok'; data: T }
  | { status: 'error'; message: string; data?: T }
  | { status: 'disconnected'; data?: undefined };

/** What a person should read about a failure: the engine's message with its place, or the error's text. */
export function errorText(error: unknown): string {
  if (error instanceof WorkbenchFailure) return describeError({ message: error.message, ...error.where });
  return error instanceof Error ? error.message : String(error);
}

export function useCommand<T>(
  load: (client: WorkbenchClient) => Promise<T>,
  deps: readonly unknown[],
): Loaded<T> & { reload: () => void } {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    const client = workbench();
    if (!client) {
      setState({ status: 'disconnected' });
      return;
    }
    const ticket = ++latest.current;
    setState((previous) => ({
      status: 'loading',
      ...('data' in previous && previous.data !== undefined ? { data: previous.data } : {}),
    }));
    load(client).then(
      (data) => ticket === latest.current && setState({ status: 'ok', data }),
      (error: unknown) => ticket === latest.current && setState({ status: 'error', message: errorText(error) }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names what the load depends on
  }, [...deps, generation]);
  return { ...state, reload };
}

/** The client for actions (a button's click); null outside the window and `selfalign serve`. */
export function client(): WorkbenchClient | null {
  return workbench();
}
