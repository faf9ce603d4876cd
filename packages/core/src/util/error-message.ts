/** The message of anything thrown: code may throw `undefined`, a string or any value, not only Errors. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
