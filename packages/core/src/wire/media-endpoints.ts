import type { WireSession } from './endpoints.js';
import { InvalidArgument, ProtocolError } from './errors.js';
import { protectBigIds } from './big-ids.js';
import type { WireHttp } from './request.js';
import { unescapeHtml } from './text.js';
import type { RawMessage } from './types.js';

/*
 * The raw media calls: webwxcheckupload and webwxuploadmedia (the request each sends, the
 * chunking the web client does, the shape check of the answer) and the download endpoints
 * (webwxgetmsgimg/voice/video/getmedia, webwxgeticon/headimg: which one, with which query).
 * What the client keeps (client/media.ts): the MediaId cache, when to check before uploading,
 * the data ticket read from the cookie jar, and streaming a download into a file.
 */

/** The web client uploads in 512 KiB chunks. */
export const CHUNK_SIZE = 512 * 1024;

export type UploadKind = 'pic' | 'video' | 'doc';

/** What an upload call needs of the session (the data ticket lives in the cookie jar, which the client reads). */
export type MediaSession = Pick<WireSession, 'uin' | 'skey' | 'passTicket' | 'baseRequest' | 'cgi'>;

/** webwxcheckupload's answer: a MediaId when the server already has the file, else what the upload must carry. */
export interface CheckUploadResponse {
  BaseResponse: { Ret: number };
  MediaId?: string;
  AESKey?: string;
  Signature?: string;
  EncryFileName?: string;
}

/** What is uploaded and between whom. `md5` is the hex MD5 of `data`. */
export interface UploadFile {
  data: Buffer;
  name: string;
  kind: UploadKind;
  md5: string;
  from: string;
  to: string;
}

/** webwxcheckupload: whether the server has these bytes already, and the key and signature the upload carries. */
export function checkUpload(
  http: Pick<WireHttp, 'json'>,
  c: MediaSession,
  f: Omit<UploadFile, 'data' | 'kind'> & { size: number },
): Promise<CheckUploadResponse> {
  return http.json<CheckUploadResponse>({
    endpoint: 'webwxcheckupload',
    url: c.cgi('webwxcheckupload'),
    query: { pass_ticket: c.passTicket },
    json: {
      BaseRequest: c.baseRequest(),
      FromUserName: f.from,
      ToUserName: f.to,
      FileName: f.name,
      FileSize: f.size,
      FileMd5: f.md5,
      // 7: an attachment (the web client's FileType for files).
      FileType: 7,
    },
  });
}

/**
 * webwxuploadmedia, chunk by chunk as the web client sends it; answers the MediaId of the last
 * chunk that named one. `check` is webwxcheckupload's answer when it was asked.
 */
export async function uploadMedia(
  http: Pick<WireHttp, 'json'>,
  c: MediaSession,
  f: UploadFile,
  opts: { dataTicket: string; clientMediaId: string; timeoutMs: number; check?: CheckUploadResponse },
): Promise<string> {
  const { data, name, kind } = f;
  const chunks = Math.max(1, Math.ceil(data.length / CHUNK_SIZE));
  const type = kind === 'pic' ? 'image/jpeg' : kind === 'video' ? 'video/mp4' : 'application/octet-stream';
  let mediaId = '';
  for (let i = 0; i < chunks; i++) {
    const part = data.subarray(i * CHUNK_SIZE, Math.min(data.length, (i + 1) * CHUNK_SIZE));
    const form = new FormData();
    form.append('id', 'WU_FILE_0');
    form.append('name', name);
    form.append('type', type);
    form.append('lastModifiedDate', new Date().toUTCString());
    form.append('size', String(data.length));
    if (chunks > 1) {
      form.append('chunks', String(chunks));
      form.append('chunk', String(i));
    }
    form.append('mediatype', kind);
    form.append(
      'uploadmediarequest',
      JSON.stringify({
        UploadType: 2,
        BaseRequest: c.baseRequest(),
        ClientMediaId: opts.clientMediaId,
        TotalLen: data.length,
        StartPos: 0,
        DataLen: data.length,
        MediaType: 4,
        FromUserName: f.from,
        ToUserName: f.to,
        FileMd5: f.md5,
        ...(opts.check?.AESKey ? { AESKey: opts.check.AESKey } : {}),
        ...(opts.check?.Signature ? { Signature: opts.check.Signature } : {}),
      }),
    );
    form.append('webwx_data_ticket', opts.dataTicket);
    form.append('pass_ticket', c.passTicket);
    form.append('filename', new Blob([part], { type: 'application/octet-stream' }), name);
    const res = await http.json<{ BaseResponse: { Ret: number }; MediaId?: string }>({
      endpoint: 'webwxuploadmedia',
      url: c.cgi('webwxuploadmedia', 'file'),
      query: { f: 'json' },
      form,
      timeoutMs: opts.timeoutMs,
    });
    if (res.MediaId) mediaId = res.MediaId;
  }
  if (!mediaId) throw new ProtocolError('webwxuploadmedia', 'the last chunk answered without a MediaId');
  return mediaId;
}

/** A download request: the endpoint, its URL, query and headers, and the file name when the caller gives none. */
export interface DownloadPlan {
  endpoint: string;
  url: string;
  query: Record<string, string | number>;
  headers: Record<string, string>;
  defaultName: string;
}

/** An avatar: webwxgeticon for people, webwxgetheadimg for rooms (the web client's split). */
export function avatarPlan(c: MediaSession, userName: string): DownloadPlan {
  const room = userName.startsWith('@@');
  const endpoint = room ? 'webwxgetheadimg' : 'webwxgeticon';
  return {
    endpoint,
    url: c.cgi(endpoint),
    query: { seq: 0, username: userName, skey: c.skey },
    headers: {},
    // The UserName is a session id: the name says what it is, not whose it is.
    defaultName: room ? 'room-avatar.jpg' : 'avatar.jpg',
  };
}

/** Which endpoint serves a message's media: images the thumbnail with `slave`, videos and files a byte `range`. */
export function planDownload(
  c: MediaSession,
  msg: RawMessage,
  opts: { slave?: boolean; range?: { start: number; end?: number } },
  dataTicket: string,
): DownloadPlan {
  const headers: Record<string, string> = {};
  if (opts.range) headers['Range'] = `bytes=${opts.range.start}-${opts.range.end ?? ''}`;
  const id = msg.MsgId;
  switch (msg.MsgType) {
    case 3:
    case 47:
      return {
        endpoint: 'webwxgetmsgimg',
        url: c.cgi('webwxgetmsgimg'),
        query: opts.slave ? { MsgID: id, skey: c.skey, type: 'slave' } : { MsgID: id, skey: c.skey },
        headers,
        defaultName: `${id}${msg.MsgType === 47 ? '.gif' : '.jpg'}`,
      };
    case 34:
      return {
        endpoint: 'webwxgetvoice',
        url: c.cgi('webwxgetvoice'),
        query: { msgid: id, skey: c.skey },
        headers,
        defaultName: `${id}.mp3`,
      };
    case 43:
    case 62:
      if (!headers['Range']) headers['Range'] = 'bytes=0-';
      return {
        endpoint: 'webwxgetvideo',
        url: c.cgi('webwxgetvideo'),
        query: { msgid: id, skey: c.skey },
        headers,
        defaultName: `${id}.mp4`,
      };
    case 49: {
      if (!msg.MediaId) throw new InvalidArgument('webwxgetmedia', `message ${id} has no MediaId to download`);
      const name = unescapeHtml(msg.FileName ?? '');
      return {
        endpoint: 'webwxgetmedia',
        url: c.cgi('webwxgetmedia', 'file'),
        query: {
          sender: msg.FromUserName,
          mediaid: msg.MediaId,
          encryfilename: msg.EncryFileName ?? encodeURIComponent(name),
          fromuser: c.uin,
          pass_ticket: c.passTicket,
          webwx_data_ticket: dataTicket,
        },
        headers,
        defaultName: name || `${id}.bin`,
      };
    }
    default:
      throw new InvalidArgument('download', `MsgType ${msg.MsgType} has no media to download`);
  }
}

/**
 * A download endpoint answers some errors as a JSON `BaseResponse` instead of bytes: the
 * non-zero Ret it carries, or undefined when the text is no such answer (then it is the file).
 */
export function downloadRefusal(text: string): { ret: number; errMsg: string } | undefined {
  let j: { BaseResponse?: { Ret?: unknown; ErrMsg?: unknown } } | null;
  try {
    j = JSON.parse(protectBigIds(text)) as typeof j;
  } catch {
    return undefined;
  }
  const ret = j?.BaseResponse?.Ret;
  if (typeof ret !== 'number' || ret === 0) return undefined;
  const errMsg = j?.BaseResponse?.ErrMsg;
  return { ret, errMsg: typeof errMsg === 'string' ? errMsg : '' };
}
