/**
 * The devnet's deployer key: `keccak256("aidoc.devnet.deployer")`.
 *
 * PUBLIC TEST KEY. Anyone can derive it; never use it, or an account it controls, on a real network.
 * The devnet funds this account at genesis and runs the system deployment plan from it, so the system
 * contracts land at the same addresses on every devnet (see {@link devnetContracts}).
 */
export const devnetDeployerPrivateKey =
  '0x127920444f3b0f50d9c69b4097cfb25bd1075b3ac65a8e7a9f988bb50b00546b' as const;

/** Address of {@link devnetDeployerPrivateKey}: the account that deploys the system contracts on the devnet. */
export const devnetDeployer = '0x5ae04B824FD1B8c78eC0B73843f0D6164C6D79e0' as const;
