export {
  type DecodedQbftExtraData,
  decodeQbftExtraData,
  validatorsFromExtraData,
} from './validatorsFromExtraData';
export { type QbftBlockLike, type VerifiedBlockSeals, verifyBlockSeals } from './verifyBlockSeals';
