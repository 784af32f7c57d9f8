/**
 * LOINC codes of the FHIR R4 vital-signs profile and the UCUM units each one accepts
 * (https://hl7.org/fhir/R4/observation-vitalsigns.html).
 */
export const vitalSignsUnits: Readonly<Record<string, { name: string; units: readonly string[] }>> = {
  '85353-1': { name: 'Vital signs panel', units: [] },
  '9279-1': { name: 'Respiratory rate', units: ['/min'] },
  '8867-4': { name: 'Heart rate', units: ['/min'] },
  '2708-6': { name: 'Oxygen saturation in arterial blood', units: ['%'] },
  '59408-5': { name: 'Oxygen saturation by pulse oximetry', units: ['%'] },
  '8310-5': { name: 'Body temperature', units: ['Cel', '[degF]'] },
  '8302-2': { name: 'Body height', units: ['cm', 'm', '[in_i]'] },
  '9843-4': { name: 'Head circumference', units: ['cm', '[in_i]'] },
  '29463-7': { name: 'Body weight', units: ['kg', 'g', '[lb_av]'] },
  '39156-5': { name: 'Body mass index', units: ['kg/m2'] },
  '85354-9': { name: 'Blood pressure panel', units: [] },
  '8480-6': { name: 'Systolic blood pressure', units: ['mm[Hg]'] },
  '8462-4': { name: 'Diastolic blood pressure', units: ['mm[Hg]'] },
};

/** Code system URIs used by the validators. */
export const fhirSystems = {
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
} as const;
