// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {SystemUpgradeable} from "../common/SystemUpgradeable.sol";

/// @title Registry of DApps that exchange messages
/// @notice A DApp has an owner (the account that sends and acknowledges its messages), a unique name, an
/// encryption public key other DApps encrypt payloads to, and the message topics it accepts.
contract DAppRegistry is SystemUpgradeable {
    /// @notice A registered DApp.
    struct DApp {
        address owner;
        bool active;
        uint64 registeredAt;
        string name;
        bytes encryptionKey;
    }

    /// @notice Number of DApps (ids are 1..dappCount).
    uint256 public dappCount;

    mapping(uint256 dappId => DApp) private _dapps;
    mapping(bytes32 nameHash => uint256 dappId) private _byName;
    mapping(uint256 dappId => mapping(bytes32 topic => bool)) private _accepts;

    /// @notice A DApp was registered.
    event DAppRegistered(uint256 indexed dappId, address indexed owner, string name, bytes encryptionKey);
    /// @notice A DApp's encryption key changed.
    event DAppKeyUpdated(uint256 indexed dappId, bytes encryptionKey);
    /// @notice A DApp started or stopped accepting a topic.
    event TopicSet(uint256 indexed dappId, bytes32 indexed topic, bool accepted);
    /// @notice A DApp was activated or deactivated by its owner.
    event DAppActiveSet(uint256 indexed dappId, bool active);
    /// @notice A DApp changed owner.
    event DAppOwnerSet(uint256 indexed dappId, address indexed owner);

    /// @notice The name is empty or the key is empty.
    error EmptyField(string field);
    /// @notice Another DApp already uses this name.
    error NameTaken(string name);
    /// @notice The DApp does not exist.
    error UnknownDApp(uint256 dappId);
    /// @notice Only the DApp's owner may do this.
    error NotDAppOwner(uint256 dappId);

    /// @notice Initializes the proxy's state.
    /// @param governance Owner: upgrades and deactivation.
    function initialize(address governance) external initializer {
        __SystemUpgradeable_init(governance);
    }

    /// @notice Registers a DApp owned by the caller.
    /// @param name Unique name.
    /// @param encryptionKey Public key messages to this DApp are encrypted to.
    /// @param topics Topics accepted from the start.
    /// @return dappId The new DApp's id.
    function register(string calldata name, bytes calldata encryptionKey, bytes32[] calldata topics)
        external
        whenNotPaused
        returns (uint256 dappId)
    {
        if (bytes(name).length == 0) revert EmptyField("name");
        if (encryptionKey.length == 0) revert EmptyField("encryptionKey");
        bytes32 nameHash = keccak256(bytes(name));
        if (_byName[nameHash] != 0) revert NameTaken(name);
        dappId = ++dappCount;
        _byName[nameHash] = dappId;
        _dapps[dappId] = DApp({
            owner: msg.sender,
            active: true,
            registeredAt: uint64(block.timestamp),
            name: name,
            encryptionKey: encryptionKey
        });
        emit DAppRegistered(dappId, msg.sender, name, encryptionKey);
        for (uint256 i = 0; i < topics.length; ++i) {
            _accepts[dappId][topics[i]] = true;
            emit TopicSet(dappId, topics[i], true);
        }
    }

    /// @notice Replaces a DApp's encryption key.
    /// @param dappId The DApp (caller must own it).
    /// @param encryptionKey The new key.
    function setEncryptionKey(uint256 dappId, bytes calldata encryptionKey) external whenNotPaused {
        _owned(dappId);
        if (encryptionKey.length == 0) revert EmptyField("encryptionKey");
        _dapps[dappId].encryptionKey = encryptionKey;
        emit DAppKeyUpdated(dappId, encryptionKey);
    }

    /// @notice Starts or stops accepting messages on `topic`.
    /// @param dappId The DApp (caller must own it).
    /// @param topic The topic, e.g. `keccak256("lab-sheet.ocr")`.
    /// @param accepted Whether to accept it.
    function setTopic(uint256 dappId, bytes32 topic, bool accepted) external whenNotPaused {
        _owned(dappId);
        _accepts[dappId][topic] = accepted;
        emit TopicSet(dappId, topic, accepted);
    }

    /// @notice Activates or deactivates a DApp; an inactive DApp neither sends nor receives.
    /// @param dappId The DApp (caller must own it).
    /// @param active The new state.
    function setActive(uint256 dappId, bool active) external whenNotPaused {
        _owned(dappId);
        _dapps[dappId].active = active;
        emit DAppActiveSet(dappId, active);
    }

    /// @notice Hands a DApp to a new owner.
    /// @param dappId The DApp (caller must own it).
    /// @param newOwner The new owner.
    function setOwner(uint256 dappId, address newOwner) external whenNotPaused {
        _owned(dappId);
        if (newOwner == address(0)) revert ZeroAddress();
        _dapps[dappId].owner = newOwner;
        emit DAppOwnerSet(dappId, newOwner);
    }

    /// @notice Returns a DApp.
    /// @param dappId The DApp.
    function getDApp(uint256 dappId) external view returns (DApp memory) {
        if (_dapps[dappId].owner == address(0)) revert UnknownDApp(dappId);
        return _dapps[dappId];
    }

    /// @notice Returns the id of the DApp called `name`, or 0.
    /// @param name The name.
    function dappIdOf(string calldata name) external view returns (uint256) {
        return _byName[keccak256(bytes(name))];
    }

    /// @notice Returns a DApp's owner and whether it is active (zero address for unknown DApps).
    /// @param dappId The DApp.
    function ownerAndStatus(uint256 dappId) external view returns (address owner, bool active) {
        DApp storage d = _dapps[dappId];
        return (d.owner, d.active);
    }

    /// @notice Whether the DApp accepts messages on `topic`.
    /// @param dappId The DApp.
    /// @param topic The topic.
    function acceptsTopic(uint256 dappId, bytes32 topic) external view returns (bool) {
        return _accepts[dappId][topic];
    }

    function _owned(uint256 dappId) private view {
        address owner = _dapps[dappId].owner;
        if (owner == address(0)) revert UnknownDApp(dappId);
        if (owner != msg.sender) revert NotDAppOwner(dappId);
    }
}
