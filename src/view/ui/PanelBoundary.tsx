import { Component, type ErrorInfo, type ReactNode } from 'react';
import { oneLine } from '../failure';
import './failure.css';

interface Props {
  /** Who failed, in the words of the page ("Metrics", "Charts"). */
  name: string;
  /** The panel's grid area class, so the message sits where the panel was. */
  className?: string;
  children: ReactNode;
}

interface State {
  error: string | null;
}

/**
 * One panel's render error stays in that panel: it says so in one line and offers to try again,
 * while the rest of the page (and the simulation) keeps going.
 */
export class PanelBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(e: unknown): State {
    return { error: oneLine(e instanceof Error ? e.message : String(e)) };
  }

  override componentDidCatch(e: unknown, info: ErrorInfo): void {
    // Kept for whoever opens the console; the page shows one line.
    console.warn(`HopScope: the ${this.props.name} panel failed`, e, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <section
        className={`panel-failed ${this.props.className ?? ''}`}
        role="alert"
        aria-label={`${this.props.name} (failed)`}
      >
        <span>
          {this.props.name} stopped: {this.state.error}.
        </span>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </section>
    );
  }
}
