/**
 * Resolves `true` once the callback handed to `register` is called, or `false`
 * after `timeoutMs`, whichever comes first. Used by shutdown paths that wait
 * for in-flight work (inbox handlers, outbound sends) without hanging forever.
 */
export function settledWithin(register: (settle: () => void) => void, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      resolve(false);
    }, timeoutMs);
    register(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
