// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IAidMinter} from "../common/IAidMinter.sol";
import {SystemUpgradeable} from "../common/SystemUpgradeable.sol";

/// @title Life bank: health records, grants, paid access requests and life-mining rewards
/// @notice Records are encrypted off chain and stored content-addressed; this contract records who owns
/// them, who may read them (grants with purpose and expiry), and the audit trail. A grant does not
/// encrypt anything: it tells key holders whom to release wrapped keys to, and revocation stops future
/// releases only. A party who already read a record keeps what it read.
contract LifeBank is SystemUpgradeable {
    using SafeERC20 for IERC20;

    /// @notice What a grant or request covers: one record, a set of records, or every record of a category
    /// (including records the owner registers later).
    enum ScopeKind {
        Record,
        Records,
        Category
    }

    /// @notice Lifecycle of an access request.
    enum RequestStatus {
        None,
        Pending,
        Approved,
        Denied,
        Withdrawn
    }

    /// @notice A grant or request scope. `recordIds` for Record (exactly one) and Records (one or more);
    /// `category` for Category.
    struct Scope {
        ScopeKind kind;
        uint256[] recordIds;
        string category;
    }

    /// @notice A registered record.
    struct Record {
        address owner;
        uint64 createdAt;
        uint32 version;
        bool active;
        bytes32 contentHash;
        string cid;
        string category;
        string schema;
    }

    /// @notice Permission for `grantee` to read records of `owner` within `scope` until `expiry`.
    struct Grant {
        address owner;
        address grantee;
        uint64 expiry;
        bool revoked;
        Scope scope;
        string purpose;
        string keyBundleCid;
    }

    /// @notice A paid request for access; `offer` AID is held in escrow while pending.
    struct AccessRequest {
        address requester;
        address owner;
        uint64 expiry;
        uint64 grantDuration;
        RequestStatus status;
        uint256 offer;
        uint256 grantId;
        Scope scope;
        string purpose;
    }

    /// @notice Upper bound on the records named in one scope.
    uint256 public constant MAX_SCOPE_RECORDS = 256;

    /// @notice The AID token (escrow currency and life-mining reward).
    IERC20 public token;
    /// @notice Life-mining reward minted to the owner of each new record.
    uint256 public rewardPerRecord;
    /// @notice Total life-mining rewards this contract may ever mint.
    uint256 public rewardPoolCap;
    /// @notice Life-mining rewards minted so far.
    uint256 public rewardsMinted;
    /// @notice Number of records (ids are 1..recordCount).
    uint256 public recordCount;
    /// @notice Number of grants (ids are 1..grantCount).
    uint256 public grantCount;
    /// @notice Number of access requests (ids are 1..requestCount).
    uint256 public requestCount;

    mapping(uint256 recordId => Record) private _records;
    mapping(uint256 grantId => Grant) private _grants;
    mapping(uint256 requestId => AccessRequest) private _requests;
    mapping(bytes32 contentHash => bool) private _contentSeen;
    mapping(uint256 recordId => mapping(address grantee => uint256 grantId)) private _recordGrants;
    mapping(address owner => mapping(bytes32 categoryHash => mapping(address grantee => uint256 grantId))) private
        _categoryGrants;

    /// @notice A record was registered.
    event RecordRegistered(
        uint256 indexed recordId,
        address indexed owner,
        string cid,
        bytes32 contentHash,
        string category,
        string schema
    );
    /// @notice A record's content was replaced (key rotation re-encrypts it under a new key).
    event RecordUpdated(uint256 indexed recordId, string cid, bytes32 contentHash, uint32 version);
    /// @notice A record was deactivated: nobody but its owner has access any more.
    event RecordDeactivated(uint256 indexed recordId);
    /// @notice Life-mining reward paid for a record (0 once the pool is exhausted).
    event RecordRewarded(uint256 indexed recordId, address indexed owner, uint256 amount);
    /// @notice A grant was created. A newer grant to the same grantee for the same record or category supersedes older ones.
    event GrantCreated(
        uint256 indexed grantId,
        address indexed owner,
        address indexed grantee,
        Scope scope,
        string purpose,
        uint64 expiry,
        string keyBundleCid
    );
    /// @notice A grant was revoked.
    event GrantRevoked(uint256 indexed grantId, address indexed owner, address indexed grantee);
    /// @notice A grantee logged a read of a record (the access log).
    event RecordAccessed(uint256 indexed recordId, address indexed grantee, address indexed owner);
    /// @notice An access request was made; `offer` AID is now in escrow.
    event AccessRequested(
        uint256 indexed requestId,
        address indexed requester,
        address indexed owner,
        Scope scope,
        string purpose,
        uint256 offer,
        uint64 grantDuration,
        uint64 expiry
    );
    /// @notice The owner approved a request: grant created, escrow paid to the owner.
    event AccessRequestApproved(uint256 indexed requestId, uint256 indexed grantId);
    /// @notice The owner denied a request: escrow refunded.
    event AccessRequestDenied(uint256 indexed requestId);
    /// @notice The request was withdrawn by the requester, or refunded after expiry.
    event AccessRequestWithdrawn(uint256 indexed requestId);
    /// @notice Governance changed the life-mining policy.
    event RewardPolicySet(uint256 rewardPerRecord, uint256 rewardPoolCap);

    /// @notice A required string or hash was empty.
    error EmptyField(string field);
    /// @notice This content hash is already registered.
    error DuplicateContent(bytes32 contentHash);
    /// @notice The record does not exist.
    error UnknownRecord(uint256 recordId);
    /// @notice The record is deactivated.
    error RecordInactive(uint256 recordId);
    /// @notice The caller (or grant owner) does not own the record.
    error NotRecordOwner(uint256 recordId);
    /// @notice The scope is malformed (wrong number of record ids, or ids with a category scope).
    error InvalidScope();
    /// @notice The grantee is the zero address or the owner.
    error InvalidGrantee();
    /// @notice The expiry or duration is not in the future.
    error InvalidExpiry();
    /// @notice The grant does not exist.
    error UnknownGrant(uint256 grantId);
    /// @notice Only the grant's owner may do this.
    error NotGrantOwner(uint256 grantId);
    /// @notice The grant is already revoked.
    error GrantAlreadyRevoked(uint256 grantId);
    /// @notice The caller has no valid grant for the record (none, expired or revoked).
    error AccessDenied(uint256 recordId, address grantee);
    /// @notice The request does not exist.
    error UnknownRequest(uint256 requestId);
    /// @notice The request is no longer pending (already approved, denied or withdrawn).
    error RequestNotPending(uint256 requestId, RequestStatus status);
    /// @notice The request expired; only a refund is possible.
    error RequestExpired(uint256 requestId);
    /// @notice Only the request's owner (approve, deny) or requester (withdraw before expiry) may do this.
    error NotAuthorized();
    /// @notice The reward pool cap would be below what was already minted.
    error CapBelowMinted(uint256 cap, uint256 minted);

    /// @notice Initializes the proxy's state.
    /// @param governance Owner: upgrades, deactivation, reward policy.
    /// @param token_ The AID token; this contract needs its MINTER_ROLE to pay life-mining rewards.
    /// @param rewardPerRecord_ Reward per new record, in AID wei units.
    /// @param rewardPoolCap_ Total life-mining rewards ever mintable.
    function initialize(address governance, address token_, uint256 rewardPerRecord_, uint256 rewardPoolCap_)
        external
        initializer
    {
        if (token_ == address(0)) revert ZeroAddress();
        __SystemUpgradeable_init(governance);
        token = IERC20(token_);
        rewardPerRecord = rewardPerRecord_;
        rewardPoolCap = rewardPoolCap_;
        emit RewardPolicySet(rewardPerRecord_, rewardPoolCap_);
    }

    // ----- records -----

    /// @notice Registers an encrypted record owned by the caller and pays the life-mining reward.
    /// @param cid Content identifier of the ciphertext.
    /// @param contentHash Hash of the ciphertext (unique across the bank).
    /// @param category Category, e.g. `vital-signs` or `laboratory`.
    /// @param schema Content schema, e.g. `fhir+json;Observation`.
    /// @return recordId The new record's id.
    function registerRecord(string calldata cid, bytes32 contentHash, string calldata category, string calldata schema)
        external
        whenNotPaused
        nonReentrant
        returns (uint256 recordId)
    {
        if (bytes(cid).length == 0) revert EmptyField("cid");
        if (contentHash == bytes32(0)) revert EmptyField("contentHash");
        if (bytes(category).length == 0) revert EmptyField("category");
        if (_contentSeen[contentHash]) revert DuplicateContent(contentHash);
        _contentSeen[contentHash] = true;
        recordId = ++recordCount;
        _records[recordId] = Record({
            owner: msg.sender,
            createdAt: uint64(block.timestamp),
            version: 1,
            active: true,
            contentHash: contentHash,
            cid: cid,
            category: category,
            schema: schema
        });
        emit RecordRegistered(recordId, msg.sender, cid, contentHash, category, schema);

        uint256 remaining = rewardPoolCap > rewardsMinted ? rewardPoolCap - rewardsMinted : 0;
        uint256 reward = rewardPerRecord < remaining ? rewardPerRecord : remaining;
        if (reward > 0) {
            rewardsMinted += reward;
            IAidMinter(address(token)).mint(msg.sender, reward);
        }
        emit RecordRewarded(recordId, msg.sender, reward);
    }

    /// @notice Replaces a record's content after re-encryption under a new key; grants stay in force.
    /// @param recordId The record (caller must own it).
    /// @param cid Content identifier of the new ciphertext.
    /// @param contentHash Hash of the new ciphertext.
    function updateRecord(uint256 recordId, string calldata cid, bytes32 contentHash) external whenNotPaused {
        Record storage record = _ownedActiveRecord(recordId, msg.sender);
        if (bytes(cid).length == 0) revert EmptyField("cid");
        if (contentHash == bytes32(0)) revert EmptyField("contentHash");
        if (_contentSeen[contentHash]) revert DuplicateContent(contentHash);
        _contentSeen[contentHash] = true;
        record.cid = cid;
        record.contentHash = contentHash;
        record.version += 1;
        emit RecordUpdated(recordId, cid, contentHash, record.version);
    }

    /// @notice Deactivates one of the caller's records: it stays on record, but no grant gives access to it.
    /// @param recordId The record.
    function deactivateRecord(uint256 recordId) external whenNotPaused {
        Record storage record = _ownedActiveRecord(recordId, msg.sender);
        record.active = false;
        emit RecordDeactivated(recordId);
    }

    /// @notice Returns a record.
    /// @param recordId The record.
    function getRecord(uint256 recordId) external view returns (Record memory) {
        if (_records[recordId].owner == address(0)) revert UnknownRecord(recordId);
        return _records[recordId];
    }

    // ----- grants -----

    /// @notice Grants `grantee` read access to records of the caller within `scope` until `expiry`.
    /// @param grantee The reader.
    /// @param scope One record, a set of records (all owned by the caller), or a category.
    /// @param purpose Why access is granted (free text or a purpose code).
    /// @param expiry Timestamp after which the grant no longer gives access.
    /// @param keyBundleCid CID of the data keys wrapped for the grantee.
    /// @return grantId The new grant's id.
    function grant(
        address grantee,
        Scope calldata scope,
        string calldata purpose,
        uint64 expiry,
        string calldata keyBundleCid
    ) external whenNotPaused returns (uint256 grantId) {
        return _createGrant(msg.sender, grantee, scope, purpose, expiry, keyBundleCid);
    }

    /// @notice Revokes one of the caller's grants: `hasAccess` turns false at once.
    /// @param grantId The grant.
    function revoke(uint256 grantId) external whenNotPaused {
        Grant storage g = _grants[grantId];
        if (g.owner == address(0)) revert UnknownGrant(grantId);
        if (g.owner != msg.sender) revert NotGrantOwner(grantId);
        if (g.revoked) revert GrantAlreadyRevoked(grantId);
        g.revoked = true;
        emit GrantRevoked(grantId, g.owner, g.grantee);
    }

    /// @notice Returns a grant.
    /// @param grantId The grant.
    function getGrant(uint256 grantId) external view returns (Grant memory) {
        if (_grants[grantId].owner == address(0)) revert UnknownGrant(grantId);
        return _grants[grantId];
    }

    /// @notice Whether `reader` may read `recordId` now: its owner, or a grantee of an unexpired, unrevoked
    /// grant covering it (by id or by category). False for deactivated or unknown records.
    /// @param reader The would-be reader.
    /// @param recordId The record.
    function hasAccess(address reader, uint256 recordId) public view returns (bool) {
        return _accessGrant(reader, recordId) != 0 || _isOwnerOfActive(reader, recordId);
    }

    /// @notice Returns the id of the grant that currently gives `reader` access to `recordId`, or 0.
    /// @param reader The grantee.
    /// @param recordId The record.
    function accessGrantOf(address reader, uint256 recordId) external view returns (uint256) {
        return _accessGrant(reader, recordId);
    }

    /// @notice Writes a read of `recordId` by the caller to the access log; refuses without valid access.
    /// @param recordId The record read.
    function logAccess(uint256 recordId) external whenNotPaused {
        if (!hasAccess(msg.sender, recordId)) revert AccessDenied(recordId, msg.sender);
        emit RecordAccessed(recordId, msg.sender, _records[recordId].owner);
    }

    // ----- paid access requests -----

    /// @notice Asks `owner` for access, escrowing `offer` AID (approve it to this contract first).
    /// @param owner Whose records are requested.
    /// @param scope The records or category wanted.
    /// @param purpose Why.
    /// @param offer AID paid to the owner on approval, refunded on denial, withdrawal or expiry.
    /// @param grantDuration Seconds of access the grant gives from approval.
    /// @param expiry Timestamp after which the owner can no longer approve.
    /// @return requestId The new request's id.
    function requestAccess(
        address owner,
        Scope calldata scope,
        string calldata purpose,
        uint256 offer,
        uint64 grantDuration,
        uint64 expiry
    ) external whenNotPaused nonReentrant returns (uint256 requestId) {
        if (owner == address(0) || owner == msg.sender) revert InvalidGrantee();
        _checkScopeShape(scope);
        if (grantDuration == 0 || expiry <= block.timestamp) revert InvalidExpiry();
        requestId = ++requestCount;
        AccessRequest storage r = _requests[requestId];
        r.requester = msg.sender;
        r.owner = owner;
        r.expiry = expiry;
        r.grantDuration = grantDuration;
        r.status = RequestStatus.Pending;
        r.offer = offer;
        r.scope = scope;
        r.purpose = purpose;
        emit AccessRequested(requestId, msg.sender, owner, scope, purpose, offer, grantDuration, expiry);
        if (offer > 0) token.safeTransferFrom(msg.sender, address(this), offer);
    }

    /// @notice Approves a pending request: creates the grant and pays the escrowed offer to the owner.
    /// @param requestId The request (caller must be its owner).
    /// @param keyBundleCid CID of the data keys wrapped for the requester.
    /// @return grantId The grant created.
    function approveRequest(uint256 requestId, string calldata keyBundleCid)
        external
        whenNotPaused
        nonReentrant
        returns (uint256 grantId)
    {
        AccessRequest storage r = _pendingRequest(requestId);
        if (r.owner != msg.sender) revert NotAuthorized();
        if (block.timestamp > r.expiry) revert RequestExpired(requestId);
        r.status = RequestStatus.Approved;
        grantId = _createGrant(
            r.owner, r.requester, r.scope, r.purpose, uint64(block.timestamp) + r.grantDuration, keyBundleCid
        );
        r.grantId = grantId;
        emit AccessRequestApproved(requestId, grantId);
        if (r.offer > 0) token.safeTransfer(r.owner, r.offer);
    }

    /// @notice Denies a pending request and refunds the escrow to the requester.
    /// @param requestId The request (caller must be its owner).
    function denyRequest(uint256 requestId) external whenNotPaused nonReentrant {
        AccessRequest storage r = _pendingRequest(requestId);
        if (r.owner != msg.sender) revert NotAuthorized();
        r.status = RequestStatus.Denied;
        emit AccessRequestDenied(requestId);
        if (r.offer > 0) token.safeTransfer(r.requester, r.offer);
    }

    /// @notice Withdraws a pending request and refunds the escrow to the requester. The requester may
    /// withdraw at any time; once the request has expired, anyone may trigger the refund.
    /// @param requestId The request.
    function withdrawRequest(uint256 requestId) external whenNotPaused nonReentrant {
        AccessRequest storage r = _pendingRequest(requestId);
        if (r.requester != msg.sender && block.timestamp <= r.expiry) revert NotAuthorized();
        r.status = RequestStatus.Withdrawn;
        emit AccessRequestWithdrawn(requestId);
        if (r.offer > 0) token.safeTransfer(r.requester, r.offer);
    }

    /// @notice Returns an access request.
    /// @param requestId The request.
    function getRequest(uint256 requestId) external view returns (AccessRequest memory) {
        if (_requests[requestId].status == RequestStatus.None) revert UnknownRequest(requestId);
        return _requests[requestId];
    }

    // ----- governance -----

    /// @notice Sets the life-mining reward per record and the pool cap (not below what was minted).
    /// @param rewardPerRecord_ New reward per record.
    /// @param rewardPoolCap_ New total cap.
    function setRewardPolicy(uint256 rewardPerRecord_, uint256 rewardPoolCap_) external onlyOwner {
        if (rewardPoolCap_ < rewardsMinted) revert CapBelowMinted(rewardPoolCap_, rewardsMinted);
        rewardPerRecord = rewardPerRecord_;
        rewardPoolCap = rewardPoolCap_;
        emit RewardPolicySet(rewardPerRecord_, rewardPoolCap_);
    }

    // ----- internals -----

    function _createGrant(
        address owner,
        address grantee,
        Scope memory scope,
        string memory purpose,
        uint64 expiry,
        string memory keyBundleCid
    ) private returns (uint256 grantId) {
        if (grantee == address(0) || grantee == owner) revert InvalidGrantee();
        if (expiry <= block.timestamp) revert InvalidExpiry();
        if (bytes(keyBundleCid).length == 0) revert EmptyField("keyBundleCid");
        _checkScopeShape(scope);
        grantId = ++grantCount;
        if (scope.kind == ScopeKind.Category) {
            _categoryGrants[owner][keccak256(bytes(scope.category))][grantee] = grantId;
        } else {
            for (uint256 i = 0; i < scope.recordIds.length; ++i) {
                uint256 recordId = scope.recordIds[i];
                _ownedActiveRecord(recordId, owner);
                _recordGrants[recordId][grantee] = grantId;
            }
        }
        Grant storage g = _grants[grantId];
        g.owner = owner;
        g.grantee = grantee;
        g.expiry = expiry;
        g.scope = scope;
        g.purpose = purpose;
        g.keyBundleCid = keyBundleCid;
        emit GrantCreated(grantId, owner, grantee, scope, purpose, expiry, keyBundleCid);
    }

    function _checkScopeShape(Scope memory scope) private pure {
        uint256 n = scope.recordIds.length;
        if (scope.kind == ScopeKind.Record) {
            if (n != 1 || bytes(scope.category).length != 0) revert InvalidScope();
        } else if (scope.kind == ScopeKind.Records) {
            if (n == 0 || n > MAX_SCOPE_RECORDS || bytes(scope.category).length != 0) revert InvalidScope();
        } else if (n != 0 || bytes(scope.category).length == 0) {
            revert InvalidScope();
        }
    }

    function _accessGrant(address reader, uint256 recordId) private view returns (uint256) {
        Record storage record = _records[recordId];
        if (record.owner == address(0) || !record.active) return 0;
        uint256 byRecord = _recordGrants[recordId][reader];
        if (_isLive(byRecord)) return byRecord;
        uint256 byCategory = _categoryGrants[record.owner][keccak256(bytes(record.category))][reader];
        if (_isLive(byCategory)) return byCategory;
        return 0;
    }

    function _isLive(uint256 grantId) private view returns (bool) {
        if (grantId == 0) return false;
        Grant storage g = _grants[grantId];
        return !g.revoked && block.timestamp < g.expiry;
    }

    function _isOwnerOfActive(address reader, uint256 recordId) private view returns (bool) {
        Record storage record = _records[recordId];
        return record.active && record.owner == reader;
    }

    function _ownedActiveRecord(uint256 recordId, address owner) private view returns (Record storage record) {
        record = _records[recordId];
        if (record.owner == address(0)) revert UnknownRecord(recordId);
        if (record.owner != owner) revert NotRecordOwner(recordId);
        if (!record.active) revert RecordInactive(recordId);
    }

    function _pendingRequest(uint256 requestId) private view returns (AccessRequest storage r) {
        r = _requests[requestId];
        if (r.status == RequestStatus.None) revert UnknownRequest(requestId);
        if (r.status != RequestStatus.Pending) revert RequestNotPending(requestId, r.status);
    }
}
