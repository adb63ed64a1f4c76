// Control characters, space, `~ ^ : ? * [ \`, `..`, `@{` and `//` (git check-ref-format rules 3-5, 8, 10 and 6).
const FORBIDDEN = /[\x00-\x20~^:?*[\\\x7f]|\.\.|@\{|\/\//;

/**
 * True when `name`, a full ref name such as `refs/tags/node@1.0.0`, is one git accepts: the rules
 * of `git check-ref-format`, here rather than a git process per release create. A name that
 * passes cannot carry revision syntax (`main~1`, `a..b`, `x@{0}`, `rev:path`) either.
 */
export function isValidRefName(name: string): boolean {
  if (name === '@' || !name.includes('/') || name.startsWith('/') || name.endsWith('/') || name.endsWith('.') || FORBIDDEN.test(name)) return false;
  return name.split('/').every((component) => !component.startsWith('.') && !component.endsWith('.lock'));
}
