// What a send returns, whichever transport carried it. It lives below client/ so the plugin and
// transport layers name it without importing the Web client (issue 15: types leave client/).

/** What the server answered to a send. */
export interface SentMessage {
  /** Server MsgID (string; exceeds 2^53). */
  readonly msgId: string;
  /** Our LocalID (= ClientMsgId). */
  readonly localId: string;
  /** The recipient's session UserName. */
  readonly toUserName: string;
  /** Wire MsgType of what was sent (1 text, 3 image, 43 video, 47 emoticon, 6 file). */
  readonly type: number;
  /** Endpoint that sent it. */
  readonly endpoint: string;
  /**
   * Epoch ms when the server accepted it (absent on values built by hand):
   * `revoke` refuses with `RecallWindowPassed` once it is older than
   * `REVOKE_WINDOW_MS` (2 minutes) without asking the server.
   */
  readonly sentAt?: number;
}
