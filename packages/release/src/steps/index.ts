import type { ReleaseContext } from '../release-context';
import type { Step } from '../step';
import { buildStep } from './build';
import { buildEnvironmentsStep } from './build-environments';
import { checkPackageStep } from './check-package';
import { planStep } from './plan';
import { policyStep } from './policy';
import { publishAssetsStep } from './publish-assets';
import { signStep } from './sign';
import { sourceStep } from './source';
import { tagStep } from './tag';
import { updateRegistryStep } from './update-registry';
import { validateStep } from './validate';
import { verifyStep } from './verify';

export { buildStep, buildEnvironmentsStep, checkPackageStep, planStep, policyStep, publishAssetsStep, signStep, sourceStep, tagStep, updateRegistryStep, validateStep, verifyStep };

/**
 * The read-only part of a release: after it, every check that can fail has run and nothing has
 * changed. The umbrella runs it for every project before publishing any.
 */
export const preflightSteps: readonly Step<ReleaseContext>[] = [
  sourceStep,         // the commit released: HEAD of a clean tree (a dirty tree is refused; a dry run warns), or the caller's
  validateStep,       // manifest rules and required files as committed; a triggering tag must name the manifest version
  policyStep,         // release policy: changelog gate (where configured) at the commit, signature of <name>@<version>
  buildStep,          // pack <name>-<version>.tar.gz (+ .sha256, + .cdx.json SBOM) from the commit into the run's scratch dir
  buildEnvironmentsStep, // debian: section: each buildable prebuilt environment from the committed lock, smoke-tested (+ .sha256, lock, SBOM)
  checkPackageStep,   // unpack the fresh package and each environment with the client's safe extractor (sha256 and size checked too)
  signStep,           // add SHA256SUMS (+ .sig and provenance.intoto.jsonl with RUNWAY_SIGNING_KEY) to the assets
  planStep,           // read the target; refuse changed content, a tag at another commit, an unpushed commit; log the plan
];

/** The publishing part, in the order that keeps the registry's promise (see the README). */
export const publishSteps: readonly Step<ReleaseContext>[] = [
  tagStep,            // mutates: <name>@<version> → the built commit (GitHub: pushed to origin; directory: local tag)
  publishAssetsStep,  // mutates: this run's draft filled then published (GitHub) / staged folder renamed into place (directory)
  verifyStep,         // the public download URL serves exactly the package (unpacked again) and its SBOM
  updateRegistryStep, // mutates: add the entry to registry.json, last (GitHub: commit + push, retried on a moved branch)
];

/** The release of one runtime or payload, in order. */
export const releaseSteps: readonly Step<ReleaseContext>[] = [...preflightSteps, ...publishSteps];
