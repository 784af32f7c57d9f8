// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SystemUpgradeable} from "../common/SystemUpgradeable.sol";

/// @title Federated training tasks, rounds and rewards
/// @notice A task owner escrows a reward pool and opens round 1. In each round, clients (data holders)
/// submit the CID of their encrypted update and their example count; once `minClients` have submitted,
/// the task's aggregator publishes the aggregate ciphertext; a client of that round decrypts it and
/// publishes the resulting model, which opens the next round. Each aggregated round's share of the pool is
/// claimable by its clients pro rata to examples. Cancelling, or a round that fails to reach its minimum
/// in time, refunds what no aggregated round has earned.
contract FederatedTraining is SystemUpgradeable {
    using SafeERC20 for IERC20;

    /// @notice Lifecycle of a task.
    enum TaskStatus {
        None,
        Active,
        Completed,
        Cancelled,
        Failed
    }

    /// @notice Privacy settings, in micro-units (value × 10^6). `secureAggregation` means CKKS-encrypted
    /// updates; the SDK refuses robust (plaintext) aggregation strategies with it.
    struct Privacy {
        bool secureAggregation;
        uint32 noiseMultiplierMicros;
        uint32 clipNormMicros;
        uint32 epsilonBudgetMicros;
        uint32 deltaMicros;
    }

    /// @notice Arguments of `createTask`.
    struct TaskParams {
        string initialModelCid;
        bytes32 strategy;
        uint32 rounds;
        uint32 minClients;
        uint64 roundDuration;
        uint256 rewardPool;
        address aggregator;
        string publicKeyCid;
        Privacy privacy;
    }

    /// @notice A task.
    struct Task {
        address owner;
        TaskStatus status;
        uint32 currentRound;
        uint64 roundStartedAt;
        uint256 allocated;
        string latestModelCid;
        TaskParams params;
    }

    /// @notice One round of a task.
    struct Round {
        uint32 submissions;
        bool aggregated;
        bool resultPublished;
        uint64 totalExamples;
        uint256 reward;
        string aggregateCid;
        string resultCid;
    }

    /// @notice One client's submission in a round.
    struct Submission {
        uint64 examples;
        bool claimed;
        string updateCid;
    }

    /// @notice The AID token rewards are paid in.
    IERC20 public token;
    /// @notice Number of tasks (ids are 1..taskCount).
    uint256 public taskCount;

    mapping(uint256 taskId => Task) private _tasks;
    mapping(uint256 taskId => mapping(uint32 round => Round)) private _rounds;
    mapping(uint256 taskId => mapping(uint32 round => mapping(address client => Submission))) private _submissions;

    /// @notice A task was created and its pool escrowed; round 1 is open.
    event TaskCreated(uint256 indexed taskId, address indexed owner, TaskParams params);
    /// @notice A client submitted an update.
    event UpdateSubmitted(
        uint256 indexed taskId, uint32 indexed round, address indexed client, string updateCid, uint64 examples
    );
    /// @notice The aggregator published a round's aggregate; the round's reward is now claimable.
    event AggregatePublished(uint256 indexed taskId, uint32 indexed round, string aggregateCid, uint256 reward);
    /// @notice A client published the round's decrypted model.
    event ResultPublished(uint256 indexed taskId, uint32 indexed round, address indexed client, string modelCid);
    /// @notice A new round opened.
    event RoundStarted(uint256 indexed taskId, uint32 indexed round);
    /// @notice The last round's result was published.
    event TaskCompleted(uint256 indexed taskId, string modelCid);
    /// @notice The owner cancelled the task; `refund` went back to the owner.
    event TaskCancelled(uint256 indexed taskId, uint256 refund);
    /// @notice A round missed its minimum in time; `refund` went back to the owner.
    event TaskFailed(uint256 indexed taskId, uint32 indexed round, uint256 refund);
    /// @notice A client claimed its reward for a round.
    event RewardClaimed(uint256 indexed taskId, uint32 indexed round, address indexed client, uint256 amount);

    /// @notice The task parameters are invalid (zero rounds, clients or duration; no aggregator; empty CIDs).
    error InvalidTask();
    /// @notice The task does not exist.
    error UnknownTask(uint256 taskId);
    /// @notice The task is not active.
    error TaskNotActive(uint256 taskId, TaskStatus status);
    /// @notice The current round no longer takes submissions (deadline passed or aggregated).
    error RoundClosed(uint256 taskId, uint32 round);
    /// @notice The client already submitted in this round.
    error AlreadySubmitted(uint256 taskId, uint32 round);
    /// @notice Example count must be positive; update CID must be non-empty.
    error InvalidSubmission();
    /// @notice Only the task's aggregator may publish aggregates.
    error NotAggregator(uint256 taskId);
    /// @notice Fewer than `minClients` submissions.
    error NotEnoughSubmissions(uint256 taskId, uint32 round, uint32 submissions);
    /// @notice The round is already aggregated.
    error AlreadyAggregated(uint256 taskId, uint32 round);
    /// @notice The round has no aggregate yet: no result, no payout.
    error NotAggregated(uint256 taskId, uint32 round);
    /// @notice Only a client of the round may publish its result.
    error NotRoundClient(uint256 taskId, uint32 round);
    /// @notice The caller has no unclaimed submission in this round.
    error NothingToClaim(uint256 taskId, uint32 round);
    /// @notice Only the task owner may cancel.
    error NotTaskOwner(uint256 taskId);
    /// @notice The round has not failed (deadline not passed, or minimum reached and aggregator still in time).
    error RoundNotFailed(uint256 taskId, uint32 round);

    /// @notice Initializes the proxy's state.
    /// @param governance Owner: upgrades and deactivation.
    /// @param token_ The AID token.
    function initialize(address governance, address token_) external initializer {
        if (token_ == address(0)) revert ZeroAddress();
        __SystemUpgradeable_init(governance);
        token = IERC20(token_);
    }

    /// @notice Creates a task, escrowing `p.rewardPool` AID from the caller (approve it first), and opens round 1.
    /// @param p The task parameters.
    /// @return taskId The new task's id.
    function createTask(TaskParams calldata p) external whenNotPaused nonReentrant returns (uint256 taskId) {
        if (
            p.rounds == 0 || p.minClients == 0 || p.roundDuration == 0 || p.aggregator == address(0)
                || bytes(p.initialModelCid).length == 0 || bytes(p.publicKeyCid).length == 0
        ) revert InvalidTask();
        taskId = ++taskCount;
        Task storage t = _tasks[taskId];
        t.owner = msg.sender;
        t.status = TaskStatus.Active;
        t.currentRound = 1;
        t.roundStartedAt = uint64(block.timestamp);
        t.latestModelCid = p.initialModelCid;
        t.params = p;
        emit TaskCreated(taskId, msg.sender, p);
        emit RoundStarted(taskId, 1);
        if (p.rewardPool > 0) token.safeTransferFrom(msg.sender, address(this), p.rewardPool);
    }

    /// @notice Submits the caller's encrypted update for the task's current round.
    /// @param taskId The task.
    /// @param updateCid CID of the encrypted update.
    /// @param examples Number of training examples behind the update (weights the payout).
    function submitUpdate(uint256 taskId, string calldata updateCid, uint64 examples) external whenNotPaused {
        Task storage t = _activeTask(taskId);
        uint32 round = t.currentRound;
        Round storage r = _rounds[taskId][round];
        if (r.aggregated || block.timestamp > _deadline(t)) revert RoundClosed(taskId, round);
        if (examples == 0 || bytes(updateCid).length == 0) revert InvalidSubmission();
        Submission storage s = _submissions[taskId][round][msg.sender];
        if (s.examples != 0) revert AlreadySubmitted(taskId, round);
        s.examples = examples;
        s.updateCid = updateCid;
        r.submissions += 1;
        r.totalExamples += examples;
        emit UpdateSubmitted(taskId, round, msg.sender, updateCid, examples);
    }

    /// @notice Publishes the aggregate of the current round; needs `minClients` submissions.
    /// @param taskId The task (caller must be its aggregator).
    /// @param aggregateCid CID of the aggregate ciphertext.
    function publishAggregate(uint256 taskId, string calldata aggregateCid) external whenNotPaused {
        Task storage t = _activeTask(taskId);
        if (msg.sender != t.params.aggregator) revert NotAggregator(taskId);
        uint32 round = t.currentRound;
        Round storage r = _rounds[taskId][round];
        if (r.aggregated) revert AlreadyAggregated(taskId, round);
        if (r.submissions < t.params.minClients) revert NotEnoughSubmissions(taskId, round, r.submissions);
        uint256 perRound = t.params.rewardPool / t.params.rounds;
        uint256 reward = round == t.params.rounds ? t.params.rewardPool - t.allocated : perRound;
        r.aggregated = true;
        r.aggregateCid = aggregateCid;
        r.reward = reward;
        t.allocated += reward;
        emit AggregatePublished(taskId, round, aggregateCid, reward);
    }

    /// @notice Publishes the model decrypted from the current round's aggregate, which opens the next round
    /// (or completes the task after the last one).
    /// @param taskId The task (caller must have submitted in the current round).
    /// @param modelCid CID of the new global model.
    function publishResult(uint256 taskId, string calldata modelCid) external whenNotPaused {
        Task storage t = _activeTask(taskId);
        uint32 round = t.currentRound;
        if (_submissions[taskId][round][msg.sender].examples == 0) revert NotRoundClient(taskId, round);
        Round storage r = _rounds[taskId][round];
        if (!r.aggregated) revert NotAggregated(taskId, round);
        r.resultPublished = true;
        r.resultCid = modelCid;
        t.latestModelCid = modelCid;
        emit ResultPublished(taskId, round, msg.sender, modelCid);
        if (round == t.params.rounds) {
            t.status = TaskStatus.Completed;
            emit TaskCompleted(taskId, modelCid);
        } else {
            t.currentRound = round + 1;
            t.roundStartedAt = uint64(block.timestamp);
            emit RoundStarted(taskId, round + 1);
        }
    }

    /// @notice Pays the caller's share of an aggregated round: reward × examples / total examples.
    /// @param taskId The task.
    /// @param round The round.
    function claimReward(uint256 taskId, uint32 round) external whenNotPaused nonReentrant {
        if (_tasks[taskId].status == TaskStatus.None) revert UnknownTask(taskId);
        Round storage r = _rounds[taskId][round];
        if (!r.aggregated) revert NotAggregated(taskId, round);
        Submission storage s = _submissions[taskId][round][msg.sender];
        if (s.examples == 0 || s.claimed) revert NothingToClaim(taskId, round);
        s.claimed = true;
        uint256 amount = r.reward * s.examples / r.totalExamples;
        emit RewardClaimed(taskId, round, msg.sender, amount);
        if (amount > 0) token.safeTransfer(msg.sender, amount);
    }

    /// @notice Cancels an active task and refunds the pool not yet earned by aggregated rounds.
    /// @param taskId The task (caller must own it).
    function cancelTask(uint256 taskId) external whenNotPaused nonReentrant {
        Task storage t = _activeTask(taskId);
        if (t.owner != msg.sender) revert NotTaskOwner(taskId);
        t.status = TaskStatus.Cancelled;
        uint256 refund = t.params.rewardPool - t.allocated;
        emit TaskCancelled(taskId, refund);
        if (refund > 0) token.safeTransfer(t.owner, refund);
    }

    /// @notice Marks a task failed when its current round passed its deadline without reaching
    /// `minClients`, or without an aggregate one further round duration later; refunds the unearned pool
    /// to the owner. Anyone may call it.
    /// @param taskId The task.
    function failTask(uint256 taskId) external whenNotPaused nonReentrant {
        Task storage t = _activeTask(taskId);
        uint32 round = t.currentRound;
        Round storage r = _rounds[taskId][round];
        uint256 deadline = _deadline(t);
        bool missedMinimum = r.submissions < t.params.minClients && block.timestamp > deadline;
        bool aggregatorLate = block.timestamp > deadline + t.params.roundDuration;
        if (r.aggregated || !(missedMinimum || aggregatorLate)) revert RoundNotFailed(taskId, round);
        t.status = TaskStatus.Failed;
        uint256 refund = t.params.rewardPool - t.allocated;
        emit TaskFailed(taskId, round, refund);
        if (refund > 0) token.safeTransfer(t.owner, refund);
    }

    /// @notice Returns a task.
    /// @param taskId The task.
    function getTask(uint256 taskId) external view returns (Task memory) {
        if (_tasks[taskId].status == TaskStatus.None) revert UnknownTask(taskId);
        return _tasks[taskId];
    }

    /// @notice Returns a round of a task.
    /// @param taskId The task.
    /// @param round The round (1-based).
    function getRound(uint256 taskId, uint32 round) external view returns (Round memory) {
        return _rounds[taskId][round];
    }

    /// @notice Returns a client's submission in a round (zero examples when none).
    /// @param taskId The task.
    /// @param round The round.
    /// @param client The client.
    function getSubmission(uint256 taskId, uint32 round, address client) external view returns (Submission memory) {
        return _submissions[taskId][round][client];
    }

    function _activeTask(uint256 taskId) private view returns (Task storage t) {
        t = _tasks[taskId];
        if (t.status == TaskStatus.None) revert UnknownTask(taskId);
        if (t.status != TaskStatus.Active) revert TaskNotActive(taskId, t.status);
    }

    function _deadline(Task storage t) private view returns (uint256) {
        return uint256(t.roundStartedAt) + t.params.roundDuration;
    }
}
