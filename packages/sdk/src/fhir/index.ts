export {
  type FhirResource,
  fhirBundleSchema,
  fhirCodeableConceptSchema,
  fhirCodingSchema,
  fhirDiagnosticReportSchema,
  fhirDocumentReferenceSchema,
  fhirObservationSchema,
  fhirResourceSchema,
} from './fhirResourceSchema';
export { fhirCategoryOf, validateFhirResource } from './validateFhirResource';
export { fhirSystems, vitalSignsUnits } from './vitalSigns';
