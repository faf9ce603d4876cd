export { escapeHtml, encodeTextContent, withSenderPrefix } from './wire/content.js';
