export {
  type DecodedQbftExtraData,
  decodeQbftExtraData,
  validatorsFromExtraData,
} from './validatorsFromExtraData';
export {
  type QbftBlockLike,
  type Quantity,
  type VerifiedBlockSeals,
  verifyBlockSeals,
} from './verifyBlockSeals';
