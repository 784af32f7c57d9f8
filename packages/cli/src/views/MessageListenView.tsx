import type { ReceivedMessage } from '@aidoc/sdk';
import type { AidocError } from '@aidoc/sdk/errors';
import { Box, Text, useStdout } from 'ink';
import { useEffect, useState } from 'react';
import type { MsgListenStart } from '../commands/msg/msgListen';
import { formatReceivedMessage } from './formatMessaging';

/** Props of {@link MessageListenView}. */
export interface MessageListenViewProps {
  start: MsgListenStart;
  /** Subscribe to received messages; returns an unsubscribe function. */
  onMessage: (listener: (message: ReceivedMessage) => void) => () => void;
  /** Subscribe to listener warnings (a dropped connection being retried); returns an unsubscribe function. */
  onWarning: (listener: (warning: AidocError) => void) => () => void;
  status: 'listening' | 'stopping';
}

/**
 * The terminal view of `aidoc msg listen`: each message is printed once, above a live status line with the
 * DApp, the count so far and the latest warning.
 *
 * @example
 * ```tsx
 * render(<MessageListenView start={start} onMessage={bus.onMessage} onWarning={bus.onWarning} status="listening" />);
 * ```
 */
export function MessageListenView(props: MessageListenViewProps) {
  const { start, onMessage, onWarning, status } = props;
  const { write } = useStdout();
  const [count, setCount] = useState(0);
  const [last, setLast] = useState<string>();
  const [warning, setWarning] = useState<string>();

  useEffect(
    () =>
      onMessage((message) => {
        write(formatReceivedMessage(message));
        setCount((n) => n + 1);
        setLast(`#${message.sequence} from DApp ${message.fromDapp}`);
        setWarning(undefined);
      }),
    [onMessage, write],
  );
  useEffect(() => onWarning((w) => setWarning(w.shortMessage)), [onWarning]);

  const limit = start.max !== undefined ? ` of ${start.max}` : '';
  return (
    <Box flexDirection="column">
      <Box>
        <Text color={status === 'listening' ? 'green' : 'yellow'}>●</Text>
        <Text>
          {' '}
          {status === 'listening' ? 'Listening' : 'Stopping'} · DApp {String(start.dappId)} ({start.name}) ·{' '}
          {count}
          {limit} received{last ? ` · last ${last}` : ''}
        </Text>
        {status === 'listening' ? <Text dimColor> · Ctrl+C to stop</Text> : null}
      </Box>
      {warning ? <Text color="yellow">! {warning}</Text> : null}
    </Box>
  );
}
