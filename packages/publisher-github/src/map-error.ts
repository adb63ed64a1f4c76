import { TransientError, UserError } from '@runway/errors';
import { redact } from '@runway/log';

interface HttpishError {
  status?: number;
  message?: string;
  name?: string;
  response?: { headers?: Record<string, string | undefined>; data?: { message?: string; errors?: Array<{ code?: string; field?: string; message?: string }> } };
}

/**
 * GitHub refused to publish a release because its tag already has a published release: another
 * run won. Callers that race on purpose (the release publisher) catch it; anywhere else it is a
 * plain user-facing conflict.
 */
export class ReleaseTagTakenError extends UserError {
  constructor(message: string, cause: unknown) {
    super(message, { hint: 'another release of this tag was published first; published versions are immutable', cause });
    this.name = 'ReleaseTagTakenError';
  }
}

/** The `errors[].code` values of a 422, e.g. `already_exists`. */
export function validationCodes(err: unknown): string[] {
  return ((err as HttpishError)?.response?.data?.errors ?? []).map((e) => e.code ?? '');
}

/** The HTTP status of an octokit error, if it has one. */
export function statusOf(err: unknown): number | undefined {
  return (err as HttpishError)?.status;
}

/**
 * Turns an octokit failure (after its retries) into Runway's error classes. `doing` completes
 * "while …"; the token is scrubbed from every message.
 */
export function toRunwayError(err: unknown, doing: string, ctx: { repository: string; token: string }): Error {
  const e = (err ?? {}) as HttpishError;
  const detail = redact(e.response?.data?.message ?? e.message ?? String(err), [ctx.token]);
  const where = `GitHub ${e.status ?? ''} while ${doing} on ${ctx.repository}`.replace('  ', ' ');
  const rateLimited = e.status === 429 || (e.status === 403 && (e.response?.headers?.['x-ratelimit-remaining'] === '0' || /rate limit/i.test(detail)));
  if (rateLimited) return new TransientError(`${where}: rate limited (${detail})`, { cause: err });
  switch (e.status) {
    case 401:
      return new UserError(`${where}: the token was rejected (${detail})`, { hint: 'set GITHUB_TOKEN to a valid, unexpired token', cause: err });
    case 403:
      return new UserError(`${where}: GITHUB_TOKEN lacks contents:write on ${ctx.repository} (${detail})`, {
        hint: 'grant the token "contents: write" (in Actions: permissions: contents: write)',
        cause: err,
      });
    case 404:
      return new UserError(`${where}: not found (${detail})`, {
        hint: `check that ${ctx.repository} exists and GITHUB_TOKEN can see it (private repositories answer 404 to tokens without access)`,
        cause: err,
      });
    case 422: {
      const errors = (e.response?.data?.errors ?? []).map((x) => [x.field, x.code, x.message].filter(Boolean).join(' ')).join('; ');
      return new UserError(`${where}: ${detail}${errors ? ` (${redact(errors, [ctx.token])})` : ''}`, { cause: err });
    }
  }
  // 5xx, network errors (octokit reports them as status 500), timeouts and resets.
  return new TransientError(`${where}: ${detail}`, { cause: err });
}
