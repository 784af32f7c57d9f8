// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {SystemUpgradeable} from "../common/SystemUpgradeable.sol";

/// @title Registry of compute nodes
/// @notice Nodes register their capabilities and an endpoint, prove liveness with heartbeats, and carry a
/// credit score (0..1000, starting at 500) that scorers appointed by governance adjust. `findNodes`
/// returns live, active nodes that meet a requirement.
contract ComputeRegistry is SystemUpgradeable {
    /// @notice What a node offers. `runtimes` is a bit set (bit 0 ONNX Runtime CPU, bit 1 ONNX Runtime CUDA,
    /// bit 2 TensorRT, bit 3 CKKS aggregation; further bits by convention).
    struct Capabilities {
        uint32 cpuCores;
        uint32 gpuCount;
        uint64 memoryMb;
        uint256 runtimes;
    }

    /// @notice What a caller needs: minimums, every runtime bit in `runtimes`, and a minimum credit score.
    struct Requirement {
        uint32 minCpuCores;
        uint32 minGpuCount;
        uint64 minMemoryMb;
        uint256 runtimes;
        uint32 minCreditScore;
    }

    /// @notice A registered node.
    struct Node {
        Capabilities capabilities;
        uint64 registeredAt;
        uint64 lastHeartbeat;
        uint32 creditScore;
        bool active;
        string endpoint;
    }

    /// @notice Credit score of a newly registered node.
    uint32 public constant INITIAL_CREDIT_SCORE = 500;
    /// @notice Highest credit score.
    uint32 public constant MAX_CREDIT_SCORE = 1000;

    /// @notice Seconds after its last heartbeat during which a node counts as live.
    uint64 public heartbeatTimeout;
    /// @notice Whether an account may adjust credit scores.
    mapping(address account => bool) public isScorer;

    address[] private _nodeList;
    mapping(address node => Node) private _nodes;

    /// @notice A node registered or updated its capabilities (and is active).
    event NodeRegistered(address indexed node, Capabilities capabilities, string endpoint);
    /// @notice A node sent a heartbeat.
    event Heartbeat(address indexed node, uint64 timestamp);
    /// @notice A node deactivated itself.
    event NodeDeactivated(address indexed node);
    /// @notice A scorer changed a node's credit score.
    event CreditScoreAdjusted(address indexed node, address indexed scorer, int32 delta, uint32 score, string reason);
    /// @notice Governance appointed or removed a scorer.
    event ScorerSet(address indexed scorer, bool appointed);
    /// @notice Governance changed the heartbeat timeout.
    event HeartbeatTimeoutSet(uint64 heartbeatTimeout);

    /// @notice The caller (or `node`) is not registered.
    error UnknownNode(address node);
    /// @notice The node is deactivated; register again to reactivate.
    error NodeInactive(address node);
    /// @notice The caller is not an appointed scorer.
    error NotScorer(address account);
    /// @notice Capabilities must include at least one CPU core, memory and a runtime.
    error InvalidCapabilities();
    /// @notice The heartbeat timeout must be positive.
    error InvalidTimeout();

    /// @notice Initializes the proxy's state.
    /// @param governance Owner: upgrades, deactivation, scorers.
    /// @param heartbeatTimeout_ Seconds a heartbeat keeps a node live.
    function initialize(address governance, uint64 heartbeatTimeout_) external initializer {
        if (heartbeatTimeout_ == 0) revert InvalidTimeout();
        __SystemUpgradeable_init(governance);
        heartbeatTimeout = heartbeatTimeout_;
        emit HeartbeatTimeoutSet(heartbeatTimeout_);
    }

    /// @notice Registers the caller as a node, or updates its capabilities and endpoint and reactivates it.
    /// Counts as a heartbeat.
    /// @param capabilities What the node offers.
    /// @param endpoint Where to reach it (e.g. an Open Inference Protocol URL).
    function registerNode(Capabilities calldata capabilities, string calldata endpoint) external whenNotPaused {
        if (capabilities.cpuCores == 0 || capabilities.memoryMb == 0 || capabilities.runtimes == 0) {
            revert InvalidCapabilities();
        }
        Node storage node = _nodes[msg.sender];
        if (node.registeredAt == 0) {
            _nodeList.push(msg.sender);
            node.registeredAt = uint64(block.timestamp);
            node.creditScore = INITIAL_CREDIT_SCORE;
        }
        node.capabilities = capabilities;
        node.endpoint = endpoint;
        node.active = true;
        node.lastHeartbeat = uint64(block.timestamp);
        emit NodeRegistered(msg.sender, capabilities, endpoint);
    }

    /// @notice Records that the calling node is alive.
    function heartbeat() external whenNotPaused {
        Node storage node = _registered(msg.sender);
        if (!node.active) revert NodeInactive(msg.sender);
        node.lastHeartbeat = uint64(block.timestamp);
        emit Heartbeat(msg.sender, uint64(block.timestamp));
    }

    /// @notice Deactivates the calling node; it no longer appears in queries.
    function deactivateNode() external whenNotPaused {
        Node storage node = _registered(msg.sender);
        node.active = false;
        emit NodeDeactivated(msg.sender);
    }

    /// @notice Adjusts a node's credit score by `delta`, clamped to 0..MAX_CREDIT_SCORE.
    /// @param node The node.
    /// @param delta Signed change.
    /// @param reason Why (free text or a CID).
    function adjustCreditScore(address node, int32 delta, string calldata reason) external whenNotPaused {
        if (!isScorer[msg.sender]) revert NotScorer(msg.sender);
        Node storage entry = _registered(node);
        int256 next = int256(uint256(entry.creditScore)) + delta;
        if (next < 0) next = 0;
        if (next > int256(uint256(MAX_CREDIT_SCORE))) next = int256(uint256(MAX_CREDIT_SCORE));
        entry.creditScore = uint32(uint256(next));
        emit CreditScoreAdjusted(node, msg.sender, delta, entry.creditScore, reason);
    }

    /// @notice Appoints or removes a scorer.
    /// @param scorer The account.
    /// @param appointed True to appoint.
    function setScorer(address scorer, bool appointed) external onlyOwner {
        if (scorer == address(0)) revert ZeroAddress();
        isScorer[scorer] = appointed;
        emit ScorerSet(scorer, appointed);
    }

    /// @notice Sets the heartbeat timeout.
    /// @param heartbeatTimeout_ Seconds, positive.
    function setHeartbeatTimeout(uint64 heartbeatTimeout_) external onlyOwner {
        if (heartbeatTimeout_ == 0) revert InvalidTimeout();
        heartbeatTimeout = heartbeatTimeout_;
        emit HeartbeatTimeoutSet(heartbeatTimeout_);
    }

    /// @notice Returns a node.
    /// @param node The node's address.
    function getNode(address node) external view returns (Node memory) {
        return _registered(node);
    }

    /// @notice Number of nodes ever registered.
    function nodeCount() external view returns (uint256) {
        return _nodeList.length;
    }

    /// @notice Returns up to `limit` live, active nodes meeting `req`, scanning registrations from `offset`.
    /// @param req The requirement.
    /// @param offset First registration index to scan (for paging).
    /// @param limit Maximum number of results.
    /// @return nodes Matching node addresses.
    /// @return next Index to pass as `offset` to continue, or `nodeCount()` when the scan is complete.
    function findNodes(Requirement calldata req, uint256 offset, uint256 limit)
        external
        view
        returns (address[] memory nodes, uint256 next)
    {
        address[] memory found = new address[](limit);
        uint256 count = 0;
        uint256 i = offset;
        for (; i < _nodeList.length && count < limit; ++i) {
            address candidate = _nodeList[i];
            if (_meets(_nodes[candidate], req)) found[count++] = candidate;
        }
        assembly ("memory-safe") {
            mstore(found, count)
        }
        return (found, i);
    }

    function _meets(Node storage node, Requirement calldata req) private view returns (bool) {
        Capabilities storage c = node.capabilities;
        return node.active && block.timestamp <= uint256(node.lastHeartbeat) + heartbeatTimeout
            && c.cpuCores >= req.minCpuCores && c.gpuCount >= req.minGpuCount && c.memoryMb >= req.minMemoryMb
            && c.runtimes & req.runtimes == req.runtimes && node.creditScore >= req.minCreditScore;
    }

    function _registered(address node) private view returns (Node storage entry) {
        entry = _nodes[node];
        if (entry.registeredAt == 0) revert UnknownNode(node);
    }
}
