// One per screen: a screen that throws while drawing says what went wrong, and the rest of the window (the
// navigation, other screens) keeps working, instead of a blank window.
import { Component, type ReactNode } from 'react';

interface Props {
  /** The screen's name, for the message. */
  screen: string;
  /** A new key (the route) clears the error, so navigating away and back tries again. */
  resetKey: string;
  children: ReactNode;
}

interface State {
  error: Error | null;
  key: string;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="notice error" role="alert" data-testid="screen-error">
        <strong>The {this.props.screen} screen failed to draw.</strong> {this.state.error.message}. Nothing was lost:
        what the engine stored is still there. Go to another screen and back to try again.
      </div>
    );
  }
}
