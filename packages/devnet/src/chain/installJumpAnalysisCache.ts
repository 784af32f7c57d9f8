import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Analysis = { jumps: Uint8Array; pushes: Record<number, bigint>; opcodesCached: unknown[] };
interface InterpreterProto {
  _getValidJumpDestinations(this: { _evm: { _opcodeMap: object } }, code: Uint8Array): Analysis;
  __aidocCached?: boolean;
}

let installed: Promise<void> | undefined;

function patch(proto: InterpreterProto): void {
  if (proto.__aidocCached) return;
  const original = proto._getValidJumpDestinations;
  // Per opcode table (one per hardfork configuration), per code array: the analysis depends on nothing else.
  const byTable = new WeakMap<object, WeakMap<Uint8Array, Analysis>>();
  proto._getValidJumpDestinations = function (code) {
    const table = this._evm._opcodeMap;
    let cache = byTable.get(table);
    if (!cache) byTable.set(table, (cache = new WeakMap()));
    let hit = cache.get(code);
    if (!hit) {
      hit = original.call(this, code);
      cache.set(code, hit);
    }
    return hit;
  };
  proto.__aidocCached = true;
}

/**
 * Cache ethereumjs' jump-destination analysis per contract code. The EVM redoes it, allocating arrays as
 * long as the code, on every call into a contract; for an `eth_call` to an ERC-20 that was a fifth of the
 * time. Code arrays come from the devnet's state and are reused, so a WeakMap keyed on them hits.
 */
export function installJumpAnalysisCache(): Promise<void> {
  installed ??= (async () => {
    const require = createRequire(import.meta.url);
    const cjsIndex = require.resolve('@ethereumjs/evm');
    const dist = dirname(dirname(cjsIndex));
    // Patch the build this module system loaded: ESM here, CommonJS in our CJS bundle.
    const isCommonJs = typeof module !== 'undefined' && typeof exports !== 'undefined';
    try {
      if (isCommonJs) {
        const cjs = require(join(dist, 'cjs', 'interpreter.js')) as {
          Interpreter: { prototype: InterpreterProto };
        };
        patch(cjs.Interpreter.prototype);
      } else {
        const esm = (await import(pathToFileURL(join(dist, 'esm', 'interpreter.js')).href)) as {
          Interpreter: { prototype: InterpreterProto };
        };
        patch(esm.Interpreter.prototype);
      }
    } catch {
      // the package layout changed: run without the cache
    }
  })();
  return installed;
}
