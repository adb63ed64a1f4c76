import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from './rfc3339';

describe('parseRfc3339', () => {
  it.each([
    ['2026-03-04T12:00:00Z', Date.UTC(2026, 2, 4, 12)],
    ['2026-03-04t12:00:00z', Date.UTC(2026, 2, 4, 12)],
    ['2026-03-04T12:00:00.250Z', Date.UTC(2026, 2, 4, 12, 0, 0, 250)],
    ['2026-03-04T13:30:00+01:30', Date.UTC(2026, 2, 4, 12)],
    ['2026-03-04T11:30:00-00:30', Date.UTC(2026, 2, 4, 12)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('reads %s', (text, ms) => expect(parseRfc3339(text)).toBe(ms));

  it.each(['2026-02-30T00:00:00Z', '2025-02-29T00:00:00Z', '2026-03-04', '2026-03-04T24:00:00Z', '2026-03-04T12:00:00', '2026-03-04 12:00:00Z', 'March 4, 2026', '2026-03-04T12:00:00+25:00'])(
    'refuses %s', (text) => expect(parseRfc3339(text)).toBeUndefined());
});
