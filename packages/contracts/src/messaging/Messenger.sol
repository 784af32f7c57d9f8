// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {SystemUpgradeable} from "../common/SystemUpgradeable.sol";
import {DAppRegistry} from "./DAppRegistry.sol";

/// @title Cross-DApp messages and user notifications
/// @notice A DApp sends a message to another DApp on a topic the receiver accepts; each (from, to) channel
/// numbers its messages 1, 2, 3, … so a listener can deliver each exactly once and resume from a cursor.
/// The receiver acknowledges a message once, optionally with a result CID. A DApp may notify a user only
/// after the user allowed it. Payloads are a CID or inline bytes, encrypted off chain to the receiver's key
/// when private: the chain is public.
contract Messenger is SystemUpgradeable {
    /// @notice Largest inline payload, in bytes; larger payloads go to IPFS and travel as a CID.
    uint256 public constant MAX_INLINE_PAYLOAD = 8192;

    /// @notice The DApp registry messages are checked against.
    DAppRegistry public registry;

    /// @notice Last sequence number used on the channel from `fromDapp` to `toDapp` (0 = none yet).
    mapping(uint256 fromDapp => mapping(uint256 toDapp => uint64)) public channelSequence;
    /// @notice Whether a user allowed a DApp to notify them.
    mapping(address user => mapping(uint256 dappId => bool)) public notificationsAllowed;
    mapping(uint256 fromDapp => mapping(uint256 toDapp => mapping(uint64 sequence => bool))) private _acked;

    /// @notice A message was sent.
    event MessageSent(
        uint256 indexed fromDapp,
        uint256 indexed toDapp,
        uint64 indexed sequence,
        bytes32 topic,
        string payloadCid,
        bytes payload
    );
    /// @notice The receiver acknowledged a message.
    event MessageAcked(uint256 indexed fromDapp, uint256 indexed toDapp, uint64 indexed sequence, string resultCid);
    /// @notice A DApp notified a user.
    event Notified(address indexed user, uint256 indexed dappId, bytes32 topic, string payloadCid);
    /// @notice A user allowed or disallowed a DApp's notifications.
    event NotificationsAllowed(address indexed user, uint256 indexed dappId, bool allowed);

    /// @notice The caller does not own the (sending or acknowledging) DApp.
    error NotDAppOwner(uint256 dappId);
    /// @notice The DApp is unknown or inactive.
    error DAppInactive(uint256 dappId);
    /// @notice The receiving DApp does not accept this topic.
    error TopicNotAccepted(uint256 dappId, bytes32 topic);
    /// @notice Neither a payload CID nor inline bytes, or inline bytes too large.
    error InvalidPayload();
    /// @notice No message with this sequence number exists on the channel.
    error UnknownMessage(uint256 fromDapp, uint256 toDapp, uint64 sequence);
    /// @notice The message was already acknowledged.
    error AlreadyAcked(uint256 fromDapp, uint256 toDapp, uint64 sequence);
    /// @notice The user has not allowed this DApp to notify them.
    error NotificationsNotAllowed(address user, uint256 dappId);

    /// @notice Initializes the proxy's state.
    /// @param governance Owner: upgrades and deactivation.
    /// @param registry_ The DAppRegistry.
    function initialize(address governance, address registry_) external initializer {
        if (registry_ == address(0)) revert ZeroAddress();
        __SystemUpgradeable_init(governance);
        registry = DAppRegistry(registry_);
    }

    /// @notice Sends a message from one of the caller's DApps to another DApp.
    /// @param fromDapp The sending DApp (caller must own it; active).
    /// @param toDapp The receiving DApp (active; must accept `topic`).
    /// @param topic The topic.
    /// @param payloadCid CID of the payload, or empty.
    /// @param payload Inline payload, or empty; at least one of the two.
    /// @return sequence The message's number on the channel.
    function send(uint256 fromDapp, uint256 toDapp, bytes32 topic, string calldata payloadCid, bytes calldata payload)
        external
        whenNotPaused
        returns (uint64 sequence)
    {
        _requireOwnerOfActive(fromDapp);
        (, bool active) = registry.ownerAndStatus(toDapp);
        if (!active) revert DAppInactive(toDapp);
        if (!registry.acceptsTopic(toDapp, topic)) revert TopicNotAccepted(toDapp, topic);
        if ((bytes(payloadCid).length == 0 && payload.length == 0) || payload.length > MAX_INLINE_PAYLOAD) {
            revert InvalidPayload();
        }
        sequence = ++channelSequence[fromDapp][toDapp];
        emit MessageSent(fromDapp, toDapp, sequence, topic, payloadCid, payload);
    }

    /// @notice Acknowledges a message received by one of the caller's DApps, once.
    /// @param fromDapp The sender.
    /// @param toDapp The receiver (caller must own it).
    /// @param sequence The message's number on the channel.
    /// @param resultCid Optional CID of the result.
    function ack(uint256 fromDapp, uint256 toDapp, uint64 sequence, string calldata resultCid) external whenNotPaused {
        (address owner,) = registry.ownerAndStatus(toDapp);
        if (owner != msg.sender) revert NotDAppOwner(toDapp);
        if (sequence == 0 || sequence > channelSequence[fromDapp][toDapp]) {
            revert UnknownMessage(fromDapp, toDapp, sequence);
        }
        if (_acked[fromDapp][toDapp][sequence]) revert AlreadyAcked(fromDapp, toDapp, sequence);
        _acked[fromDapp][toDapp][sequence] = true;
        emit MessageAcked(fromDapp, toDapp, sequence, resultCid);
    }

    /// @notice Whether a message was acknowledged.
    /// @param fromDapp The sender.
    /// @param toDapp The receiver.
    /// @param sequence The message's number on the channel.
    function isAcked(uint256 fromDapp, uint256 toDapp, uint64 sequence) external view returns (bool) {
        return _acked[fromDapp][toDapp][sequence];
    }

    /// @notice Allows or disallows a DApp to notify the caller.
    /// @param dappId The DApp.
    /// @param allowed The new permission.
    function allowNotifications(uint256 dappId, bool allowed) external whenNotPaused {
        notificationsAllowed[msg.sender][dappId] = allowed;
        emit NotificationsAllowed(msg.sender, dappId, allowed);
    }

    /// @notice Notifies a user who allowed the DApp.
    /// @param dappId The notifying DApp (caller must own it; active).
    /// @param user The user.
    /// @param topic The notification topic.
    /// @param payloadCid CID of the (encrypted) notification body.
    function notify(uint256 dappId, address user, bytes32 topic, string calldata payloadCid) external whenNotPaused {
        _requireOwnerOfActive(dappId);
        if (!notificationsAllowed[user][dappId]) revert NotificationsNotAllowed(user, dappId);
        emit Notified(user, dappId, topic, payloadCid);
    }

    function _requireOwnerOfActive(uint256 dappId) private view {
        (address owner, bool active) = registry.ownerAndStatus(dappId);
        if (owner != msg.sender) revert NotDAppOwner(dappId);
        if (!active) revert DAppInactive(dappId);
    }
}
