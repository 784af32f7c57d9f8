import { describe, expect, it } from 'vitest';
import * as devnet from '../src';

describe('@aidoc/devnet public API', () => {
  it('exports exactly these names (changes must be deliberate)', () => {
    expect(Object.keys(devnet).sort()).toMatchInlineSnapshot(`
      [
        "createContentServer",
        "createContentStore",
        "createInferenceServer",
        "publishReferenceModels",
        "referenceModels",
        "startDevnet",
        "validatorFaultKinds",
      ]
    `);
  });
});
