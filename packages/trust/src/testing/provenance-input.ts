import { createHash } from 'node:crypto';
import type { ProvenanceInput } from '../provenance';

/** sha256 hex of `text`. */
export const sha256Of = (text: string) => createHash('sha256').update(text).digest('hex');

/** The provenance input of a typical single-runtime release, with `overrides` applied. */
export function aProvenanceInput(overrides: Partial<ProvenanceInput> = {}): ProvenanceInput {
  return {
    assets: [
      { name: 'python-3.11-1.4.0.tar.gz', sha256: sha256Of('package') },
      { name: 'python-3.11-1.4.0.tar.gz.sha256', sha256: sha256Of('checksum') },
      { name: 'python-3.11-1.4.0-debian-bookworm-amd64.tar.gz', sha256: sha256Of('prebuilt') },
    ],
    source: { repository: 'https://github.com/acme/runtimes', commit: 'a'.repeat(40), ref: 'refs/tags/python-3.11@1.4.0' },
    tag: 'python-3.11@1.4.0',
    projects: [{ name: 'python-3.11', kind: 'runtime', version: '1.4.0', path: 'runtimes/python-3.11' }],
    inputs: [{ name: 'python-3.11-1.4.0-debian-bookworm-amd64.lock', sha256: sha256Of('lock') }],
    sourceDateEpoch: 1700000000,
    builder: { id: 'https://github.com/acme/runtimes/.github/workflows/release-runtime.yml@refs/tags/python-3.11@1.4.0' },
    ...overrides,
  };
}
