import type { RequestSpec, WireHttp } from '../../src/wire/request.js';

/** A reply with a status other than 200 (the login page's 301, a 500). */
export interface StatusReply {
  status: number;
  text: string;
}

/** A carrier that records each request and answers with the next canned reply. */
export function fakeHttp(replies: unknown[]): WireHttp & { seen: RequestSpec[] } {
  const seen: RequestSpec[] = [];
  const next = (spec: RequestSpec): unknown => {
    seen.push(spec);
    if (replies.length === 0) throw new Error(`no reply left for ${spec.endpoint}`);
    return replies.shift();
  };
  return {
    seen,
    json: <T>(spec: RequestSpec) => Promise.resolve(next(spec) as T),
    text: (spec: RequestSpec) => {
      const r = next(spec);
      return Promise.resolve(typeof r === 'string' ? { text: r, status: 200 } : (r as StatusReply));
    },
  };
}
