export {
  bundleSchema,
  codeableConceptSchema,
  codingSchema,
  diagnosticReportSchema,
  documentReferenceSchema,
  type FhirResource,
  fhirResourceSchema,
  observationSchema,
} from './fhirResourceSchema';
export { fhirCategoryOf, validateFhirResource } from './validateFhirResource';
export { fhirSystems, vitalSignsUnits } from './vitalSigns';
