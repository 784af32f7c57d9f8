import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Abi, type Account, type Address, encodeFunctionData, type Hex } from 'viem';
import { compileSolidity, packageDir } from '../scripts/compileContracts';
import { systemProxyAbi, systemProxyBytecode } from '../src';
import { type SystemChain, send } from './systemChain';

const compiled = compileSolidity({
  'test/contracts/ReentrantToken.sol': readFileSync(
    join(packageDir, 'test/contracts/ReentrantToken.sol'),
    'utf8',
  ),
}).ReentrantToken!;

/** ABI of the test-only ReentrantToken. */
export const reentrantTokenAbi = compiled.abi as Abi;

async function deploy(chain: SystemChain, from: Account, abi: Abi, bytecode: Hex, args: unknown[] = []) {
  const hash = await chain.wallet(from).deployContract({ abi, bytecode, args });
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.contractAddress == null) throw new Error('deployment failed');
  return receipt.contractAddress;
}

/**
 * Deploys a hostile token and a fresh proxy of a system contract initialized with it.
 * @example
 * const { token, proxy } = await deployWithHostileToken(chain, gov, lifeBankAbi, lifeBankBytecode, (t) => [gov, t, 1n, 10n]);
 */
export async function deployWithHostileToken(
  chain: SystemChain,
  governance: Account,
  abi: Abi,
  bytecode: Hex,
  initArgs: (token: Address) => unknown[],
): Promise<{ token: Address; proxy: Address }> {
  const token = await deploy(chain, governance, reentrantTokenAbi, compiled.bytecode);
  const implementation = await deploy(chain, governance, abi, bytecode);
  const init = encodeFunctionData({ abi, functionName: 'initialize', args: initArgs(token) });
  const proxy = await deploy(chain, governance, systemProxyAbi as Abi, systemProxyBytecode, [
    implementation,
    init,
  ]);
  return { token, proxy };
}

/**
 * Arms the hostile token: its next balance change calls `target` with `data` once.
 * @example
 * await arm(chain, gov, token, lifeBank, calldata);
 */
export async function arm(chain: SystemChain, from: Account, token: Address, target: Address, data: Hex) {
  await send(chain, from, {
    address: token,
    abi: reentrantTokenAbi,
    functionName: 'arm',
    args: [target, data],
  });
}
