import { describe, expect, it } from 'vitest';
import type { ReleaseOutcome } from '../types';
import { parseUmbrella, renderUmbrellaBody, serializeUmbrella, umbrellaDocument } from './umbrella-document';

const outcome = (name: string, version: string, status: ReleaseOutcome['status'] = 'released'): ReleaseOutcome => ({
  project: name, tag: `${name}@${version}`, status, assets: [],
  entry: { version, description: 'd', download_url: `https://x/${name}-${version}.tar.gz`, checksum: `sha256:${'ab'.repeat(32)}`, size: 10, platforms: [] },
});

describe('umbrella document', () => {
  const doc = umbrellaDocument('v1.0.0', 'c0ffee', 'c0ffee', [outcome('py', '1.0.0'), outcome('node', '1.0.0', 'already-released')]);

  it('lists packages sorted by name, with no timestamp, and round-trips', () => {
    expect(doc.packages.map((p) => p.tag)).toEqual(['node@1.0.0', 'py@1.0.0']);
    expect(serializeUmbrella(doc)).toBe(serializeUmbrella(umbrellaDocument('v1.0.0', 'c0ffee', 'c0ffee', [outcome('node', '1.0.0'), outcome('py', '1.0.0')])));
    expect(parseUmbrella(serializeUmbrella(doc))).toEqual(doc);
  });

  it('treats foreign files as unknown and refuses unknown format versions', () => {
    expect(parseUmbrella('not json')).toBeUndefined();
    expect(parseUmbrella('{"kind":"other"}')).toBeUndefined();
    expect(() => parseUmbrella('{"kind":"runway-umbrella","version":2}')).toThrow('format version 2');
  });

  it('renders one table row per package', () => {
    expect(renderUmbrellaBody(doc)).toContain(`| py | 1.0.0 | \`${'ab'.repeat(32)}\` | [py@1.0.0](https://x/py-1.0.0.tar.gz) |`);
  });
});
