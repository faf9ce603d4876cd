import { fillTemplate, matchTrigger } from '../src/match.js';

describe('matchTrigger', () => {
  it('matches keywords anywhere, case-insensitively by default', () => {
    expect(matchTrigger({ keyword: 'Price' }, 'what is the price?')).not.toBeNull();
    expect(matchTrigger({ keyword: 'Price' }, 'what is the price?', true)).toBeNull();
    expect(matchTrigger({ keyword: '' }, 'anything')).toBeNull();
  });

  it('matches exact text ignoring surrounding spaces', () => {
    expect(matchTrigger({ exact: 'hi' }, '  HI ')).not.toBeNull();
    expect(matchTrigger({ exact: 'hi' }, 'hi there')).toBeNull();
  });

  it('exposes regex captures, and a global regex matches every message afresh', () => {
    const re = /order (\d+)(?<rest>.*)/g;
    const first = matchTrigger({ regex: re }, 'order 42 now');
    expect(first?.groups).toEqual(['order 42 now', '42', ' now']);
    expect(first?.named).toEqual({ rest: ' now' });
    expect(matchTrigger({ regex: re }, 'order 43')).not.toBeNull();
  });
});

describe('fillTemplate', () => {
  it('substitutes numbered and named captures and keeps $$ as a dollar', () => {
    const m = matchTrigger({ regex: /(?<who>\w+) owes (\d+)/ }, 'bob owes 5')!;
    expect(fillTemplate('$<who> pays $$$2 ($9 stays)', m)).toBe('bob pays $5 ($9 stays)');
  });
});
