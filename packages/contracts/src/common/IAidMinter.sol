// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title The minting entry point of AidToken, as reward pools see it
interface IAidMinter {
    /// @notice Mints `amount` to `to`; the caller needs the token's MINTER_ROLE.
    function mint(address to, uint256 amount) external;
}
