/**
 * `record[key]` only when `key` is the record's own property: keys that come from outside (tags,
 * file names, versions) never reach `Object.prototype` (`constructor`, `__proto__`).
 */
export function ownValue<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
