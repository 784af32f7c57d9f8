import { AidocError } from '@aidoc/sdk/errors';
import type { VM } from '@ethereumjs/vm';
import { decodeRevertReason } from '../chain/Chain';
import type { RpcContext, RpcHandler } from './RpcContext';
import { invalidParam, parseHash, toData, toQuantity } from './rpcParams';

interface TraceOptions {
  tracer?: string;
  disableStack?: boolean;
  disableStorage?: boolean;
  enableMemory?: boolean;
  enableReturnData?: boolean;
}

interface CallFrame {
  type: string;
  from: string;
  to?: string;
  value?: string;
  gas: string;
  gasUsed: string;
  input: string;
  output?: string;
  error?: string;
  revertReason?: string;
  calls?: CallFrame[];
}

function parseTraceOptions(v: unknown): TraceOptions {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParam('trace options', 'an object', v);
  const o = v as Record<string, unknown>;
  if (o.tracer !== undefined && o.tracer !== 'callTracer' && o.tracer !== 'structLogger') {
    throw new AidocError('UNSUPPORTED', `tracer ${String(o.tracer)} is not supported`, {
      details: 'Supported: the default struct logger and "callTracer".',
    });
  }
  return o as TraceOptions;
}

/** Attach the default (struct log) tracer, geth's format. */
function structLogger(vm: VM, opts: TraceOptions): () => Record<string, unknown>[] {
  const logs: Record<string, unknown>[] = [];
  const storageByDepth = new Map<number, Record<string, string>>();
  vm.evm.events!.on('step', (step: any) => {
    const entry: Record<string, unknown> = {
      pc: step.pc,
      op: step.opcode.name,
      gas: Number(step.gasLeft),
      gasCost: Number(step.opcode.fee) + Number(step.opcode.dynamicFee ?? 0),
      depth: step.depth + 1,
    };
    if (step.gasRefund) entry.refund = Number(step.gasRefund);
    if (!opts.disableStack) entry.stack = (step.stack as bigint[]).map((x) => toQuantity(x));
    if (opts.enableMemory) {
      const mem: Uint8Array = step.memory;
      const words: string[] = [];
      for (let i = 0; i < Number(step.memoryWordCount) * 32; i += 32) {
        words.push(
          Buffer.from(mem.subarray(i, i + 32))
            .toString('hex')
            .padEnd(64, '0'),
        );
      }
      entry.memory = words;
    }
    if (!opts.disableStorage && (step.opcode.name === 'SSTORE' || step.opcode.name === 'SLOAD')) {
      const storage = storageByDepth.get(step.depth) ?? {};
      storageByDepth.set(step.depth, storage);
      const stack = step.stack as bigint[];
      const key = stack[stack.length - 1]!.toString(16).padStart(64, '0');
      if (step.opcode.name === 'SSTORE')
        storage[key] = stack[stack.length - 2]!.toString(16).padStart(64, '0');
      entry.storage = { ...storage };
    }
    logs.push(entry);
  });
  return () => logs;
}

/** Attach geth's `callTracer`: a tree of call frames. */
function callTracer(vm: VM): () => CallFrame | undefined {
  const stack: CallFrame[] = [];
  let root: CallFrame | undefined;
  vm.evm.events!.on('beforeMessage', (msg: any) => {
    const isCreate = msg.to === undefined;
    const type = isCreate
      ? msg.salt
        ? 'CREATE2'
        : 'CREATE'
      : msg.delegatecall
        ? 'DELEGATECALL'
        : msg.isStatic && stack.length > 0 && !stack[stack.length - 1]!.type.startsWith('STATIC')
          ? 'STATICCALL'
          : 'CALL';
    const frame: CallFrame = {
      type,
      from: msg.caller.toString(),
      ...(msg.to ? { to: msg.to.toString() } : {}),
      ...(type !== 'STATICCALL' && type !== 'DELEGATECALL' ? { value: toQuantity(msg.value ?? 0n) } : {}),
      gas: toQuantity(msg.gasLimit),
      gasUsed: '0x0',
      input: toData(msg.data ?? new Uint8Array()),
    };
    if (isCreate) frame.input = toData(msg.code ?? msg.data ?? new Uint8Array());
    const parent = stack[stack.length - 1];
    if (parent) (parent.calls ??= []).push(frame);
    else root = frame;
    stack.push(frame);
  });
  vm.evm.events!.on('afterMessage', (res: any) => {
    const frame = stack.pop();
    if (!frame) return;
    const exec = res.execResult;
    frame.gasUsed = toQuantity(exec.executionGasUsed ?? 0n);
    if (res.createdAddress && frame.to === undefined) frame.to = res.createdAddress.toString();
    if (exec.returnValue?.length) frame.output = toData(exec.returnValue);
    if (exec.exceptionError) {
      frame.error = exec.exceptionError.error === 'revert' ? 'execution reverted' : exec.exceptionError.error;
      const reason =
        exec.exceptionError.error === 'revert' ? decodeRevertReason(exec.returnValue) : undefined;
      if (reason) frame.revertReason = reason;
    }
  });
  return () => root;
}

/** `debug_traceTransaction` (struct logs or callTracer). */
export function debugMethods(ctx: RpcContext): Record<string, RpcHandler> {
  const { chain } = ctx;
  return {
    debug_traceTransaction: async (p) => {
      const hash = parseHash(p[0], 'transaction hash');
      const opts = parseTraceOptions(p[1]);
      if (opts.tracer === 'callTracer') {
        const r = await chain.replay(hash, (vm) => callTracer(vm));
        if (!r) throw new AidocError('NOT_FOUND', `transaction ${hash} not found`);
        const top = r.trace;
        if (top) {
          top.from = r.stored.from;
          top.gas = toQuantity(r.stored.tx.gasLimit);
          top.gasUsed = toQuantity(r.result.totalGasSpent);
          if (r.stored.tx.to === undefined && r.result.createdAddress)
            top.to = r.result.createdAddress.toString();
        }
        return top;
      }
      const r = await chain.replay(hash, (vm) => structLogger(vm, opts));
      if (!r) throw new AidocError('NOT_FOUND', `transaction ${hash} not found`);
      return {
        gas: Number(r.result.totalGasSpent),
        failed: r.result.execResult.exceptionError !== undefined,
        returnValue: Buffer.from(r.result.execResult.returnValue).toString('hex'),
        structLogs: r.trace,
      };
    },
  };
}
