// The decoding of wire text (entities, `<br/>`, emoji spans) lives with the wire (protocol/text.ts),
// where the contact store and the client use it too; the normaliser's modules import it from here.
export * from '../protocol/text.js';
