/** A parsed JSON body's fields, or none when it is not an object: for reading optional error fields safely. */
export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
