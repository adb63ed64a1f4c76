/**
 * `record[key]` only when `key` is the record's own property. Names and versions come from users
 * and registries: `py@constructor` must find nothing, not `Object.prototype.constructor`.
 */
export function ownValue<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
