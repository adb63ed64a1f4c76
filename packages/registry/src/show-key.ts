import { escapeText } from '@runway/log';

/**
 * A name, version or key from outside (a registry, a command line) as quoted in messages:
 * control characters escaped, and cut at 80 characters so a hostile 10 MB key stays one line.
 */
export function showKey(key: string): string {
  return escapeText(key, 80);
}
