import { InvalidArgument, ProtocolError } from '../../src/wire/errors.js';
import {
  CHUNK_SIZE,
  avatarPlan,
  checkUpload,
  downloadRefusal,
  planDownload,
  uploadMedia,
  type MediaSession,
} from '../../src/wire/media-endpoints.js';
import type { RawMessage } from '../../src/wire/types.js';
import { fakeHttp } from './fake-http.js';

const session: MediaSession = {
  uin: 11,
  skey: '@skey',
  passTicket: 'pt',
  baseRequest: () => ({ Uin: 11, Sid: 'sid-1', Skey: '@skey', DeviceID: 'e123' }),
  cgi: (name: string, host: string = 'main') => `https://${host}.example/cgi-bin/mmwebwx-bin/${name}`,
};

const file = (size: number) => ({
  data: Buffer.alloc(size, 1),
  name: 'a.bin',
  kind: 'doc' as const,
  md5: 'm5',
  from: '@me',
  to: '@you',
});
const opts = { dataTicket: 'dt', clientMediaId: 'c1', timeoutMs: 9000 };

function uploadRequest(form: FormData): Record<string, unknown> {
  return JSON.parse(form.get('uploadmediarequest') as string) as Record<string, unknown>;
}

describe('webwxuploadmedia', () => {
  it('sends one chunk to the file host, without chunk fields, and answers its MediaId', async () => {
    const http = fakeHttp([{ BaseResponse: { Ret: 0 }, MediaId: 'M1' }]);
    await expect(uploadMedia(http, session, file(10), opts)).resolves.toBe('M1');
    const spec = http.seen[0]!;
    expect(spec).toMatchObject({ endpoint: 'webwxuploadmedia', query: { f: 'json' }, timeoutMs: 9000 });
    expect(spec.url).toBe('https://file.example/cgi-bin/mmwebwx-bin/webwxuploadmedia');
    const form = spec.form!;
    expect(form.get('chunks')).toBeNull();
    expect(form.get('mediatype')).toBe('doc');
    expect(form.get('webwx_data_ticket')).toBe('dt');
    expect(form.get('pass_ticket')).toBe('pt');
    expect(uploadRequest(form)).toMatchObject({ ClientMediaId: 'c1', TotalLen: 10, FileMd5: 'm5', ToUserName: '@you' });
    expect(uploadRequest(form)).not.toHaveProperty('AESKey');
  });

  it('splits into 512 KiB chunks numbered from 0 and carries the check answer key and signature', async () => {
    const http = fakeHttp([{ BaseResponse: { Ret: 0 } }, { BaseResponse: { Ret: 0 }, MediaId: 'M2' }]);
    const check = { BaseResponse: { Ret: 0 }, AESKey: 'k', Signature: 's' };
    await expect(uploadMedia(http, session, file(CHUNK_SIZE + 1), { ...opts, check })).resolves.toBe('M2');
    expect(http.seen.map((s) => [s.form!.get('chunks'), s.form!.get('chunk')])).toEqual([
      ['2', '0'],
      ['2', '1'],
    ]);
    expect((http.seen[1]!.form!.get('filename') as Blob).size).toBe(1);
    expect(uploadRequest(http.seen[0]!.form!)).toMatchObject({ AESKey: 'k', Signature: 's' });
  });

  it('an upload whose answers name no MediaId is a ProtocolError naming the endpoint', async () => {
    const err = await uploadMedia(fakeHttp([{ BaseResponse: { Ret: 0 } }]), session, file(3), opts).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).endpoint).toBe('webwxuploadmedia');
  });
});

describe('webwxcheckupload', () => {
  it('asks with the file size, md5 and the attachment FileType', async () => {
    const http = fakeHttp([{ BaseResponse: { Ret: 0 }, MediaId: 'M' }]);
    const res = await checkUpload(http, session, { size: 5, md5: 'm5', name: 'a.bin', from: '@me', to: '@you' });
    expect(res.MediaId).toBe('M');
    expect(http.seen[0]).toMatchObject({ endpoint: 'webwxcheckupload', query: { pass_ticket: 'pt' } });
    expect(http.seen[0]!.json).toMatchObject({ FileSize: 5, FileMd5: 'm5', FileName: 'a.bin', FileType: 7 });
  });
});

const msg = (over: Partial<RawMessage>): RawMessage =>
  ({ MsgId: '900', MsgType: 3, FromUserName: '@a', ToUserName: '@b', Content: '', ...over }) as RawMessage;

describe('download plans', () => {
  it.each([
    [3, 'webwxgetmsgimg', '900.jpg'],
    [47, 'webwxgetmsgimg', '900.gif'],
    [34, 'webwxgetvoice', '900.mp3'],
    [43, 'webwxgetvideo', '900.mp4'],
  ])('MsgType %i is served by %s', (type, endpoint, name) => {
    const plan = planDownload(session, msg({ MsgType: type }), {}, 'dt');
    expect(plan).toMatchObject({ endpoint, defaultName: name });
    expect(plan.url).toBe(`https://main.example/cgi-bin/mmwebwx-bin/${endpoint}`);
  });

  it('a thumbnail asks type=slave; a video always sends a Range; a range becomes a header', () => {
    expect(planDownload(session, msg({}), { slave: true }, '').query).toMatchObject({ type: 'slave' });
    expect(planDownload(session, msg({ MsgType: 43 }), {}, '').headers).toEqual({ Range: 'bytes=0-' });
    expect(planDownload(session, msg({ MsgType: 43 }), { range: { start: 5, end: 9 } }, '').headers).toEqual({
      Range: 'bytes=5-9',
    });
  });

  it('a file goes to the file host with the data ticket and its unescaped name', () => {
    const plan = planDownload(session, msg({ MsgType: 49, MediaId: 'MID', FileName: 'a&amp;b.pdf' }), {}, 'dt');
    expect(plan.url).toBe('https://file.example/cgi-bin/mmwebwx-bin/webwxgetmedia');
    expect(plan.query).toMatchObject({ mediaid: 'MID', webwx_data_ticket: 'dt', fromuser: 11 });
    expect(plan.defaultName).toBe('a&b.pdf');
  });

  it('refuses a file without MediaId and a message kind with no media', () => {
    expect(() => planDownload(session, msg({ MsgType: 49 }), {}, '')).toThrow(InvalidArgument);
    expect(() => planDownload(session, msg({ MsgType: 1 }), {}, '')).toThrow('download: MsgType 1 has no media');
  });

  it('an avatar is webwxgeticon for a person and webwxgetheadimg for a room', () => {
    expect(avatarPlan(session, '@p')).toMatchObject({ endpoint: 'webwxgeticon', defaultName: 'avatar.jpg' });
    expect(avatarPlan(session, '@@r')).toMatchObject({ endpoint: 'webwxgetheadimg', query: { username: '@@r' } });
  });
});

describe('a download answered as JSON', () => {
  it('reads a non-zero Ret as a refusal and anything else as the file', () => {
    expect(downloadRefusal('{"BaseResponse":{"Ret":1100,"ErrMsg":"x"}}')).toEqual({ ret: 1100, errMsg: 'x' });
    expect(downloadRefusal('{"BaseResponse":{"Ret":1}}')).toEqual({ ret: 1, errMsg: '' });
    for (const text of ['{"BaseResponse":{"Ret":0}}', 'plain bytes', 'null', '[1]']) {
      expect(downloadRefusal(text)).toBeUndefined();
    }
  });
});
