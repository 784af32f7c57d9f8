/** FHIR R4 example resources used by the SDK tests and guides (synthetic data, no real patient). */

export function heartRate(bpm: number, effectiveDateTime: string) {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/observation-category',
            code: 'vital-signs',
            display: 'Vital Signs',
          },
        ],
      },
    ],
    code: {
      coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }],
      text: 'Heart rate',
    },
    subject: { reference: 'Patient/example' },
    effectiveDateTime,
    valueQuantity: { value: bpm, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}

export function bloodPressure(systolic: number, diastolic: number, effectiveDateTime: string) {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
        ],
      },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9', display: 'Blood pressure panel' }] },
    effectiveDateTime,
    component: [
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
        valueQuantity: { value: systolic, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      },
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] },
        valueQuantity: {
          value: diastolic,
          unit: 'mmHg',
          system: 'http://unitsofmeasure.org',
          code: 'mm[Hg]',
        },
      },
    ],
  };
}

export const glucose = {
  resourceType: 'Observation',
  status: 'final',
  category: [
    {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }],
    },
  ],
  code: {
    coding: [
      { system: 'http://loinc.org', code: '2345-7', display: 'Glucose [Mass/volume] in Serum or Plasma' },
    ],
  },
  effectiveDateTime: '2024-05-02T08:30:00Z',
  valueQuantity: { value: 95, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
};

export const labReport = {
  resourceType: 'DiagnosticReport',
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB' }] }],
  code: {
    coding: [{ system: 'http://loinc.org', code: '24323-8', display: 'Comprehensive metabolic panel' }],
  },
  effectiveDateTime: '2024-05-02T08:30:00Z',
  result: [{ reference: 'Observation/glucose' }],
  conclusion: 'Fasting glucose within the reference range.',
};

export const dischargeLetter = {
  resourceType: 'DocumentReference',
  status: 'current',
  type: { coding: [{ system: 'http://loinc.org', code: '18842-5', display: 'Discharge summary' }] },
  date: '2024-05-03T10:00:00Z',
  content: [
    {
      attachment: {
        contentType: 'text/plain',
        data: Buffer.from('Discharged in good condition. Follow-up in two weeks.').toString('base64'),
        title: 'Discharge letter',
      },
    },
  ],
};

export const vitalsBundle = {
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    { resource: heartRate(64, '2024-05-01T07:00:00Z') },
    { resource: bloodPressure(118, 76, '2024-05-01T07:01:00Z') },
  ],
};
