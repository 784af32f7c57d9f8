// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SystemUpgradeable} from "../common/SystemUpgradeable.sol";

/// @title Model registry: the DApp market for medical AI models
/// @notice Publishers register models under a unique name, each with immutable versions (an ONNX file by
/// CID, or an external Open Inference Protocol endpoint for AI-API models), a task and a price per call in
/// AID. Users pay per call, and only a paid call may be rated once (the assessment service). Expert nodes
/// appointed by governance audit a sample of each model's recent calls every period; a majority of failing
/// audits in one period delists the model.
contract ModelRegistry is SystemUpgradeable {
    using SafeERC20 for IERC20;

    /// @notice Market status of a model. `Delisted` is set by audit and lifted only by governance.
    enum Listing {
        Listed,
        Unlisted,
        Delisted
    }

    /// @notice A model: a name owned by its publisher, and aggregate ratings.
    struct Model {
        address publisher;
        Listing listing;
        uint64 ratingCount;
        uint256 ratingSum;
        string name;
    }

    /// @notice One immutable version of a model.
    struct Version {
        uint256 modelId;
        uint64 publishedAt;
        uint256 pricePerCall;
        string version;
        string cid;
        string endpoint;
        string task;
        string metadataCid;
    }

    /// @notice A paid call.
    struct Call {
        address caller;
        uint64 paidAt;
        bool rated;
        uint256 versionId;
    }

    /// @notice Arguments of `publish`.
    struct PublishParams {
        string name;
        string version;
        string cid;
        string endpoint;
        string task;
        string metadataCid;
        uint256 pricePerCall;
    }

    /// @notice How many of a model's most recent calls an audit samples from.
    uint256 public constant AUDIT_WINDOW = 100;

    /// @notice The AID token calls are paid in.
    IERC20 public token;
    /// @notice Length of an audit period in seconds.
    uint64 public auditPeriod;
    /// @notice Number of appointed expert nodes.
    uint32 public expertCount;
    /// @notice Number of models (ids are 1..modelCount).
    uint256 public modelCount;
    /// @notice Number of versions (ids are 1..versionCount).
    uint256 public versionCount;
    /// @notice Number of paid calls (ids are 1..callCount).
    uint256 public callCount;

    mapping(uint256 modelId => Model) private _models;
    mapping(uint256 versionId => Version) private _versions;
    mapping(uint256 callId => Call) private _calls;
    mapping(bytes32 nameHash => uint256 modelId) private _modelByName;
    mapping(uint256 modelId => mapping(bytes32 versionHash => uint256 versionId)) private _versionByName;
    mapping(uint256 modelId => uint256[] versionIds) private _modelVersions;
    mapping(uint256 modelId => uint256[] callIds) private _modelCalls;
    /// @notice Whether an account is an appointed expert node.
    mapping(address account => bool) public isExpert;
    mapping(uint256 modelId => mapping(uint256 period => mapping(address expert => bool))) private _audited;
    mapping(uint256 modelId => mapping(uint256 period => uint32)) private _failVotes;

    /// @notice A new model name was registered.
    event ModelCreated(uint256 indexed modelId, address indexed publisher, string name);
    /// @notice A version was published.
    event VersionPublished(uint256 indexed modelId, uint256 indexed versionId, PublishParams params);
    /// @notice A model's listing changed.
    event ListingChanged(uint256 indexed modelId, Listing listing);
    /// @notice A call was paid.
    event CallPaid(
        uint256 indexed callId, uint256 indexed modelId, uint256 indexed versionId, address caller, uint256 price
    );
    /// @notice The payer of a call rated it.
    event CallRated(uint256 indexed callId, uint256 indexed modelId, address indexed rater, uint8 score, string commentCid);
    /// @notice Governance appointed or removed an expert node.
    event ExpertSet(address indexed expert, bool appointed);
    /// @notice An expert submitted an audit of a model for a period.
    event AuditSubmitted(uint256 indexed modelId, uint256 indexed period, address indexed expert, bool pass, string reportCid);
    /// @notice Governance changed the audit period.
    event AuditPeriodSet(uint64 auditPeriod);

    /// @notice A required string was empty, or both/neither of `cid` and `endpoint` were given.
    error InvalidModelSource();
    /// @notice Name or version is empty.
    error EmptyName();
    /// @notice The name belongs to another publisher.
    error NotPublisher(uint256 modelId);
    /// @notice This version already exists; versions are immutable.
    error VersionExists(uint256 modelId, string version);
    /// @notice The model, version or call does not exist.
    error Unknown(string what, uint256 id);
    /// @notice The model is not listed (unlisted by its publisher or delisted by audit).
    error NotListed(uint256 modelId, Listing listing);
    /// @notice The caller did not pay for this call.
    error NotCallPayer(uint256 callId);
    /// @notice The call was already rated.
    error AlreadyRated(uint256 callId);
    /// @notice Scores are 1 to 5.
    error InvalidScore(uint8 score);
    /// @notice The caller is not an appointed expert node.
    error NotExpert(address account);
    /// @notice This expert already audited the model this period.
    error AlreadyAudited(uint256 modelId, uint256 period);
    /// @notice The audit period must be positive.
    error InvalidAuditPeriod();

    /// @notice Initializes the proxy's state.
    /// @param governance Owner: upgrades, deactivation, expert appointments, reinstatement.
    /// @param token_ The AID token.
    /// @param auditPeriod_ Length of an audit period in seconds.
    function initialize(address governance, address token_, uint64 auditPeriod_) external initializer {
        if (token_ == address(0)) revert ZeroAddress();
        if (auditPeriod_ == 0) revert InvalidAuditPeriod();
        __SystemUpgradeable_init(governance);
        token = IERC20(token_);
        auditPeriod = auditPeriod_;
        emit AuditPeriodSet(auditPeriod_);
    }

    // ----- publishing -----

    /// @notice Publishes a new immutable version of `p.name`; the first publisher of a name owns it.
    /// @param p name (unique in the registry), version (unique per model), cid of the ONNX file or endpoint
    /// of an Open Inference Protocol server (exactly one), task, metadataCid, pricePerCall (AID wei units).
    /// @return modelId The model's id.
    /// @return versionId The new version's id.
    function publish(PublishParams calldata p) external whenNotPaused returns (uint256 modelId, uint256 versionId) {
        if (bytes(p.name).length == 0 || bytes(p.version).length == 0) revert EmptyName();
        if ((bytes(p.cid).length == 0) == (bytes(p.endpoint).length == 0) || bytes(p.task).length == 0) {
            revert InvalidModelSource();
        }
        modelId = _modelForPublisher(p.name);
        bytes32 versionHash = keccak256(bytes(p.version));
        if (_versionByName[modelId][versionHash] != 0) revert VersionExists(modelId, p.version);
        versionId = ++versionCount;
        _versionByName[modelId][versionHash] = versionId;
        _modelVersions[modelId].push(versionId);
        _versions[versionId] = Version({
            modelId: modelId,
            publishedAt: uint64(block.timestamp),
            pricePerCall: p.pricePerCall,
            version: p.version,
            cid: p.cid,
            endpoint: p.endpoint,
            task: p.task,
            metadataCid: p.metadataCid
        });
        emit VersionPublished(modelId, versionId, p);
    }

    /// @dev Returns the id of `name`, creating it for the caller on first use; refuses other publishers.
    function _modelForPublisher(string calldata name) private returns (uint256 modelId) {
        bytes32 nameHash = keccak256(bytes(name));
        modelId = _modelByName[nameHash];
        if (modelId == 0) {
            modelId = ++modelCount;
            _modelByName[nameHash] = modelId;
            Model storage created = _models[modelId];
            created.publisher = msg.sender;
            created.name = name;
            emit ModelCreated(modelId, msg.sender, name);
        } else {
            Model storage existing = _models[modelId];
            if (existing.publisher != msg.sender) revert NotPublisher(modelId);
            if (existing.listing == Listing.Delisted) revert NotListed(modelId, Listing.Delisted);
        }
    }

    /// @notice Lists or unlists one of the caller's models. A model delisted by audit stays delisted.
    /// @param modelId The model.
    /// @param listed True to list, false to unlist.
    function setListed(uint256 modelId, bool listed) external whenNotPaused {
        Model storage model = _model(modelId);
        if (model.publisher != msg.sender) revert NotPublisher(modelId);
        if (model.listing == Listing.Delisted) revert NotListed(modelId, Listing.Delisted);
        model.listing = listed ? Listing.Listed : Listing.Unlisted;
        emit ListingChanged(modelId, model.listing);
    }

    // ----- calls and ratings -----

    /// @notice Pays the price of one call of `versionId` to the publisher (approve the AID first).
    /// @param versionId The version called.
    /// @return callId Receipt id; the payer may rate it once.
    function payForCall(uint256 versionId) external whenNotPaused nonReentrant returns (uint256 callId) {
        Version storage v = _versions[versionId];
        if (v.modelId == 0) revert Unknown("version", versionId);
        Model storage model = _models[v.modelId];
        if (model.listing != Listing.Listed) revert NotListed(v.modelId, model.listing);
        callId = ++callCount;
        _calls[callId] = Call({caller: msg.sender, paidAt: uint64(block.timestamp), rated: false, versionId: versionId});
        _modelCalls[v.modelId].push(callId);
        emit CallPaid(callId, v.modelId, versionId, msg.sender, v.pricePerCall);
        if (v.pricePerCall > 0) token.safeTransferFrom(msg.sender, model.publisher, v.pricePerCall);
    }

    /// @notice Rates a call the caller paid for, once.
    /// @param callId The paid call.
    /// @param score 1 (worst) to 5 (best).
    /// @param commentCid Optional CID of a comment.
    function rate(uint256 callId, uint8 score, string calldata commentCid) external whenNotPaused {
        Call storage c = _calls[callId];
        if (c.caller != msg.sender) revert NotCallPayer(callId);
        if (c.rated) revert AlreadyRated(callId);
        if (score < 1 || score > 5) revert InvalidScore(score);
        c.rated = true;
        uint256 modelId = _versions[c.versionId].modelId;
        Model storage model = _models[modelId];
        model.ratingCount += 1;
        model.ratingSum += score;
        emit CallRated(callId, modelId, msg.sender, score, commentCid);
    }

    // ----- expert audits -----

    /// @notice Returns the current audit period number.
    function currentPeriod() public view returns (uint256) {
        return block.timestamp / auditPeriod;
    }

    /// @notice Returns up to `count` call ids sampled from the model's last `AUDIT_WINDOW` calls for this period.
    /// @dev The sample is a deterministic function of (model, period, number of calls): reproducible by every
    /// expert, but predictable. A production network should seed it from a randomness beacon.
    /// @param modelId The model.
    /// @param count Sample size.
    function auditSample(uint256 modelId, uint256 count) external view returns (uint256[] memory sample) {
        uint256[] storage calls = _modelCalls[modelId];
        uint256 total = calls.length;
        uint256 window = total < AUDIT_WINDOW ? total : AUDIT_WINDOW;
        if (count > window) count = window;
        sample = new uint256[](count);
        uint256 start = total - window;
        bytes32 seed = keccak256(abi.encode(address(this), modelId, currentPeriod(), total));
        uint256[] memory order = new uint256[](window);
        for (uint256 i = 0; i < window; ++i) {
            order[i] = i;
        }
        for (uint256 i = 0; i < count; ++i) {
            // Partial Fisher-Yates shuffle of the window: draws without replacement.
            uint256 j = i + uint256(keccak256(abi.encode(seed, i))) % (window - i);
            (order[i], order[j]) = (order[j], order[i]);
            sample[i] = calls[start + order[i]];
        }
    }

    /// @notice Submits an expert's audit of a model for the current period; failing audits from a majority
    /// of experts in one period delist it.
    /// @param modelId The model.
    /// @param pass Whether the sampled calls met the model's claims.
    /// @param reportCid CID of the audit report.
    function submitAudit(uint256 modelId, bool pass, string calldata reportCid) external whenNotPaused {
        if (!isExpert[msg.sender]) revert NotExpert(msg.sender);
        Model storage model = _model(modelId);
        uint256 period = currentPeriod();
        if (_audited[modelId][period][msg.sender]) revert AlreadyAudited(modelId, period);
        _audited[modelId][period][msg.sender] = true;
        emit AuditSubmitted(modelId, period, msg.sender, pass, reportCid);
        if (!pass) {
            uint32 fails = ++_failVotes[modelId][period];
            if (model.listing != Listing.Delisted && uint256(fails) * 2 > expertCount) {
                model.listing = Listing.Delisted;
                emit ListingChanged(modelId, Listing.Delisted);
            }
        }
    }

    /// @notice Appoints or removes an expert node.
    /// @param expert The account.
    /// @param appointed True to appoint, false to remove.
    function setExpert(address expert, bool appointed) external onlyOwner {
        if (expert == address(0)) revert ZeroAddress();
        if (isExpert[expert] == appointed) return;
        isExpert[expert] = appointed;
        if (appointed) expertCount += 1;
        else expertCount -= 1;
        emit ExpertSet(expert, appointed);
    }

    /// @notice Lifts an audit delisting; the model is listed again.
    /// @param modelId The model.
    function reinstate(uint256 modelId) external onlyOwner {
        Model storage model = _model(modelId);
        model.listing = Listing.Listed;
        emit ListingChanged(modelId, Listing.Listed);
    }

    /// @notice Sets the audit period length.
    /// @param auditPeriod_ Seconds, positive.
    function setAuditPeriod(uint64 auditPeriod_) external onlyOwner {
        if (auditPeriod_ == 0) revert InvalidAuditPeriod();
        auditPeriod = auditPeriod_;
        emit AuditPeriodSet(auditPeriod_);
    }

    // ----- views -----

    /// @notice Returns a model.
    /// @param modelId The model.
    function getModel(uint256 modelId) external view returns (Model memory) {
        return _model(modelId);
    }

    /// @notice Returns a version.
    /// @param versionId The version.
    function getVersion(uint256 versionId) external view returns (Version memory) {
        if (_versions[versionId].modelId == 0) revert Unknown("version", versionId);
        return _versions[versionId];
    }

    /// @notice Returns a paid call.
    /// @param callId The call.
    function getCall(uint256 callId) external view returns (Call memory) {
        if (_calls[callId].caller == address(0)) revert Unknown("call", callId);
        return _calls[callId];
    }

    /// @notice Returns the id of the model called `name`, or 0.
    /// @param name The model name.
    function modelIdOf(string calldata name) external view returns (uint256) {
        return _modelByName[keccak256(bytes(name))];
    }

    /// @notice Returns the id of `version` of a model, or 0.
    /// @param modelId The model.
    /// @param version The version label.
    function versionIdOf(uint256 modelId, string calldata version) external view returns (uint256) {
        return _versionByName[modelId][keccak256(bytes(version))];
    }

    /// @notice Returns every version id of a model, oldest first.
    /// @param modelId The model.
    function versionsOf(uint256 modelId) external view returns (uint256[] memory) {
        return _modelVersions[modelId];
    }

    function _model(uint256 modelId) private view returns (Model storage model) {
        model = _models[modelId];
        if (model.publisher == address(0)) revert Unknown("model", modelId);
    }
}
