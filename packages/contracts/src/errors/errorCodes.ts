/**
 * The catalogue of stable error codes and, for each, the JSON-RPC error code used when the error crosses
 * an Ethereum JSON-RPC boundary (EIP-1474). Codes are append-only: never rename or reuse one.
 */
export const errorCodes = {
  /** Input failed validation. */
  INVALID_INPUT: -32602,
  /** JSON could not be parsed. */
  PARSE_ERROR: -32700,
  /** The JSON-RPC request object is malformed. */
  INVALID_REQUEST: -32600,
  /** The method does not exist or is not available. */
  METHOD_NOT_FOUND: -32601,
  /** Method parameters are invalid. */
  INVALID_PARAMS: -32602,
  /** Internal error. */
  INTERNAL: -32603,
  /** Generic input rejection (EIP-1474 -32000): nonce, funds, gas. */
  INVALID_TRANSACTION: -32000,
  /** Transaction nonce is lower than the account's next nonce. */
  NONCE_TOO_LOW: -32000,
  /** Transaction nonce is too far ahead of the account's next nonce. */
  NONCE_TOO_HIGH: -32000,
  /** The sender cannot pay value + gas. */
  INSUFFICIENT_FUNDS: -32000,
  /** A replacement transaction does not pay enough more than the one it replaces. */
  REPLACEMENT_UNDERPRICED: -32000,
  /** The fee cap is below the block base fee or the gas limit is too low. */
  FEE_TOO_LOW: -32000,
  /** Gas limit exceeds the block gas limit or is below intrinsic gas. */
  GAS_LIMIT: -32000,
  /** Already there: a transaction already in the pool, or state that cannot be created twice (a published version, a rated call, a taken name). */
  ALREADY_KNOWN: -32000,
  /** The signature is invalid or does not recover to a sender. */
  INVALID_SIGNATURE: -32000,
  /** Execution reverted (data carries the revert bytes). */
  EXECUTION_REVERTED: 3,
  /** The requested resource (block, transaction, snapshot) was not found. */
  NOT_FOUND: -32001,
  /** The method is not supported by this server. */
  UNSUPPORTED: -32004,
  /** The request exceeds a server limit (body size, batch size, range). */
  LIMIT_EXCEEDED: -32005,
  /** The signer is not unlocked or not known. */
  UNAUTHORIZED: 4100,
  /** A network port is already in use. */
  PORT_IN_USE: -32603,
  /** A data directory cannot be used (incompatible version, locked). */
  DATA_DIR: -32603,
  /** Access to a resource was refused: no grant, expired, revoked. */
  ACCESS_DENIED: -32003,
  /** Decryption or authentication of ciphertext failed. */
  DECRYPTION_FAILED: -32603,
  /** A network request to a server failed. */
  NETWORK: -32603,
  /** An operation did not finish in time. */
  TIMEOUT: -32603,
  /** Validator fault injection or consensus error. */
  CONSENSUS: -32603,
} as const;

/** A stable AIDOC error code. */
export type AidocErrorCode = keyof typeof errorCodes;
