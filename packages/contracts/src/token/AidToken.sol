// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title AID, the AIDOC utility token
/// @notice ERC-20 with EIP-2612 permit and 18 decimals. New tokens are minted only by accounts holding
/// `MINTER_ROLE` (the reward pools: life mining, federated training). An optional cap bounds total supply.
/// @dev Governance receives `DEFAULT_ADMIN_ROLE` and `MINTER_ROLE`. When the deployer is not governance it
/// also receives `DEFAULT_ADMIN_ROLE` so that a deployment script can wire the minter roles; the script
/// must then renounce it (the AIDOC deployment plan does so as its last step).
contract AidToken is ERC20, ERC20Permit, AccessControl {
    /// @notice Role allowed to mint new tokens.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @notice Maximum total supply in wei units; 0 means uncapped.
    uint256 public immutable cap;

    /// @notice An address argument was the zero address.
    error ZeroAddress();
    /// @notice The holder and amount lists of the constructor differ in length.
    error LengthMismatch(uint256 holders, uint256 amounts);
    /// @notice Minting would raise the total supply above the cap.
    error CapExceeded(uint256 supplyAfter, uint256 cap);

    /// @param governance Admin of all roles; also receives `MINTER_ROLE`.
    /// @param cap_ Maximum total supply (wei units), or 0 for no cap.
    /// @param holders Accounts that receive an initial balance (devnet genesis funding); may be empty.
    /// @param amounts Initial balances, one per holder.
    constructor(address governance, uint256 cap_, address[] memory holders, uint256[] memory amounts)
        ERC20("AIDOC Token", "AID")
        ERC20Permit("AIDOC Token")
    {
        if (governance == address(0)) revert ZeroAddress();
        if (holders.length != amounts.length) revert LengthMismatch(holders.length, amounts.length);
        cap = cap_;
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
        _grantRole(MINTER_ROLE, governance);
        if (msg.sender != governance) _grantRole(DEFAULT_ADMIN_ROLE, msg.sender);
        for (uint256 i = 0; i < holders.length; ++i) {
            _mint(holders[i], amounts[i]);
        }
    }

    /// @notice Mints `amount` new tokens to `to`.
    /// @dev Only `MINTER_ROLE`. Reverts with `CapExceeded` above the cap.
    /// @param to Recipient of the new tokens.
    /// @param amount Amount in wei units.
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// @notice Burns `amount` of the caller's tokens.
    /// @param amount Amount in wei units.
    function burn(uint256 amount) external {
        _burn(msg.sender, amount);
    }

    /// @dev Enforces the cap on every mint.
    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from == address(0) && cap != 0) {
            uint256 supply = totalSupply();
            if (supply > cap) revert CapExceeded(supply, cap);
        }
    }
}
