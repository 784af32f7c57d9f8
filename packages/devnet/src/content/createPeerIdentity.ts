import { generateKeyPairSync } from 'node:crypto';
import { base58btc } from 'multiformats/bases/base58';

/** A libp2p identity as `ipfs id` reports it. */
export interface PeerIdentity {
  /** Peer ID: base58btc identity multihash of the protobuf-encoded Ed25519 public key (`12D3KooW…`). */
  id: string;
  /** The protobuf-encoded public key, base64 (Kubo's `PublicKey` field). */
  publicKey: string;
}

/**
 * Generates a fresh Ed25519 libp2p identity, so `ipfs id` returns a peer ID that libp2p parsers accept. The
 * devnet has no swarm: the identity names the node, nothing more.
 *
 * @example
 * ```ts
 * createPeerIdentity().id; // '12D3KooW…'
 * ```
 */
export function createPeerIdentity(): PeerIdentity {
  const { publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  const raw = Buffer.from(jwk.x ?? '', 'base64url');
  // libp2p PublicKey protobuf: field 1 (KeyType) = 1 (Ed25519), field 2 (Data) = 32 key bytes.
  const proto = Buffer.concat([Buffer.from([0x08, 0x01, 0x12, raw.length]), raw]);
  // Identity multihash (code 0x00) of the protobuf: keys of at most 42 bytes are inlined in the peer ID.
  const multihash = Buffer.concat([Buffer.from([0x00, proto.length]), proto]);
  return { id: base58btc.baseEncode(multihash), publicKey: proto.toString('base64') };
}
