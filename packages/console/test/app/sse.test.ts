import { readSse, SseParser, type SseFrame } from '../../src/app/sse.js';

test('frames are parsed across chunk boundaries; comments and keep-alives are skipped', () => {
  const parser = new SseParser();
  expect(parser.push(': connected\n\nid: 1\nevent: mess')).toEqual([]);
  expect(parser.push('age\ndata: {"a":1}\n\n: keep-alive\n\nid: 2\r\ndata: x\r\ndata: y\r\n\r\n')).toEqual([
    { event: 'message', data: '{"a":1}', id: '1' },
    { event: 'message', data: 'x\ny', id: '2' },
  ]);
});

test('readSse reads a streamed response until it ends', async () => {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const enc = new TextEncoder();
      controller.enqueue(enc.encode('event: login\ndata: {"x"'));
      controller.enqueue(enc.encode(':1}\n\n'));
      controller.close();
    },
  });
  const frames: SseFrame[] = [];
  await readSse(new Response(body), new AbortController().signal, (f) => frames.push(f));
  expect(frames).toEqual([{ event: 'login', data: '{"x":1}' }]);
});
