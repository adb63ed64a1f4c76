import { escapeText } from '@runway/log';

// How names, versions and keys from outside (a registry, a command line) appear in messages:
// escaped, and short, so a hostile registry cannot turn one error into megabytes of output.

/** One key as quoted in messages: control characters escaped, cut at 80 characters. */
export function showKey(key: string): string {
  return escapeText(key, 80);
}

/**
 * A list for a message (`1.0.0, 1.1.0`), at most `max` items: the first ones, or with `fromEnd`
 * the last ones (the newest versions), and a count of the others.
 */
export function shortList(items: readonly string[], fromEnd = false, max = 20): string {
  if (items.length <= max) return items.join(', ');
  const others = items.length - max;
  return fromEnd ? `(${others} earlier), ${items.slice(-max).join(', ')}` : `${items.slice(0, max).join(', ')} (and ${others} more)`;
}
