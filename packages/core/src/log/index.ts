export { redactUrl, redactText, redactHeaders, REDACT_PATHS } from './redact.js';
export { createAccountLogger, safe } from './logger.js';
