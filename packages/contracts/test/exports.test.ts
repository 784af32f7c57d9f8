import { describe, expect, it } from 'vitest';
import * as contracts from '../src';

describe('@aidoc/contracts public API', () => {
  it('exports exactly these names (changes must be deliberate)', () => {
    expect(Object.keys(contracts).sort()).toMatchInlineSnapshot(`
      [
        "aidTokenAbi",
        "aidTokenBytecode",
        "aidTokenDeployedBytecode",
        "computeCreateAddresses",
        "computeRegistryAbi",
        "computeRegistryBytecode",
        "computeRegistryDeployedBytecode",
        "computeSystemAddresses",
        "dAppRegistryAbi",
        "dAppRegistryBytecode",
        "dAppRegistryDeployedBytecode",
        "deploySystem",
        "devnetContracts",
        "devnetDeployer",
        "devnetDeployerPrivateKey",
        "federatedTrainingAbi",
        "federatedTrainingBytecode",
        "federatedTrainingDeployedBytecode",
        "keyRegistryAbi",
        "keyRegistryBytecode",
        "keyRegistryDeployedBytecode",
        "lifeBankAbi",
        "lifeBankBytecode",
        "lifeBankDeployedBytecode",
        "messengerAbi",
        "messengerBytecode",
        "messengerDeployedBytecode",
        "minterRole",
        "modelRegistryAbi",
        "modelRegistryBytecode",
        "modelRegistryDeployedBytecode",
        "systemCreateOrder",
        "systemDeploymentPlan",
        "systemProxyAbi",
        "systemProxyBytecode",
        "systemProxyDeployedBytecode",
      ]
    `);
  });
});
