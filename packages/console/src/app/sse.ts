// A server-sent-events reader over fetch: EventSource cannot send the Authorization header, and the
// token must not travel in the URL.

export interface SseFrame {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

/** Splits a text/event-stream into frames; feed it chunks as they arrive (a frame may span chunks). */
export class SseParser {
  #buffer = '';

  push(chunk: string): SseFrame[] {
    this.#buffer += chunk.replace(/\r\n?/g, '\n');
    const frames: SseFrame[] = [];
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue; // comments: the keep-alives
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id') id = value;
      }
      if (data.length > 0) frames.push({ event, data: data.join('\n'), ...(id === undefined ? {} : { id }) });
    }
    return frames;
  }
}

/** Reads a fetch response as an event stream until it ends or `signal` aborts. */
export async function readSse(res: Response, signal: AbortSignal, onFrame: (frame: SseFrame) => void): Promise<void> {
  if (res.body === null) return;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  const stop = () => {
    void reader.cancel().catch(() => undefined);
  };
  signal.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      // Typed here: without the DOM library (the Node-side type-check of tests) read() is untyped.
      const { value, done } = (await reader.read()) as { value?: Uint8Array; done: boolean };
      if (done) return;
      for (const frame of parser.push(decoder.decode(value, { stream: true }))) onFrame(frame);
    }
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
