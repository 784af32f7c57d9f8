import type { BlockSummary, DevnetLogEvent } from '@aidoc/devnet';
import { Box, Static, Text } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { consensusSummary } from '../commands/devnet/status';
import type { DevnetInfo } from '../commands/devnet/up';
import { type ValidatorStatus, validatorCondition } from '../commands/devnet/validatorStatus';
import { createBlockStats } from './blockStats';
import { formatGwei } from './formatGwei';
import { shortHex } from './shortHex';

/** What the view polls about consensus: every validator node and the latest finalized block. */
export interface ConsensusSnapshot {
  validators: ValidatorStatus[];
  finalized: bigint | null;
}

/** Props of {@link DevnetView}. */
export interface DevnetViewProps {
  info: DevnetInfo;
  /** Subscribe to new blocks (the devnet's `onBlock`); returns an unsubscribe function. */
  onBlock: (listener: (block: BlockSummary) => void) => () => void;
  /** Subscribe to devnet log events; returns an unsubscribe function. */
  onLog: (listener: (event: DevnetLogEvent) => void) => () => void;
  status: 'running' | 'stopping';
  /** How often the live part refreshes, in ms. Default 250. */
  refreshMs?: number;
  /** Clock for the rate counters (injectable for tests). */
  now?: () => number;
  /** Blocks kept in the rolling list. Default 8. */
  rows?: number;
  /** Read the validator set and the finalized block (polled every `refreshMs`); no panel without it. */
  readConsensus?: () => Promise<ConsensusSnapshot>;
}

const logColors: Partial<Record<string, string>> = { debug: 'gray', warn: 'yellow', error: 'red' };

function logColor(level: string): { color?: string } {
  const color = logColors[level];
  return color ? { color } : {};
}

/**
 * The terminal view of `aidoc devnet up`: endpoints, accounts (public test keys), contracts, printed once,
 * then a live, rolling list of new blocks with blocks/s and tx/s, and the latest log lines.
 *
 * @example
 * ```tsx
 * render(<DevnetView info={info} onBlock={devnet.onBlock} onLog={logs.subscribe} status="running" />);
 * ```
 */
export function DevnetView(props: DevnetViewProps) {
  const { info, onBlock, onLog, status, refreshMs = 250, now, rows = 8, readConsensus } = props;
  const stats = useMemo(() => createBlockStats({ rows, ...(now ? { now } : {}) }), [rows, now]);
  const [snapshot, setSnapshot] = useState(() => stats.snapshot());
  const [logs, setLogs] = useState<DevnetLogEvent[]>([]);

  useEffect(() => {
    const unsubscribe = onBlock((block) => stats.add(block));
    const timer = setInterval(() => setSnapshot(stats.snapshot()), refreshMs);
    return () => {
      unsubscribe();
      clearInterval(timer);
    };
  }, [onBlock, stats, refreshMs]);

  useEffect(() => onLog((event) => setLogs((previous) => [...previous.slice(-4), event])), [onLog]);

  const [consensus, setConsensus] = useState<ConsensusSnapshot | undefined>(undefined);
  useEffect(() => {
    if (!readConsensus) return;
    let active = true;
    let busy = false;
    const poll = () => {
      if (busy) return;
      busy = true;
      readConsensus()
        .then((next) => {
          if (active) setConsensus(next);
        })
        .catch(() => {})
        .finally(() => {
          busy = false;
        });
    };
    poll();
    const timer = setInterval(poll, refreshMs);
    return () => {
      active = false;
      clearInterval(timer);
    };
  }, [readConsensus, refreshMs]);
  const finalized = consensus?.finalized ?? null;

  return (
    <>
      <Static items={['summary']}>{(key) => <DevnetSummary key={key} info={info} />}</Static>
      <Box flexDirection="column">
        <Text>
          <Text bold>Blocks</Text> {snapshot.blocksPerSecond.toFixed(1)} blocks/s ·{' '}
          {snapshot.transactionsPerSecond.toFixed(1)} tx/s · {snapshot.totalBlocks} blocks and{' '}
          {snapshot.totalTransactions} tx since start
        </Text>
        {snapshot.recent.length === 0 ? (
          <Text dimColor>{'  '}waiting for the first block…</Text>
        ) : (
          snapshot.recent.map((block) => (
            <Text key={block.number.toString()}>
              {'  '}#{block.number.toString().padEnd(8)} {shortHex(block.hash)}{' '}
              {`${block.transactions} tx`.padStart(8)} gas {block.gasUsed.toString().padStart(10)} base fee{' '}
              {formatGwei(block.baseFeePerGas)}
              {finalized !== null && block.number <= finalized ? <Text color="green"> ✓ final</Text> : null}
            </Text>
          ))
        )}
        {consensus && <ConsensusPanel consensus={consensus} />}
        {logs.length > 0 && (
          <Box flexDirection="column" marginTop={1}>
            {logs.map((event, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: log lines have no identity; the list only appends
              <Text key={index} {...logColor(event.level)}>
                {'  '}
                {event.level.padEnd(5)} {event.msg}
              </Text>
            ))}
          </Box>
        )}
        <Box marginTop={1}>
          {status === 'running' ? (
            <Text dimColor>Press Ctrl+C to stop.</Text>
          ) : (
            <Text color="yellow">Stopping the devnet…</Text>
          )}
        </Box>
      </Box>
    </>
  );
}

function ConsensusPanel({ consensus }: { consensus: ConsensusSnapshot }) {
  const summary = consensusSummary(consensus.validators);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>
        <Text bold>Validators</Text> QBFT · {summary.validatorCount} in the set · quorum {summary.quorum} ·{' '}
        finalized {consensus.finalized === null ? 'none' : `#${consensus.finalized}`} ·{' '}
        {summary.canCommit ? (
          <Text color="green">committing ({summary.reachable} reachable)</Text>
        ) : (
          <Text color="red" bold>
            FINALITY STALLED ({summary.reachable} of {summary.quorum} needed reachable)
          </Text>
        )}
      </Text>
      {consensus.validators.map((v) => {
        const condition = validatorCondition(v);
        return (
          <Text key={v.index}>
            {'  '}#{String(v.index).padEnd(3)} {shortHex(v.address, 4)}{' '}
            {(v.validator ? (v.proposer ? 'proposer' : 'validator') : 'standby').padEnd(9)}{' '}
            <Text {...(condition === 'ok' ? { color: 'green' } : { color: 'yellow' })}>{condition}</Text>
            <Text dimColor>
              {' '}
              height {v.height} round {v.round}
            </Text>
          </Text>
        );
      })}
    </Box>
  );
}

function DevnetSummary({ info }: { info: DevnetInfo }) {
  const contracts = Object.entries(info.contracts);
  const nameWidth = Math.max(0, ...contracts.map(([name]) => name.length));
  const endpoints: [string, string][] = [
    ['JSON-RPC (HTTP)', info.rpc],
    ['JSON-RPC (WebSocket)', info.ws],
    ...(info.ipfs !== undefined ? [['IPFS (Kubo RPC API)', info.ipfs] as [string, string]] : []),
    ...(info.inference !== undefined ? [['Inference (OIP v2)', info.inference] as [string, string]] : []),
  ];
  const labelWidth = Math.max(...endpoints.map(([label]) => label.length));
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text>
        <Text bold color="green">
          AIDOC devnet ready
        </Text>{' '}
        · chain id {info.chainId} (0x{info.chainId.toString(16)})
      </Text>
      <Box flexDirection="column" marginTop={1}>
        <Text bold>Endpoints</Text>
        {endpoints.map(([label, url]) => (
          <Text key={label}>
            {'  '}
            {label.padEnd(labelWidth)} {url}
          </Text>
        ))}
      </Box>
      <Box flexDirection="column" marginTop={1}>
        <Text>
          <Text bold>Accounts</Text>{' '}
          <Text color="yellow" bold>
            PUBLIC TEST KEYS: never use them on a real network
          </Text>
        </Text>
        {info.accounts.map((account, index) => (
          <Box key={account.address} flexDirection="column">
            <Text>
              {'  '}({index}) {account.address}
            </Text>
            <Text dimColor>
              {'      '}private key {account.privateKey}
            </Text>
          </Box>
        ))}
      </Box>
      <Box flexDirection="column" marginTop={1}>
        <Text bold>System contracts</Text>
        {contracts.length === 0 ? (
          <Text dimColor>{'  '}none deployed</Text>
        ) : (
          contracts.map(([name, address]) => (
            <Text key={name}>
              {'  '}
              {name.padEnd(nameWidth)} {address}
            </Text>
          ))
        )}
      </Box>
    </Box>
  );
}
