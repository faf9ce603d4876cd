// The decoding of wire text (entities, `<br/>`, emoji spans) lives with the wire (wire/text.ts),
// where the contact store and the client use it too; the normaliser's modules import it from here.
export * from '../wire/text.js';
