// Minimal Hardhat 2 config so `hardhat node` can start as a benchmark peer (see bench/README.md).
// Same chain as the devnet and Anvil: chain id 31337, the standard test mnemonic, 10 funded accounts,
// Prague rules, automine. Per-request console logging is off, like `anvil --silent`.
/** @type {import('hardhat/config').HardhatUserConfig} */
module.exports = {
  networks: {
    hardhat: {
      chainId: 31337,
      hardfork: 'prague',
      loggingEnabled: false,
      accounts: {
        mnemonic: 'test test test test test test test test test test test junk',
        count: 10,
        accountsBalance: '10000000000000000000000',
      },
      mining: { auto: true },
    },
  },
  paths: { sources: './no-sources', cache: './.cache', artifacts: './.artifacts' },
};
