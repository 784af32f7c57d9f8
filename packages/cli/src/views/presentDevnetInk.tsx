import { render } from 'ink';
import type { CliContext } from '../cliContext';
import type { DevnetSession } from '../commands/devnet/up';
import type { ValidatorStatus } from '../commands/devnet/validatorStatus';
import type { LogRelay } from '../output/createLogRelay';
import type { DevnetPresenter } from './DevnetPresenter';
import { type ConsensusSnapshot, DevnetView } from './DevnetView';

/**
 * Present a running devnet on a terminal with the ink {@link DevnetView}; Ctrl+C reaches the process as
 * SIGINT (the view does not take over the keyboard).
 *
 * @example
 * ```ts
 * const presenter = presentDevnetInk(session, logs, ctx);
 * ```
 */
export function presentDevnetInk(session: DevnetSession, logs: LogRelay, ctx: CliContext): DevnetPresenter {
  const onBlock = session.devnet.onBlock.bind(session.devnet);
  const provider = session.devnet.provider;
  const readConsensus = async (): Promise<ConsensusSnapshot> => {
    const [validators, finalized] = await Promise.all([
      provider.request({ method: 'aidoc_validators' }) as Promise<ValidatorStatus[]>,
      provider.request({ method: 'eth_getBlockByNumber', params: ['finalized', false] }) as Promise<{
        number: string;
      } | null>,
    ]);
    return { validators, finalized: finalized ? BigInt(finalized.number) : null };
  };
  const view = (status: 'running' | 'stopping') => (
    <DevnetView
      info={session.info}
      onBlock={onBlock}
      onLog={logs.subscribe}
      status={status}
      readConsensus={readConsensus}
      refreshMs={500}
    />
  );
  const instance = render(view('running'), {
    stdout: ctx.io.stdout as NodeJS.WriteStream,
    stderr: ctx.io.stderr as NodeJS.WriteStream,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    stopping() {
      instance.rerender(view('stopping'));
    },
    async stopped() {
      instance.unmount();
      await instance.waitUntilExit();
      ctx.io.stdout.write('Devnet stopped.\n');
    },
  };
}
