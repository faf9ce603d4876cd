import { LogRing } from '../../src/log/ring.js';

test('keeps the newest lines of pino JSON, named levels, skipping what is not JSON', () => {
  const ring = new LogRing(2);
  ring.write(JSON.stringify({ level: 30, time: 0, msg: 'one' }));
  ring.write('not json');
  ring.write(JSON.stringify({ level: 40, time: 1000, msg: 'two' }));
  ring.write(JSON.stringify({ level: 50, time: 2000, msg: 'three' }));
  expect(ring.recent(10)).toEqual([
    { at: '1970-01-01T00:00:01.000Z', level: 'warn', msg: 'two' },
    { at: '1970-01-01T00:00:02.000Z', level: 'error', msg: 'three' },
  ]);
  expect(ring.recent(1).map((l) => l.msg)).toEqual(['three']);
});
