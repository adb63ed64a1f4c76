export { UserError, TransientError, InternalError, ExitError, formatError, type ErrorDetails } from './errors';
export { withRetry, type RetryOptions } from './with-retry';
