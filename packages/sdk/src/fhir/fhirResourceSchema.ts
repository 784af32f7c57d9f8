import { z } from 'zod';
import { fhirSystems, vitalSignsUnits } from './vitalSigns';

const fhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'a FHIR id (letters, digits, "-" and ".")');
const dateTime = z
  .string()
  .regex(
    /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/,
    'a FHIR dateTime (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+zz:zz)',
  );
const instant = z.string().datetime({ offset: true });

/** FHIR Coding. */
export const fhirCodingSchema = z.looseObject({
  system: z.string().url().optional(),
  version: z.string().optional(),
  code: z.string().min(1).optional(),
  display: z.string().optional(),
});

/** FHIR CodeableConcept. */
export const fhirCodeableConceptSchema = z.looseObject({
  coding: z.array(fhirCodingSchema).optional(),
  text: z.string().optional(),
});

const reference = z.looseObject({ reference: z.string().optional(), display: z.string().optional() });

const quantity = z.looseObject({
  value: z.number(),
  unit: z.string().optional(),
  system: z.string().optional(),
  code: z.string().optional(),
});

const base = {
  id: fhirId.optional(),
  meta: z.looseObject({}).optional(),
  text: z.looseObject({}).optional(),
};

const codeRequired = fhirCodeableConceptSchema.refine(
  (c) => (c.coding?.some((x) => x.code !== undefined) ?? false) || c.text !== undefined,
  'a code: at least one coding with a code (or a text)',
);

const component = z.looseObject({
  code: codeRequired,
  valueQuantity: quantity.optional(),
  valueString: z.string().optional(),
  valueCodeableConcept: fhirCodeableConceptSchema.optional(),
});

function hasCategory(c: z.infer<typeof fhirCodeableConceptSchema>[] | undefined, code: string): boolean {
  return c?.some((cc) => cc.coding?.some((x) => x.code === code)) ?? false;
}

type Issue = { path: (string | number)[]; message: string };

/** Checks a vital-signs code + quantity: LOINC code, UCUM unit that fits the code. */
function checkVital(
  code: z.infer<typeof fhirCodeableConceptSchema>,
  value: z.infer<typeof quantity> | undefined,
  path: (string | number)[],
  issues: Issue[],
): void {
  const loinc = code.coding?.find((c) => c.system === fhirSystems.loinc && c.code);
  if (!loinc?.code) {
    issues.push({
      path: [...path, 'code'],
      message: `vital signs need a LOINC coding (system ${fhirSystems.loinc})`,
    });
    return;
  }
  if (!value) return;
  if (value.system !== fhirSystems.ucum || !value.code) {
    issues.push({
      path: [...path, 'valueQuantity'],
      message: `vital-sign quantities need a UCUM unit (system ${fhirSystems.ucum} and a code)`,
    });
    return;
  }
  const expected = vitalSignsUnits[loinc.code];
  if (expected && expected.units.length > 0 && !expected.units.includes(value.code)) {
    issues.push({
      path: [...path, 'valueQuantity', 'code'],
      message: `${expected.name} (LOINC ${loinc.code}) is measured in ${expected.units.join(' or ')}, not "${value.code}"`,
    });
  }
}

/** FHIR R4 Observation, with the vital-signs profile rules when its category is `vital-signs`. */
export const fhirObservationSchema = z
  .looseObject({
    resourceType: z.literal('Observation'),
    ...base,
    status: z.enum([
      'registered',
      'preliminary',
      'final',
      'amended',
      'corrected',
      'cancelled',
      'entered-in-error',
      'unknown',
    ]),
    category: z.array(fhirCodeableConceptSchema).optional(),
    code: codeRequired,
    subject: reference.optional(),
    effectiveDateTime: dateTime.optional(),
    issued: instant.optional(),
    valueQuantity: quantity.optional(),
    valueString: z.string().optional(),
    valueCodeableConcept: fhirCodeableConceptSchema.optional(),
    valueBoolean: z.boolean().optional(),
    valueInteger: z.number().int().optional(),
    component: z.array(component).optional(),
  })
  .superRefine((obs, ctx) => {
    if (!hasCategory(obs.category, 'vital-signs')) return;
    const issues: Issue[] = [];
    checkVital(obs.code, obs.valueQuantity, [], issues);
    obs.component?.forEach((c, i) => {
      checkVital(c.code, c.valueQuantity, ['component', i], issues);
    });
    if (!obs.effectiveDateTime && !(obs as { effectivePeriod?: unknown }).effectivePeriod) {
      issues.push({ path: ['effectiveDateTime'], message: 'vital signs need an effective time' });
    }
    for (const issue of issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });

/** FHIR R4 DiagnosticReport. */
export const fhirDiagnosticReportSchema = z.looseObject({
  resourceType: z.literal('DiagnosticReport'),
  ...base,
  status: z.enum([
    'registered',
    'partial',
    'preliminary',
    'final',
    'amended',
    'corrected',
    'appended',
    'cancelled',
    'entered-in-error',
    'unknown',
  ]),
  category: z.array(fhirCodeableConceptSchema).optional(),
  code: codeRequired,
  subject: reference.optional(),
  effectiveDateTime: dateTime.optional(),
  issued: instant.optional(),
  result: z.array(reference).optional(),
  conclusion: z.string().optional(),
});

const attachment = z
  .looseObject({
    contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+/, 'a media type such as application/pdf'),
    language: z.string().optional(),
    data: z
      .string()
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64')
      .optional(),
    url: z.string().optional(),
    size: z.number().int().nonnegative().optional(),
    hash: z.string().optional(),
    title: z.string().optional(),
    creation: dateTime.optional(),
  })
  .refine((a) => a.data !== undefined || a.url !== undefined, 'an attachment needs data or a url');

/** FHIR R4 DocumentReference with at least one attachment. */
export const fhirDocumentReferenceSchema = z.looseObject({
  resourceType: z.literal('DocumentReference'),
  ...base,
  status: z.enum(['current', 'superseded', 'entered-in-error']),
  type: fhirCodeableConceptSchema.optional(),
  category: z.array(fhirCodeableConceptSchema).optional(),
  subject: reference.optional(),
  date: instant.optional(),
  description: z.string().optional(),
  content: z.array(z.looseObject({ attachment, format: fhirCodingSchema.optional() })).min(1),
});

const singleResource = z.discriminatedUnion('resourceType', [
  fhirObservationSchema,
  fhirDiagnosticReportSchema,
  fhirDocumentReferenceSchema,
]);

/** FHIR R4 Bundle whose entries are Observations, DiagnosticReports or DocumentReferences. */
export const fhirBundleSchema = z.looseObject({
  resourceType: z.literal('Bundle'),
  ...base,
  type: z.enum([
    'document',
    'message',
    'transaction',
    'transaction-response',
    'batch',
    'batch-response',
    'history',
    'searchset',
    'collection',
  ]),
  timestamp: instant.optional(),
  entry: z.array(z.looseObject({ fullUrl: z.string().optional(), resource: singleResource })).min(1),
});

/** Any FHIR resource the life bank accepts. */
export const fhirResourceSchema = z.discriminatedUnion('resourceType', [
  fhirObservationSchema,
  fhirDiagnosticReportSchema,
  fhirDocumentReferenceSchema,
  fhirBundleSchema,
]);

/** A FHIR resource the life bank accepts (Observation, DiagnosticReport, DocumentReference, Bundle). */
export type FhirResource = z.infer<typeof fhirResourceSchema>;
