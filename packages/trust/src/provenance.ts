import { UserError } from '@runway/errors';
import { isObject, isPlainText, parseJsonObject } from './json';
import { assetNameProblem } from './sha256sums';

/** in-toto Statement v1 (github.com/in-toto/attestation, spec/v1/statement.md). */
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** SLSA Provenance v1 predicate (slsa.dev/provenance/v1). */
export const SLSA_PROVENANCE_TYPE = 'https://slsa.dev/provenance/v1';
/** Runway's build type; its parameters are documented in this package's BUILD_TYPE.md. */
export const RUNWAY_BUILD_TYPE = 'https://runway.dev/buildtypes/release/v1';

/** A project a release contains. */
export interface ReleasedProject {
  name: string;
  kind: 'runtime' | 'payload';
  version: string;
  /** The project's folder in the repository, e.g. `runtimes/python-3.11`. */
  path: string;
}

/** A build input identified by digest, e.g. the lock file of a prebuilt environment. */
export interface BuildInput {
  name: string;
  sha256: string;
  /** Where it can be fetched, when it is published. */
  uri?: string;
}

/** What a release knows when it writes its provenance (see BUILD_TYPE.md for each field). */
export interface ProvenanceInput {
  /** Every asset of the release: file name and hex SHA-256. */
  assets: readonly { name: string; sha256: string }[];
  /** The images of a payload release: reference without tag (`ghcr.io/acme/runenv-python`) and manifest digest `sha256:<hex>`. */
  images?: readonly { name: string; digest: string }[];
  /** The repository URL (`https://github.com/acme/runtimes`), the exact commit built, and the triggering ref if any. */
  source: { repository: string; commit: string; ref?: string };
  /** The release tag, e.g. `python-3.11@1.4.0` or `v1.4.0`. */
  tag: string;
  projects: readonly ReleasedProject[];
  /** Inputs beyond the source tree, by digest (prebuilt environments' locks). */
  inputs?: readonly BuildInput[];
  /** `SOURCE_DATE_EPOCH` when set: it shapes the bytes of the packages. */
  sourceDateEpoch?: number;
  /** `runDetails.builder`: a URI naming the build platform (see BUILD_TYPE.md), and tool versions. */
  builder: { id: string; version?: Readonly<Record<string, string>> };
  /**
   * An id of this run (e.g. the CI run URL). Left out by default: with it, a re-run of the same
   * release writes different provenance bytes, which an immutable published asset would refuse.
   */
  invocationId?: string;
}

/** The provenance read back from a statement: what a verifier needs. */
export interface Provenance {
  subjects: { name: string; sha256: string }[];
  source: { repository: string; commit: string; ref?: string };
  tag: string;
  projects: ReleasedProject[];
  inputs: BuildInput[];
  builderId: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f]+$/;
const MAX_TEXT = 2048;
const MAX_SUBJECTS = 10_000;
const MAX_PROJECTS = 10_000;
const MAX_INPUTS = 10_000;
const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;

/**
 * The in-toto Statement v1 with a SLSA Provenance v1 predicate for a release, as the JSON text that
 * goes into the DSSE envelope. Deterministic: subjects and inputs sorted, no timestamps, so a
 * re-run of the same release gives the same bytes. Throws `UserError` on input a verifier would
 * refuse (a bad digest, an asset name with a separator, no subject).
 */
export function buildProvenance(input: ProvenanceInput): string {
  const refuse = (why: string) => new UserError(`cannot write the provenance of ${input.tag}: ${why}`);
  if (input.assets.length + (input.images?.length ?? 0) === 0) throw refuse('the release has no asset');
  for (const a of input.assets) {
    const problem = assetNameProblem(a.name);
    if (problem) throw refuse(`asset name ${JSON.stringify(a.name)} ${problem}`);
    if (!HEX64.test(a.sha256)) throw refuse(`asset "${a.name}" has no valid sha256`);
  }
  const images = (input.images ?? []).map((image) => {
    const hex = /^sha256:([0-9a-f]{64})$/.exec(image.digest)?.[1];
    if (!hex || !isPlainText(image.name, MAX_TEXT)) throw refuse(`image ${JSON.stringify(image.name)} needs a reference and a sha256:<hex> digest`);
    return { name: image.name, sha256: hex };
  });
  const subjects = [...byName(input.assets), ...byName(images)];
  if (new Set(subjects.map((s) => s.name)).size !== subjects.length) throw refuse('two subjects have one name');
  if (!URI.test(input.source.repository)) throw refuse(`repository ${JSON.stringify(input.source.repository)} is not a URL`);
  if (!COMMIT.test(input.source.commit)) throw refuse(`commit ${JSON.stringify(input.source.commit)} is not a full hex commit id`);
  if (!URI.test(input.builder.id)) throw refuse(`builder id ${JSON.stringify(input.builder.id)} is not a URI`);
  if (!isPlainText(input.tag, MAX_TEXT)) throw refuse('the tag is not plain text');
  for (const p of input.projects) {
    if (![p.name, p.version, p.path].every((t) => isPlainText(t, MAX_TEXT)) || (p.kind !== 'runtime' && p.kind !== 'payload')) throw refuse(`project ${JSON.stringify(p.name)} lacks name, kind, version or path`);
  }
  for (const i of input.inputs ?? []) if (!isPlainText(i.name, MAX_TEXT) || !HEX64.test(i.sha256)) throw refuse(`input ${JSON.stringify(i.name)} needs a name and a sha256`);

  const externalParameters = {
    repository: input.source.repository,
    ...(input.source.ref === undefined ? {} : { ref: input.source.ref }),
    tag: input.tag,
    projects: input.projects.map((p) => ({ name: p.name, kind: p.kind, version: p.version, path: p.path })),
    ...(input.sourceDateEpoch === undefined ? {} : { sourceDateEpoch: input.sourceDateEpoch }),
  };
  const resolvedDependencies = [
    { uri: `git+${input.source.repository}`, digest: { gitCommit: input.source.commit } },
    ...byName(input.inputs ?? []).map((i) => ({ name: i.name, ...(i.uri === undefined ? {} : { uri: i.uri }), digest: { sha256: i.sha256 } })),
  ];
  const statement = {
    _type: STATEMENT_TYPE,
    subject: subjects.map((s) => ({ name: s.name, digest: { sha256: s.sha256 } })),
    predicateType: SLSA_PROVENANCE_TYPE,
    predicate: {
      buildDefinition: { buildType: RUNWAY_BUILD_TYPE, externalParameters, resolvedDependencies },
      runDetails: {
        builder: { id: input.builder.id, ...(input.builder.version ? { version: sortedRecord(input.builder.version) } : {}) },
        ...(input.invocationId === undefined ? {} : { metadata: { invocationId: input.invocationId } }),
      },
    },
  };
  return JSON.stringify(statement);
}

/**
 * Reads a provenance statement strictly enough to trust what a verifier uses: the statement and
 * predicate types, Runway's build type, every subject's name and sha256, the source repository and
 * commit, the projects and inputs. Unknown fields are ignored, as in-toto and SLSA ask of
 * consumers. Call it only on a payload whose envelope verified. Throws `UserError` naming `source`.
 */
export function parseProvenance(payload: Uint8Array | string, source = 'provenance'): Provenance {
  const bad = (why: string) => new UserError(`${source} is not a Runway provenance statement: ${why}`);
  const parsed = parseJsonObject(payload, MAX_STATEMENT_BYTES);
  if ('problem' in parsed) throw bad(parsed.problem);
  const doc = parsed.value;
  if (doc._type !== STATEMENT_TYPE) throw bad(`"_type" is not ${STATEMENT_TYPE}`);
  if (doc.predicateType !== SLSA_PROVENANCE_TYPE) throw bad(`"predicateType" is not ${SLSA_PROVENANCE_TYPE}`);
  const subjects = list(doc.subject, MAX_SUBJECTS, 'subject', bad).map((s, i) => {
    if (!isObject(s) || !isPlainText(s.name, MAX_TEXT) || !isObject(s.digest) || typeof s.digest.sha256 !== 'string' || !HEX64.test(s.digest.sha256)) {
      throw bad(`subject ${i + 1} has no name and sha256 digest`);
    }
    return { name: s.name, sha256: s.digest.sha256 };
  });
  if (subjects.length === 0) throw bad('it has no subject');
  const predicate = isObject(doc.predicate) ? doc.predicate : {};
  const definition = isObject(predicate.buildDefinition) ? predicate.buildDefinition : {};
  if (definition.buildType !== RUNWAY_BUILD_TYPE) throw bad(`"buildType" is not ${RUNWAY_BUILD_TYPE}`);
  const external = isObject(definition.externalParameters) ? definition.externalParameters : undefined;
  if (!external || !isPlainText(external.repository, MAX_TEXT) || !isPlainText(external.tag, MAX_TEXT)) throw bad('"externalParameters" lacks repository or tag');
  if (external.ref !== undefined && !isPlainText(external.ref, MAX_TEXT)) throw bad('"externalParameters.ref" is not text');
  const projects = list(external.projects, MAX_PROJECTS, 'externalParameters.projects', bad).map((p, i) => {
    if (!isObject(p) || !isPlainText(p.name, MAX_TEXT) || (p.kind !== 'runtime' && p.kind !== 'payload') || !isPlainText(p.version, MAX_TEXT) || !isPlainText(p.path, MAX_TEXT)) {
      throw bad(`project ${i + 1} lacks name, kind, version or path`);
    }
    return { name: p.name, kind: p.kind, version: p.version, path: p.path } as ReleasedProject;
  });
  const [git, ...rest] = list(definition.resolvedDependencies, MAX_INPUTS + 1, 'resolvedDependencies', bad);
  const commit = isObject(git) && isObject(git.digest) ? git.digest.gitCommit : undefined;
  if (!isObject(git) || git.uri !== `git+${external.repository}` || typeof commit !== 'string' || !COMMIT.test(commit)) {
    throw bad('the first resolved dependency is not the source repository at a commit');
  }
  const inputs = rest.map((d, i) => {
    if (!isObject(d) || !isPlainText(d.name, MAX_TEXT) || !isObject(d.digest) || typeof d.digest.sha256 !== 'string' || !HEX64.test(d.digest.sha256) || (d.uri !== undefined && !isPlainText(d.uri, MAX_TEXT))) {
      throw bad(`resolved dependency ${i + 2} has no name and sha256 digest`);
    }
    return { name: d.name, sha256: d.digest.sha256, ...(d.uri === undefined ? {} : { uri: d.uri as string }) };
  });
  const runDetails = isObject(predicate.runDetails) ? predicate.runDetails : {};
  const builder = isObject(runDetails.builder) ? runDetails.builder : {};
  if (!isPlainText(builder.id, MAX_TEXT)) throw bad('"runDetails.builder.id" is missing');
  return {
    subjects,
    source: { repository: external.repository, commit, ...(external.ref === undefined ? {} : { ref: external.ref as string }) },
    tag: external.tag,
    projects,
    inputs,
    builderId: builder.id,
  };
}

function byName<T extends { name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function list(value: unknown, max: number, what: string, bad: (why: string) => UserError): unknown[] {
  if (!Array.isArray(value)) throw bad(`"${what}" is not a list`);
  if (value.length > max) throw bad(`"${what}" has more than ${max} items`);
  return value;
}
