import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { parseVerificationRecord, serializeVerificationRecord } from './verification-record';

const COMMIT = 'a'.repeat(40);
const DIGEST = `sha256:${'b'.repeat(64)}`;
const good = { tag: 'v1.3.0-rc.1', commit: COMMIT, passed: true, images: { 'registry.example/acme/runenv-web': DIGEST }, assets: { 'alpha-1.3.0.tar.gz': 'c'.repeat(64) } };

describe('parseVerificationRecord', () => {
  it('reads back what serializeVerificationRecord wrote, maps sorted', () => {
    const text = serializeVerificationRecord({ ...good, images: { z: DIGEST, a: DIGEST } });
    expect(Object.keys(JSON.parse(text).images)).toEqual(['a', 'z']);
    expect(parseVerificationRecord(serializeVerificationRecord(good))).toEqual(good);
    const { assets: _, ...noAssets } = good;
    expect(parseVerificationRecord(serializeVerificationRecord(noAssets))).toEqual(noAssets);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['an array', '[]', /not a JSON object/],
    ['a short commit', JSON.stringify({ ...good, commit: 'abc' }), /"commit"/],
    ['passed as a string', JSON.stringify({ ...good, passed: 'yes' }), /"passed"/],
    ['a tag with a space', JSON.stringify({ ...good, tag: 'v1 2' }), /"tag"/],
    ['an image digest without algorithm', JSON.stringify({ ...good, images: { r: 'b'.repeat(64) } }), /"images"\["r"\]/],
    ['an asset path', JSON.stringify({ ...good, assets: { '../x': 'c'.repeat(64) } }), /"assets" has an invalid key/],
    ['an unknown field', JSON.stringify({ ...good, extra: 1 }), /unknown field "extra"/],
    ['too many images', JSON.stringify({ ...good, images: Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`r${i}`, DIGEST])) }), /more than 10000 entries/],
    ['an oversized file', `${JSON.stringify(good)}${' '.repeat(1024 * 1024)}`, /larger than/],
  ])('refuses %s with a UserError naming the file', (_, text, message) => {
    expect(() => parseVerificationRecord(text, 'VERIFICATION.json of v1.3.0-rc.1')).toThrow(UserError);
    expect(() => parseVerificationRecord(text, 'VERIFICATION.json of v1.3.0-rc.1')).toThrow(message);
    expect(() => parseVerificationRecord(text, 'VERIFICATION.json of v1.3.0-rc.1')).toThrow(/^VERIFICATION\.json of v1\.3\.0-rc\.1 is not a valid verification record/);
  });

  it('keeps a hostile key such as __proto__ as data, not as the prototype', () => {
    const record = parseVerificationRecord(`{"tag":"v1.0.0","commit":"${COMMIT}","passed":true,"images":{"__proto__":"${DIGEST}"}}`);
    expect(Object.hasOwn(record.images, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
