import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/crypto';
import { AidocError } from '../src/errors';
import { fhirCategoryOf, validateFhirResource } from '../src/fhir';
import { parseGrantScope } from '../src/grants/parseGrantScope';
import { bloodPressure, dischargeLetter, heartRate, labReport, vitalsBundle } from './fhirFixtures';

const code = (e: unknown) => (AidocError.is(e) ? e.code : 'not an AidocError');

describe('FHIR validation', () => {
  it('accepts the four resource kinds and files them under a category', () => {
    expect(fhirCategoryOf(validateFhirResource(heartRate(70, '2024-05-01T07:00:00Z')))).toBe('vital-signs');
    expect(fhirCategoryOf(validateFhirResource(bloodPressure(120, 80, '2024-05-01')))).toBe('vital-signs');
    expect(fhirCategoryOf(validateFhirResource(labReport))).toBe('laboratory');
    expect(fhirCategoryOf(validateFhirResource(dischargeLetter))).toBe('document');
    expect(fhirCategoryOf(validateFhirResource(vitalsBundle))).toBe('bundle');
  });

  it('refuses an Observation without a code', () => {
    const { code: _omit, ...noCode } = heartRate(70, '2024-05-01');
    expect(() => validateFhirResource(noCode)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('refuses a vital sign in the wrong UCUM unit, naming the expected unit', () => {
    const wrong = heartRate(70, '2024-05-01');
    wrong.valueQuantity = { value: 70, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' };
    try {
      validateFhirResource(wrong);
      expect.unreachable();
    } catch (e) {
      expect(code(e)).toBe('INVALID_INPUT');
      expect((e as AidocError).details).toContain('/min');
    }
  });

  it('refuses a vital sign without a LOINC coding or without a UCUM system', () => {
    const noLoinc = heartRate(70, '2024-05-01');
    noLoinc.code = {
      coding: [{ system: 'http://snomed.info/sct', code: '364075005', display: 'Heart rate' }],
      text: 'x',
    };
    expect(() => validateFhirResource(noLoinc)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    const noUcum = heartRate(70, '2024-05-01');
    noUcum.valueQuantity = { value: 70, unit: 'bpm', system: 'http://example.org', code: '/min' };
    expect(() => validateFhirResource(noUcum)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('refuses a DocumentReference without an attachment, and unknown resource types', () => {
    expect(() => validateFhirResource({ ...dischargeLetter, content: [] })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => validateFhirResource({ resourceType: 'Patient' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('canonical JSON does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null } })).toBe('{"a":{"c":null,"d":[1,"x"]},"b":1}');
    expect(canonicalJson(heartRate(70, '2024'))).toBe(
      canonicalJson(JSON.parse(JSON.stringify(heartRate(70, '2024')))),
    );
  });
});

describe('grant scopes', () => {
  it('parses SMART v2 category scopes', () => {
    expect(parseGrantScope('patient/Observation.rs?category=vital-signs')).toMatchObject({
      kind: 'category',
      category: 'vital-signs',
      resourceType: 'Observation',
    });
    expect(
      parseGrantScope(
        'patient/*.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory',
      ),
    ).toMatchObject({ kind: 'category', category: 'laboratory', text: 'patient/*.rs?category=laboratory' });
    expect(parseGrantScope('records:3,4')).toMatchObject({ kind: 'records', recordIds: [3n, 4n] });
    expect(parseGrantScope({ recordId: 7 })).toMatchObject({
      kind: 'record',
      recordIds: [7n],
      text: 'record:7',
    });
  });

  it('refuses write permissions, scopes without a category and junk', () => {
    for (const bad of ['patient/Observation.cud?category=x', 'patient/Observation.rs', 'hello', 'record:0']) {
      expect(() => parseGrantScope(bad)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
  });
});
