/**
 * The contracts the system plan creates, in creation order. Every create step comes before any call step,
 * so the `i`-th entry is created with the deployer's nonce `startNonce + i` whatever the plan's parameters
 * are; that is what makes {@link computeSystemAddresses} independent of them. Upgradeable contracts are an
 * implementation (`public: false`) followed by the `SystemProxy` users address under the contract's name.
 */
export const systemCreateOrder = [
  { name: 'AidToken', public: true },
  { name: 'KeyRegistryImplementation', public: false },
  { name: 'KeyRegistry', public: true },
  { name: 'LifeBankImplementation', public: false },
  { name: 'LifeBank', public: true },
  { name: 'ModelRegistryImplementation', public: false },
  { name: 'ModelRegistry', public: true },
  { name: 'DAppRegistryImplementation', public: false },
  { name: 'DAppRegistry', public: true },
  { name: 'MessengerImplementation', public: false },
  { name: 'Messenger', public: true },
  { name: 'ComputeRegistryImplementation', public: false },
  { name: 'ComputeRegistry', public: true },
  { name: 'FederatedTrainingImplementation', public: false },
  { name: 'FederatedTraining', public: true },
] as const;

/** Name of a system contract as users address it (proxies under their own names, never implementations). */
export type SystemContractName = Extract<(typeof systemCreateOrder)[number], { public: true }>['name'];

/** Name of any contract the system plan creates, including implementations behind proxies. */
export type SystemCreateName = (typeof systemCreateOrder)[number]['name'];
