import type { TestClient } from './client.js';
import { CGI, raw } from './client.js';

/** Uploads `data` to webwxuploadmedia in `chunks` pieces; returns the last answer's text. */
export async function upload(
  c: TestClient,
  data: Buffer,
  name: string,
  chunks = 1,
  toUserName = 'filehelper',
  /** More uploadmediarequest fields (FileMd5, AESKey, Signature from webwxcheckupload). */
  request: Record<string, unknown> = {},
): Promise<string[]> {
  const answers: string[] = [];
  const size = Math.ceil(data.length / chunks);
  const clientMediaId = String(Date.now());
  for (let i = 0; i < chunks; i++) {
    const part = data.subarray(i * size, Math.min(data.length, (i + 1) * size));
    const boundary = '----WebKitFormBoundary' + Math.random().toString(16).slice(2);
    const fields: Record<string, string> = {
      id: 'WU_FILE_0',
      name,
      type: 'application/octet-stream',
      lastModifiedDate: new Date().toString(),
      size: String(data.length),
      ...(chunks > 1 ? { chunks: String(chunks), chunk: String(i) } : {}),
      mediatype: 'doc',
      uploadmediarequest: JSON.stringify({
        UploadType: 2,
        BaseRequest: c.baseRequest(),
        ClientMediaId: clientMediaId,
        TotalLen: data.length,
        StartPos: i * size,
        DataLen: data.length,
        MediaType: 4,
        FromUserName: c.selfUserName,
        ToUserName: toUserName,
        FileMd5: 'd41d8cd98f00b204e9800998ecf8427e',
        ...request,
      }),
      webwx_data_ticket: c.jar.cookies.get('webwx_data_ticket') ?? '',
      pass_ticket: c.creds.passTicket,
    };
    const head = Object.entries(fields)
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join('');
    const body = Buffer.concat([
      Buffer.from(
        `${head}--${boundary}\r\nContent-Disposition: form-data; name="filename"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      part,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const r = await raw(`${c.fileBase}${CGI}webwxuploadmedia?f=json`, {
      body,
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      jar: c.jar,
    });
    answers.push(r.text);
  }
  return answers;
}
