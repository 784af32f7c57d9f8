// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Ownable2StepUpgradeable} from "@openzeppelin/contracts-upgradeable/access/Ownable2StepUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {ReentrancyGuardTransientUpgradeable} from
    "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardTransientUpgradeable.sol";

/// @title Base of every upgradeable AIDOC system contract
/// @notice Governance (the owner, transferable in two steps) upgrades the code behind the ERC-1967 proxy
/// (UUPS) and can deactivate the contract: a deactivated contract refuses every state change but keeps
/// its state readable. Nothing is ever destroyed.
abstract contract SystemUpgradeable is
    Initializable,
    Ownable2StepUpgradeable,
    PausableUpgradeable,
    ReentrancyGuardTransientUpgradeable,
    UUPSUpgradeable
{
    /// @notice An address argument was the zero address.
    error ZeroAddress();

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    // solhint-disable-next-line func-name-mixedcase
    function __SystemUpgradeable_init(address governance) internal onlyInitializing {
        if (governance == address(0)) revert ZeroAddress();
        __Ownable_init(governance);
        __Ownable2Step_init();
        __Pausable_init();
        __ReentrancyGuardTransient_init();
    }

    /// @notice Deactivates the contract: every state-changing function reverts until `reactivate`.
    /// @dev Governance only. Emits `Paused`.
    function deactivate() external onlyOwner {
        _pause();
    }

    /// @notice Reactivates a deactivated contract.
    /// @dev Governance only. Emits `Unpaused`.
    function reactivate() external onlyOwner {
        _unpause();
    }

    /// @dev Only governance may upgrade.
    function _authorizeUpgrade(address) internal override onlyOwner {}
}
