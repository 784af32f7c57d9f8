import { AidocError } from '../errors';
import { type FhirResource, fhirResourceSchema } from './fhirResourceSchema';
import { fhirSystems } from './vitalSigns';

/**
 * Validates a FHIR R4 resource (Observation with LOINC code and UCUM unit for vital signs, DiagnosticReport,
 * DocumentReference with an attachment, Bundle); throws `INVALID_INPUT` listing every problem.
 *
 * @example
 * ```ts
 * const obs = validateFhirResource({ resourceType: 'Observation', status: 'final', code: { … }, … });
 * ```
 */
export function validateFhirResource(resource: unknown): FhirResource {
  const parsed = fhirResourceSchema.safeParse(resource);
  if (!parsed.success) {
    const kind =
      typeof resource === 'object' && resource !== null && 'resourceType' in resource
        ? String((resource as { resourceType: unknown }).resourceType)
        : 'resource';
    const problems = parsed.error.issues.map(
      (i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`,
    );
    throw new AidocError('INVALID_INPUT', `Invalid FHIR ${kind}: ${problems[0]}.`, {
      details: problems.join('; '),
      data: { issues: problems },
    });
  }
  return parsed.data;
}

const diagnosticCategories: Record<string, string> = {
  LAB: 'laboratory',
  RAD: 'imaging',
  CT: 'imaging',
  MR: 'imaging',
  US: 'imaging',
  EC: 'cardiology',
  CUS: 'cardiology',
  PAT: 'pathology',
  SP: 'pathology',
  GE: 'genetics',
};

/**
 * The life-bank category a resource files under: an Observation's category code (`vital-signs`,
 * `laboratory`, …), a DiagnosticReport's section mapped to a word (`LAB` → `laboratory`), `document` for
 * a DocumentReference, `bundle` for a Bundle.
 *
 * @example
 * ```ts
 * fhirCategoryOf(heartRateObservation); // "vital-signs"
 * ```
 */
export function fhirCategoryOf(resource: FhirResource): string {
  switch (resource.resourceType) {
    case 'Observation': {
      const coding = resource.category
        ?.flatMap((c) => c.coding ?? [])
        .find((c) => c.system === fhirSystems.observationCategory && c.code);
      return coding?.code ?? resource.category?.[0]?.coding?.[0]?.code ?? 'observation';
    }
    case 'DiagnosticReport': {
      const code = resource.category?.[0]?.coding?.[0]?.code;
      return code ? (diagnosticCategories[code] ?? code.toLowerCase()) : 'report';
    }
    case 'DocumentReference':
      return 'document';
    case 'Bundle':
      return 'bundle';
  }
}
