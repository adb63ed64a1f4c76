import { describe, expect, it } from 'vitest';
import { buildProvenance, parseProvenance, RUNWAY_BUILD_TYPE } from './provenance';
import { aProvenanceInput, sha256Of } from './testing/provenance-input';

describe('provenance', () => {
  it('is an in-toto Statement v1 with a SLSA Provenance v1 predicate of Runway\'s build type', () => {
    const statement = JSON.parse(buildProvenance(aProvenanceInput({
      images: [{ name: 'ghcr.io/acme/runenv-python', digest: `sha256:${sha256Of('image')}` }],
      builder: { id: 'https://runway.dev/builders/local/v1', version: { runway: '0.0.0', node: 'v20.20.2' } },
      invocationId: 'https://github.com/acme/runtimes/actions/runs/1',
    })));
    expect(statement).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [
        { name: 'python-3.11-1.4.0-debian-bookworm-amd64.tar.gz', digest: { sha256: sha256Of('prebuilt') } },
        { name: 'python-3.11-1.4.0.tar.gz', digest: { sha256: sha256Of('package') } },
        { name: 'python-3.11-1.4.0.tar.gz.sha256', digest: { sha256: sha256Of('checksum') } },
        { name: 'ghcr.io/acme/runenv-python', digest: { sha256: sha256Of('image') } },
      ],
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: {
        buildDefinition: {
          buildType: 'https://runway.dev/buildtypes/release/v1',
          externalParameters: {
            repository: 'https://github.com/acme/runtimes',
            ref: 'refs/tags/python-3.11@1.4.0',
            tag: 'python-3.11@1.4.0',
            projects: [{ name: 'python-3.11', kind: 'runtime', version: '1.4.0', path: 'runtimes/python-3.11' }],
            sourceDateEpoch: 1700000000,
          },
          resolvedDependencies: [
            { uri: 'git+https://github.com/acme/runtimes', digest: { gitCommit: 'a'.repeat(40) } },
            { name: 'python-3.11-1.4.0-debian-bookworm-amd64.lock', digest: { sha256: sha256Of('lock') } },
          ],
        },
        runDetails: {
          builder: { id: 'https://runway.dev/builders/local/v1', version: { node: 'v20.20.2', runway: '0.0.0' } },
          metadata: { invocationId: 'https://github.com/acme/runtimes/actions/runs/1' },
        },
      },
    });
  });

  it('is deterministic: no timestamps, subjects sorted whatever the input order', () => {
    const input = aProvenanceInput();
    const text = buildProvenance(input);
    expect(buildProvenance({ ...input, assets: [...input.assets].reverse() })).toBe(text);
    expect(text).not.toMatch(/startedOn|finishedOn|metadata/);
  });

  it('reads back what it writes', () => {
    const input = aProvenanceInput({ inputs: [{ name: 'env.lock', sha256: sha256Of('lock'), uri: 'https://example.test/env.lock' }] });
    expect(parseProvenance(buildProvenance(input))).toEqual({
      subjects: [...input.assets].sort((a, b) => (a.name < b.name ? -1 : 1)),
      source: input.source,
      tag: input.tag,
      projects: input.projects,
      inputs: [{ name: 'env.lock', sha256: sha256Of('lock'), uri: 'https://example.test/env.lock' }],
      builderId: input.builder.id,
    });
  });

  it('ignores fields it does not know, as in-toto asks of consumers', () => {
    const statement = JSON.parse(buildProvenance(aProvenanceInput()));
    statement.extra = { anything: true };
    statement.subject[0].annotations = { note: 'x' };
    statement.predicate.buildDefinition.internalParameters = { future: 1 };
    expect(parseProvenance(JSON.stringify(statement)).subjects).toHaveLength(3);
  });

  const mutated = (change: (s: any) => void) => {
    const statement = JSON.parse(buildProvenance(aProvenanceInput()));
    change(statement);
    return JSON.stringify(statement);
  };
  it.each([
    ['not JSON', '{', /not JSON/],
    ['another statement type', mutated((s) => { s._type = 'https://in-toto.io/Statement/v0.1'; }), /"_type" is not/],
    ['another predicate type', mutated((s) => { s.predicateType = 'https://slsa.dev/provenance/v0.2'; }), /"predicateType" is not/],
    ['another build type', mutated((s) => { s.predicate.buildDefinition.buildType = 'https://example.test/other'; }), new RegExp(`"buildType" is not ${RUNWAY_BUILD_TYPE}`)],
    ['no subject', mutated((s) => { s.subject = []; }), /no subject/],
    ['a subject without sha256', mutated((s) => { s.subject[0].digest = { sha512: 'ab' }; }), /subject 1 has no name and sha256/],
    ['an uppercase digest', mutated((s) => { s.subject[1].digest.sha256 = s.subject[1].digest.sha256.toUpperCase(); }), /subject 2/],
    ['a subject name with a control character', mutated((s) => { s.subject[0].name = 'a\u001b[31m'; }), /subject 1/],
    ['no source commit', mutated((s) => { s.predicate.buildDefinition.resolvedDependencies[0].digest = {}; }), /source repository at a commit/],
    ['a source of another repository', mutated((s) => { s.predicate.buildDefinition.resolvedDependencies[0].uri = 'git+https://evil.test/x'; }), /source repository at a commit/],
    ['no builder', mutated((s) => { delete s.predicate.runDetails; }), /builder.id/],
    ['a bad project', mutated((s) => { s.predicate.buildDefinition.externalParameters.projects[0].kind = 'image'; }), /project 1/],
    ['too many subjects', mutated((s) => { s.subject = Array.from({ length: 10_001 }, () => s.subject[0]); }), /more than 10000 items/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseProvenance(text, 'provenance.intoto.jsonl')).toThrow(message);
  });

  it.each([
    ['no asset', { assets: [] }, /has no asset/],
    ['an asset path', { assets: [{ name: '../x', sha256: sha256Of('x') }] }, /path separator/],
    ['a bad sha256', { assets: [{ name: 'x', sha256: 'abc' }] }, /no valid sha256/],
    ['an image without a digest', { images: [{ name: 'ghcr.io/acme/x', digest: 'latest' }] }, /sha256:<hex> digest/],
    ['a short commit', { source: { repository: 'https://github.com/acme/runtimes', commit: 'abc1234' } }, /not a full hex commit id/],
    ['a repository that is not a URL', { source: { repository: 'acme/runtimes', commit: 'a'.repeat(40) } }, /is not a URL/],
    ['a builder id that is not a URI', { builder: { id: 'my laptop' } }, /builder id/],
    ['an input without digest', { inputs: [{ name: 'x.lock', sha256: '' }] }, /needs a name and a sha256/],
  ])('refuses to write provenance with %s', (_what, overrides, message) => {
    expect(() => buildProvenance(aProvenanceInput(overrides as never))).toThrow(message);
  });
});
