import { describe, expect, it } from 'vitest';
import { INTOTO_PAYLOAD_TYPE, pae, parseEnvelope, parseEnvelopeLines, serializeEnvelope, signEnvelope, verifyEnvelope, type DsseEnvelope } from './dsse';
import { newKey } from './testing/tools';

const PAYLOAD = '{"_type":"https://in-toto.io/Statement/v1"}';

describe('DSSE', () => {
  it('encodes PAE as the specification\'s test vector', () => {
    expect(Buffer.from(pae('http://example.com/HelloWorld', Buffer.from('hello world'))).toString())
      .toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    // Lengths count bytes, not characters.
    expect(Buffer.from(pae('t', Buffer.from('é'))).toString()).toBe('DSSEv1 1 t 2 é');
  });

  it('parses the specification\'s example envelope', () => {
    const envelope = parseEnvelope('{"payload": "aGVsbG8gd29ybGQ=", "payloadType": "http://example.com/HelloWorld", "signatures": [{"sig": "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}');
    expect(Buffer.from(envelope.payload).toString()).toBe('hello world');
    expect(envelope.signatures).toHaveLength(1);
    expect(envelope.signatures[0].keyid).toBeUndefined();
  });

  it('round-trips a signed envelope and returns the authenticated payload and key', () => {
    const key = newKey();
    const text = serializeEnvelope(signEnvelope(INTOTO_PAYLOAD_TYPE, PAYLOAD, key));
    expect(JSON.parse(text)).toEqual({
      payloadType: INTOTO_PAYLOAD_TYPE,
      payload: Buffer.from(PAYLOAD).toString('base64'),
      signatures: [{ keyid: key.publicKey.keyId, sig: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/) }],
    });
    const check = verifyEnvelope(parseEnvelope(text), { payloadType: INTOTO_PAYLOAD_TYPE, pinnedKeys: [key.publicKey] });
    expect(check.ok && Buffer.from(check.payload).toString()).toBe(PAYLOAD);
    expect(check.ok && check.key.keyId).toBe(key.publicKey.keyId);
  });

  it('accepts the URL-safe base64 alphabet, as DSSE requires of readers', () => {
    const key = newKey();
    const envelope = JSON.parse(serializeEnvelope(signEnvelope(INTOTO_PAYLOAD_TYPE, PAYLOAD, key)));
    envelope.payload = Buffer.from(PAYLOAD).toString('base64url');
    envelope.signatures[0].sig = Buffer.from(envelope.signatures[0].sig, 'base64').toString('base64url');
    expect(verifyEnvelope(parseEnvelope(JSON.stringify(envelope)), { payloadType: INTOTO_PAYLOAD_TYPE, pinnedKeys: [key.publicKey] }).ok).toBe(true);
  });

  it('treats keyid as a hint only: a signature verifies under any keyid, with either pinned key (rotation)', () => {
    const [old, next] = [newKey(), newKey()];
    const envelope = signEnvelope(INTOTO_PAYLOAD_TYPE, PAYLOAD, next);
    envelope.signatures[0].keyid = 'not the real id';
    const check = verifyEnvelope(envelope, { payloadType: INTOTO_PAYLOAD_TYPE, pinnedKeys: [old.publicKey, next.publicKey] });
    expect(check.ok && check.key.keyId).toBe(next.publicKey.keyId);
  });

  describe('refuses', () => {
    const key = newKey();
    const good = signEnvelope(INTOTO_PAYLOAD_TYPE, PAYLOAD, key);
    const flipped = Buffer.from(good.signatures[0].sig);
    flipped[0] ^= 1;
    const verify = (envelope: DsseEnvelope, pinned = [key]) => verifyEnvelope(envelope, { payloadType: INTOTO_PAYLOAD_TYPE, pinnedKeys: pinned.map((k) => k.publicKey) });
    it.each([
      ['a changed payload', () => verify({ ...good, payload: Buffer.from(PAYLOAD.replace('v1', 'v2')) }), 'bad-signature'],
      ['a changed signature', () => verify({ ...good, signatures: [{ ...good.signatures[0], sig: flipped }] }), 'bad-signature'],
      ['a short signature', () => verify({ ...good, signatures: [{ sig: Buffer.alloc(10) }] }), 'bad-signature'],
      ['another payload type', () => verify({ ...good, payloadType: 'application/json' }), 'wrong-purpose'],
      ['the same bytes re-labelled and re-signed as another type', () => verify({ ...signEnvelope('application/json', PAYLOAD, key), payloadType: INTOTO_PAYLOAD_TYPE }), 'bad-signature'],
      ['a key that is not pinned', () => verify(good, [newKey()]), 'unknown-key'],
    ])('%s', (_what, run, reason) => {
      const check = run();
      expect(check.ok).toBe(false);
      expect(!check.ok && check.reason).toBe(reason);
    });
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['an array', '[]', /not a JSON object/],
    ['no payloadType', '{"payload":"","signatures":[{"sig":"AA=="}]}', /"payloadType"/],
    ['a payload that is not base64', '{"payloadType":"t","payload":"%%%","signatures":[{"sig":"AA=="}]}', /"payload" is not base64/],
    ['no signatures', '{"payloadType":"t","payload":"","signatures":[]}', /1 to 16 signatures/],
    ['too many signatures', JSON.stringify({ payloadType: 't', payload: '', signatures: Array.from({ length: 17 }, () => ({ sig: 'AA==' })) }), /1 to 16 signatures/],
    ['a signature without sig', '{"payloadType":"t","payload":"","signatures":[{"keyid":"k"}]}', /signature 1 has no base64 "sig"/],
    ['a numeric keyid', '{"payloadType":"t","payload":"","signatures":[{"keyid":1,"sig":"AA=="}]}', /malformed "keyid"/],
    ['an oversized envelope', `{"payloadType":"t","payload":"${'A'.repeat(4 * 1024 * 1024)}","signatures":[]}`, /over 4194304 bytes/],
  ])('parseEnvelope refuses %s', (_what, text, message) => {
    expect(() => parseEnvelope(text, 'provenance.intoto.jsonl')).toThrow(message);
  });

  it('reads an in-toto bundle: one envelope per line, bounded', () => {
    const line = serializeEnvelope(signEnvelope(INTOTO_PAYLOAD_TYPE, PAYLOAD, newKey()));
    expect(parseEnvelopeLines(`${line}\n\n${line}\n`)).toHaveLength(2);
    expect(() => parseEnvelopeLines('\n')).toThrow(/is empty/);
    expect(() => parseEnvelopeLines(`${line}\n{\n`, 'p.jsonl')).toThrow(/^p\.jsonl:2 is not a valid DSSE envelope: not JSON$/);
    expect(() => parseEnvelopeLines(`${line}\n`.repeat(17))).toThrow(/more than 16 envelopes/);
  });
});
