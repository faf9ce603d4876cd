/**
 * The message of anything thrown: code may throw `undefined`, a string or any value, not only Errors.
 * Errors from another realm (node's own inside a vm context, as under jest) fail `instanceof Error`
 * yet have a message: that is used too, rather than `String(error)`'s "Error: ..." prefix.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' && Object.prototype.toString.call(error) === '[object Error]'
    ? message
    : String(error);
}
