/** RFC 3339 in UTC without milliseconds (`2025-12-02T17:41:44Z`), the form Joblet's registries use. */
export function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
