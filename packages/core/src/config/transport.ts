/**
 * How an account reaches WeChat. The one list of transports: the config type,
 * its validation and the supervisor all read it, so a new transport is added here
 * (and given a client factory) and nowhere else.
 */
export const TRANSPORTS = ['web', 'ilink'] as const;

/** An account's transport: `'web'` is the Web WeChat protocol (the default), `'ilink'` WeChat's official bot API. */
export type TransportKind = (typeof TRANSPORTS)[number];

/** The transport an account uses when it names none. */
export const DEFAULT_TRANSPORT: TransportKind = 'web';
