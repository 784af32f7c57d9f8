/** Shows a running devnet to the user until it stops (JSON lines or an ink view). */
export interface DevnetPresenter {
  /** A shutdown was requested by `signal`. */
  stopping(signal: NodeJS.Signals): void;
  /** The devnet has stopped: finish the output. */
  stopped(signal: NodeJS.Signals): Promise<void>;
}
