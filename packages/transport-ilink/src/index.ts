// @wxbot/transport-ilink: WeChat's official bot API (iLink) behind core's Transport interface.
export { IlinkTransport, ilinkTransport } from './transport.js';
export { ilinkCapabilities, ILINK_CAPABILITIES, ILINK_LIMITS, DEFAULT_REPLY_WINDOW_MS } from './options.js';
export type { IlinkTransportOptions } from './options.js';
export { IlinkApi, DEFAULT_API_BASE, DEFAULT_CDN_BASE, CHANNEL_VERSION } from './api.js';
export type { IlinkApiOptions, GetUploadUrlParams } from './api.js';
export { qrLogin, redirectBase } from './login.js';
export type { QrLoginOptions, LoginResult } from './login.js';
export { encryptAesEcb, decryptAesEcb, paddedSize, parseAesKey } from './aes.js';
export { uploadMedia, downloadMedia, mediaItem } from './media.js';
export type { OutgoingMediaKind, UploadedMedia } from './media.js';
export { normalizeIlink, ilinkOriginal, ilinkContact } from './normalize.js';
export type { NormalizeOptions as IlinkNormalizeOptions } from './normalize.js';
export type { RetryPolicy } from './outbox.js';
export { SendOutcomeUnknown } from './sends.js';
export {
  IlinkError,
  SessionTimeout,
  RateLimited,
  IlinkApiError,
  IlinkHttpError,
  IlinkNetworkError,
  IlinkProtocolError,
  IlinkLoginError,
  NoReplyContext,
  TransportStopped,
  isRetryable,
  MessageDeadLettered,
  JournalUnavailable,
} from './errors.js';
export { DEFAULT_POISON } from './poison.js';
export type { PoisonPolicy } from './poison.js';
export type { DeadLetterRecord } from './dead-letter.js';
export type { IlinkErrorCode, LoginFailure } from './errors.js';
export type * from './wire.js';
export { ItemType, UploadMediaType, MessageType, MessageState, TypingStatus, ErrCode } from './wire.js';
