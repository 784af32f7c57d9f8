// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {NoncesUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/NoncesUpgradeable.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SystemUpgradeable} from "../common/SystemUpgradeable.sol";

/// @title Registry of encryption public keys
/// @notice Each account publishes one secp256k1 encryption public key (ECIES) that others wrap data keys to.
/// Setting a new key rotates it (the version increases). A key is bound to its account: either the account
/// sends the transaction itself, or anyone relays an EIP-712 `SetKey` signature by the account.
contract KeyRegistry is SystemUpgradeable, EIP712Upgradeable, NoncesUpgradeable {
    /// @notice An account's current key.
    struct KeyRecord {
        bytes publicKey;
        uint64 version;
        uint64 updatedAt;
    }

    /// @notice EIP-712 type of a relayed key registration.
    bytes32 public constant SET_KEY_TYPEHASH =
        keccak256("SetKey(address account,bytes publicKey,uint256 nonce,uint256 deadline)");

    mapping(address account => KeyRecord) private _keys;

    /// @notice `account` registered (version 1) or rotated to (later versions) `publicKey`.
    event KeySet(address indexed account, bytes publicKey, uint64 version);

    /// @notice The key is not a compressed (33-byte, 0x02/0x03) or uncompressed (65-byte, 0x04) secp256k1 point encoding.
    error InvalidPublicKey();
    /// @notice The relayed signature's deadline has passed.
    error SignatureExpired(uint256 deadline);
    /// @notice The relayed signature was not made by the account.
    error InvalidSignature();

    /// @notice Initializes the proxy's state.
    /// @param governance Owner: upgrades and deactivation.
    function initialize(address governance) external initializer {
        __SystemUpgradeable_init(governance);
        __EIP712_init("AIDOC KeyRegistry", "1");
        __Nonces_init();
    }

    /// @notice Registers or rotates the caller's encryption public key.
    /// @param publicKey secp256k1 public key, 33 bytes compressed or 65 bytes uncompressed.
    function setKey(bytes calldata publicKey) external whenNotPaused {
        _setKey(msg.sender, publicKey);
    }

    /// @notice Registers or rotates `account`'s key on its behalf, with the account's EIP-712 signature.
    /// @dev Works for EOAs and ERC-1271 contract wallets. Consumes the account's nonce.
    /// @param account Account the key belongs to (the signer).
    /// @param publicKey secp256k1 public key, 33 or 65 bytes.
    /// @param deadline Last timestamp at which the signature is valid.
    /// @param signature Signature of `SetKey(account, publicKey, nonces(account), deadline)`.
    function setKeyWithSig(address account, bytes calldata publicKey, uint256 deadline, bytes calldata signature)
        external
        whenNotPaused
    {
        if (block.timestamp > deadline) revert SignatureExpired(deadline);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(SET_KEY_TYPEHASH, account, keccak256(publicKey), _useNonce(account), deadline))
        );
        if (!SignatureChecker.isValidSignatureNow(account, digest, signature)) revert InvalidSignature();
        _setKey(account, publicKey);
    }

    /// @notice Returns `account`'s current key, its version (0 when none) and when it was set.
    /// @param account The account to look up.
    function keyOf(address account) external view returns (KeyRecord memory) {
        return _keys[account];
    }

    /// @notice Returns the next nonce `setKeyWithSig` expects for `account`.
    /// @param account The signer.
    function nonces(address account) public view override returns (uint256) {
        return super.nonces(account);
    }

    function _setKey(address account, bytes calldata publicKey) private {
        uint256 length = publicKey.length;
        bytes1 prefix = length > 0 ? publicKey[0] : bytes1(0);
        bool compressed = length == 33 && (prefix == 0x02 || prefix == 0x03);
        bool uncompressed = length == 65 && prefix == 0x04;
        if (!compressed && !uncompressed) revert InvalidPublicKey();
        KeyRecord storage entry = _keys[account];
        entry.publicKey = publicKey;
        entry.version += 1;
        entry.updatedAt = uint64(block.timestamp);
        emit KeySet(account, publicKey, entry.version);
    }
}
