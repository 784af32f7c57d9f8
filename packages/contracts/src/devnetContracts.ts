import { computeSystemAddresses } from './computeSystemAddresses';
import { devnetDeployer } from './devnetDeployer';

/**
 * Addresses of the system contracts on every devnet (the plan run by {@link devnetDeployer} from nonce 0).
 * A test checks them against a running devnet's `aidoc_contracts`.
 */
export const devnetContracts = computeSystemAddresses(devnetDeployer, 0);
