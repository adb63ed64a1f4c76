import { basename } from 'node:path';
import type { Logger } from '@runway/log';
import { attachAttestation, type RegistryAccess } from '@runway/publisher-docker';
import { splitImageRepository, type ImagePublishPlan } from '@runway/release-policy';
import { buildProvenance, INTOTO_PAYLOAD_TYPE, serializeEnvelope, signEnvelope, SLSA_PROVENANCE_TYPE, type SigningKey } from '@runway/trust';
import { builderId, sourceRepository } from '../steps/sign';
import type { RuntimeEnvironment } from './runtime-environment';

/** What an image's provenance states, besides the pushed digest. */
export interface ImageProvenanceInput {
  workspaceRoot: string;
  /** The payload folder, e.g. `payloads/python`. */
  projectRoot: string;
  plan: ImagePublishPlan;
  /** The release tag the image was published for (`python@1.2.3`, `v1.2.3`). */
  tag: string;
  version: string;
  commit: string;
  /** The runtime environment the image was built from, a build input by digest. */
  environment?: RuntimeEnvironment;
  env: NodeJS.ProcessEnv;
}

/**
 * The provenance of a published runenv image, one line of `provenance.intoto.jsonl` format: the
 * same in-toto Statement v1 / SLSA Provenance v1 as a release's, signed in a DSSE envelope with the
 * release key, whose subjects are every repository of the image (`<repository>` with digest
 * `sha256:<hex>`) at the one pushed digest. Deterministic: no time, no run id.
 */
export async function imageProvenanceEnvelope(input: ImageProvenanceInput, digest: string, key: SigningKey): Promise<Uint8Array> {
  const { plan, environment } = input;
  const statement = buildProvenance({
    assets: [],
    images: plan.repositories.map((name) => ({ name, digest })),
    source: { repository: await sourceRepository(input.workspaceRoot), commit: input.commit, ref: `refs/tags/${input.tag}` },
    tag: input.tag,
    projects: [{ name: plan.project, kind: 'payload', version: input.version, path: input.projectRoot }],
    ...(environment ? { inputs: [{ name: basename(environment.path), sha256: environment.checksum.replace(/^sha256:/, '') }] } : {}),
    builder: { id: builderId(input.env) },
  });
  return Buffer.from(`${serializeEnvelope(signEnvelope(INTOTO_PAYLOAD_TYPE, statement, key))}\n`);
}

/** Attaches the envelope to the image in each of its repositories (`sha256-<hex>.att`, see `attachAttestation`). */
export async function attachImageProvenance(plan: ImagePublishPlan, digest: string, envelope: Uint8Array, access: RegistryAccess, logger: Logger): Promise<void> {
  for (const repository of plan.repositories) {
    const { host, path } = splitImageRepository(repository);
    const attached = await attachAttestation(access.client(host), path, digest, envelope, SLSA_PROVENANCE_TYPE);
    logger.info(`attached the signed provenance of ${repository}@${digest} as ${repository}:${attached.tag}`);
  }
}
