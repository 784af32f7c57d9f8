// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/// @title ERC-1967 proxy in front of an upgradeable AIDOC system contract
/// @notice Holds the contract's state; the implementation (UUPS) carries the upgrade logic.
contract SystemProxy is ERC1967Proxy {
    /// @param implementation The first implementation.
    /// @param initData Calldata of the implementation's `initialize`, run in the proxy's context.
    constructor(address implementation, bytes memory initData) payable ERC1967Proxy(implementation, initData) {}
}
