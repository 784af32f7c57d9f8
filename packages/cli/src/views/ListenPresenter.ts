import type { ReceivedMessage } from '@aidoc/sdk';
import type { AidocError } from '@aidoc/sdk/errors';
import type { MsgListenResult, MsgListenStart } from '../commands/msg/msgListen';

/** How `aidoc msg listen` shows a session: JSON lines or a live terminal view. */
export interface ListenPresenter {
  started(start: MsgListenStart): void;
  message(message: ReceivedMessage): void;
  warning(warning: AidocError): void;
  /** A signal arrived: the listener finishes the message in hand and stops. */
  stopping(): void;
  /** The session ended (`result` undefined when it failed). */
  stopped(result: MsgListenResult | undefined): Promise<void>;
}
