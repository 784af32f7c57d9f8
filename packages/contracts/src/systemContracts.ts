/**
 * The system contracts, in the order the deployment plan creates them. Every create step comes before any
 * call step, so the `i`-th entry is created with the deployer's nonce `startNonce + i` whatever the
 * plan's parameters are; that is what makes {@link computeSystemAddresses} independent of them.
 * `public: false` marks implementation contracts that sit behind a proxy.
 */
export const systemCreateOrder = [{ name: 'AidToken', public: true }] as const;

/** Name of a system contract as users address it (proxies under their own names, never implementations). */
export type SystemContractName = Extract<(typeof systemCreateOrder)[number], { public: true }>['name'];

/** Name of any contract the system plan creates, including implementations behind proxies. */
export type SystemCreateName = (typeof systemCreateOrder)[number]['name'];
