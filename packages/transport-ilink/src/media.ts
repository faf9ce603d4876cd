/**
 * Media over the iLink CDN: upload (getuploadurl, encrypt, POST, read the download parameter) and
 * download (fetch, decrypt). Keys are per file, generated here for uploads.
 */
import { createHash, randomBytes } from 'node:crypto';

import { decryptAesEcb, encryptAesEcb, newAesKey, paddedSize, parseAesKey } from './aes.js';
import type { IlinkApi } from './api.js';
import { IlinkProtocolError } from './errors.js';
import { ItemType, UploadMediaType, type CdnMedia, type MessageItem } from './wire.js';

export type OutgoingMediaKind = 'image' | 'video' | 'file' | 'voice';

export interface UploadedMedia {
  readonly media: CdnMedia;
  readonly rawSize: number;
  readonly cipherSize: number;
  readonly md5: string;
}

const UPLOAD_TYPE: Record<OutgoingMediaKind, number> = {
  image: UploadMediaType.IMAGE,
  video: UploadMediaType.VIDEO,
  file: UploadMediaType.FILE,
  voice: UploadMediaType.VOICE,
};

export async function uploadMedia(
  api: IlinkApi,
  data: Uint8Array,
  kind: OutgoingMediaKind,
  toUserId: string,
): Promise<UploadedMedia> {
  const key = newAesKey();
  const filekey = randomBytes(16).toString('hex');
  const md5 = createHash('md5').update(data).digest('hex');
  const cipherSize = paddedSize(data.length);
  const reply = await api.getUploadUrl({
    filekey,
    mediaType: UPLOAD_TYPE[kind],
    toUserId,
    rawSize: data.length,
    rawMd5: md5,
    fileSize: cipherSize,
    aesKeyHex: key.toString('hex'),
  });
  const url = reply.uploadFullUrl?.trim()
    ? reply.uploadFullUrl.trim()
    : reply.uploadParam
      ? api.cdnUploadUrl(reply.uploadParam, filekey)
      : undefined;
  if (!url) throw new IlinkProtocolError('getuploadurl: the reply has neither upload_full_url nor upload_param');
  const cipher = encryptAesEcb(data, key);
  const param = await api.cdnUpload(url, cipher);
  return {
    // The key travels as base64 of its hex text: the form every media type accepts.
    media: {
      encrypt_query_param: param,
      aes_key: Buffer.from(key.toString('hex')).toString('base64'),
      encrypt_type: 1,
    },
    rawSize: data.length,
    cipherSize,
    md5,
  };
}

/** The message item that carries an uploaded media object. */
export function mediaItem(kind: OutgoingMediaKind, up: UploadedMedia, fileName: string | undefined): MessageItem {
  switch (kind) {
    case 'image':
      return { type: ItemType.IMAGE, image_item: { media: up.media, mid_size: up.cipherSize } };
    case 'video':
      return { type: ItemType.VIDEO, video_item: { media: up.media, video_size: up.cipherSize, video_md5: up.md5 } };
    case 'voice':
      return { type: ItemType.VOICE, voice_item: { media: up.media } };
    case 'file':
      return {
        type: ItemType.FILE,
        file_item: { media: up.media, file_name: fileName ?? 'file', md5: up.md5, len: String(up.rawSize) },
      };
  }
}

/** The CDN reference and key of a received media item; undefined for text. */
export function mediaOf(item: MessageItem): { media: CdnMedia; hexKey: string | undefined } | undefined {
  const holder = item.image_item ?? item.voice_item ?? item.file_item ?? item.video_item;
  if (!holder?.media) return undefined;
  return { media: holder.media, hexKey: item.image_item?.aeskey };
}

/** Downloads and decrypts a received media item. */
export async function downloadMedia(api: IlinkApi, item: MessageItem): Promise<Buffer> {
  const found = mediaOf(item);
  if (!found) throw new IlinkProtocolError('media: this message item carries no media');
  const { media, hexKey } = found;
  const url = media.full_url?.trim()
    ? media.full_url.trim()
    : media.encrypt_query_param
      ? api.cdnDownloadUrl(media.encrypt_query_param)
      : undefined;
  if (!url) throw new IlinkProtocolError('media: the item has neither full_url nor encrypt_query_param');
  const keyText = hexKey ?? media.aes_key;
  const cipher = await api.cdnDownload(url);
  // No key: the CDN object is stored in the clear (some thumbnails are).
  if (!keyText) return cipher;
  return decryptAesEcb(cipher, parseAesKey(keyText, 'media'));
}
