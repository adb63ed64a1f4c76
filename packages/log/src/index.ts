export { type Logger, streamLogger, memoryLogger } from './logger';
export { SECRET_ENV_NAMES, secretsFrom, redact, redactingLogger } from './redact';
export { loggerStream } from './logger-stream';
export { escapeText, escapeLines, stringifyForTerminal } from './escape-text';
