import { AidocError } from '../errors';

/** Model names: letters, digits, `.`, `_`, `-` (safe in OIP URLs). */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Version labels (e.g. `1.0.0`, `2024-05-01`, `1.0.0+build.3`). */
export const MODEL_VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$/;

/**
 * Splits `name[@version]`, checking both parts.
 *
 * @example
 * ```ts
 * parseModelRef('wdbc-classifier@1.0.0'); // { name: 'wdbc-classifier', version: '1.0.0' }
 * parseModelRef('wdbc-classifier'); // { name: 'wdbc-classifier', version: undefined }: the latest version
 * ```
 */
export function parseModelRef(ref: string): { name: string; version: string | undefined } {
  if (typeof ref !== 'string')
    throw new AidocError('INVALID_INPUT', 'A model reference is a string "name" or "name@version".');
  const at = ref.lastIndexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const version = at < 0 ? undefined : ref.slice(at + 1);
  if (!MODEL_NAME_PATTERN.test(name))
    throw new AidocError('INVALID_INPUT', `"${ref}" is not a model reference.`, {
      details: 'Use "name" or "name@version"; names use letters, digits, ".", "_" and "-".',
    });
  if (version !== undefined && !MODEL_VERSION_PATTERN.test(version))
    throw new AidocError('INVALID_INPUT', `"${version}" is not a version label.`, {
      details: 'Versions use letters, digits, ".", "+", "_" and "-", e.g. 1.0.0.',
    });
  return { name, version };
}
