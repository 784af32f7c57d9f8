import { z } from 'zod';
import { AidocError } from '../errors';

/** A grant or request scope, resolved. */
export interface GrantScope {
  kind: 'record' | 'records' | 'category';
  /** For `record` (one) and `records` (one or more). */
  recordIds: bigint[];
  /** For `category`. */
  category: string;
  /** FHIR resource type a category scope is limited to (keys are only wrapped for matching records). */
  resourceType?: string;
  /** Canonical text form: a SMART v2 scope for categories, `record:ID` or `records:ID,ID` otherwise. */
  text: string;
}

/** Scope input: a SMART v2 scope string, `record:ID`, `records:ID,ID,…`, or an object. */
export type GrantScopeInput =
  | string
  | { recordId: bigint | number }
  | { recordIds: (bigint | number)[] }
  | { category: string; resourceType?: string };

const id = z.union([z.bigint().positive(), z.number().int().positive()]).transform((v) => BigInt(v));
const category = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a category such as vital-signs');
const resourceType = z.string().regex(/^[A-Z][A-Za-z]{1,63}$/, 'a FHIR resource type such as Observation');
const inputSchema = z.union([
  z.string().min(1),
  z.object({ recordId: id }).strict(),
  z.object({ recordIds: z.array(id).min(1).max(256) }).strict(),
  z.object({ category, resourceType: resourceType.optional() }).strict(),
]);

function fail(input: string, why: string): never {
  throw new AidocError('INVALID_INPUT', `Invalid scope "${input}": ${why}.`, {
    details:
      'Use a SMART v2 scope such as patient/Observation.rs?category=vital-signs (or patient/*.rs?category=laboratory), record:12, or records:3,4,5.',
  });
}

function categoryScope(cat: string, type: string | undefined): GrantScope {
  return {
    kind: 'category',
    recordIds: [],
    category: cat,
    ...(type ? { resourceType: type } : {}),
    text: `patient/${type ?? '*'}.rs?category=${cat}`,
  };
}

function recordScope(ids: bigint[]): GrantScope {
  const unique = [...new Set(ids)];
  return unique.length === 1
    ? { kind: 'record', recordIds: unique, category: '', text: `record:${unique[0]}` }
    : { kind: 'records', recordIds: unique, category: '', text: `records:${unique.join(',')}` };
}

/**
 * Parses a grant scope: a SMART v2 read scope with a category (`patient/Observation.rs?category=vital-signs`),
 * `record:ID`, `records:ID,ID,…`, or the object forms. Only read permissions (`r`, `s`, `rs`, `read`) are
 * accepted: a grant never lets anyone write.
 *
 * @example
 * ```ts
 * parseGrantScope('patient/Observation.rs?category=vital-signs');
 * // { kind: 'category', category: 'vital-signs', resourceType: 'Observation', recordIds: [], text: … }
 * ```
 */
export function parseGrantScope(input: GrantScopeInput): GrantScope {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    throw new AidocError('INVALID_INPUT', 'Invalid scope.', {
      details: parsed.error.issues.map((i) => i.message).join('; '),
    });
  }
  const value = parsed.data;
  if (typeof value !== 'string') {
    if ('recordId' in value) return recordScope([value.recordId]);
    if ('recordIds' in value) return recordScope(value.recordIds);
    return categoryScope(value.category, value.resourceType);
  }
  const text = value.trim();
  const recordMatch = /^records?:(\d+(,\d+)*)$/.exec(text);
  if (recordMatch) {
    const ids = (recordMatch[1] ?? '').split(',').map((s) => BigInt(s));
    if (ids.some((i) => i === 0n)) fail(text, 'record ids start at 1');
    if (ids.length > 256) fail(text, 'at most 256 records per scope');
    return recordScope(ids);
  }
  const smart = /^(patient|user)\/([A-Za-z]+|\*)\.([a-z]+)(\?(.*))?$/.exec(text);
  if (!smart) fail(text, 'not a SMART v2 scope, record:ID or records:ID,…');
  const [, , type, perms, , query] = smart;
  if (!['r', 's', 'rs', 'read'].includes(perms ?? '')) {
    fail(text, `only read permissions (r, s, rs) can be granted, not "${perms}"`);
  }
  if (type !== '*' && !resourceType.safeParse(type).success)
    fail(text, `"${type}" is not a FHIR resource type`);
  const params = new URLSearchParams(query ?? '');
  const keys = [...params.keys()];
  if (keys.some((k) => k !== 'category')) fail(text, 'only the category parameter is supported');
  const raw = params.get('category');
  if (!raw) fail(text, 'a scope over many records needs ?category=…');
  const code = raw.includes('|') ? raw.slice(raw.lastIndexOf('|') + 1) : raw;
  if (!category.safeParse(code).success) fail(text, `"${code}" is not a category`);
  return categoryScope(code, type === '*' ? undefined : type);
}

/** The scope struct LifeBank expects. Internal. */
export function toChainScope(scope: GrantScope): { kind: number; recordIds: bigint[]; category: string } {
  return {
    kind: scope.kind === 'record' ? 0 : scope.kind === 'records' ? 1 : 2,
    recordIds: scope.kind === 'category' ? [] : scope.recordIds,
    category: scope.kind === 'category' ? scope.category : '',
  };
}

/** A GrantScope from LifeBank's scope struct (and the SMART text kept in a key bundle, if any). Internal. */
export function fromChainScope(
  scope: { kind: number; recordIds: readonly bigint[]; category: string },
  text?: string,
): GrantScope {
  if (scope.kind === 2) {
    if (text) {
      try {
        const parsed = parseGrantScope(text);
        if (parsed.kind === 'category' && parsed.category === scope.category) return parsed;
      } catch {
        // fall through
      }
    }
    return categoryScope(scope.category, undefined);
  }
  return recordScope([...scope.recordIds]);
}
