import type { Step } from '../step';
import { buildStep } from './build';
import { finalizeStep } from './finalize';
import { planStep } from './plan';
import { publishAssetsStep } from './publish-assets';
import { updateRegistryStep } from './update-registry';
import { validateStep } from './validate';
import { verifyStep } from './verify';

export { buildStep, finalizeStep, planStep, publishAssetsStep, updateRegistryStep, validateStep, verifyStep };

/** The release of one runtime, in order. Only the three publishing steps mutate anything. */
export const releaseSteps: readonly Step[] = [
  validateStep,       // manifest rules + the triggering tag must name the manifest version (read-only)
  buildStep,          // pack <name>-<version>.tar.gz (+ .sha256, + .cdx.json SBOM) fresh into the run's scratch dir (deterministic)
  planStep,           // read the target (registry, existing assets/release), refuse changed content, log the plan
  publishAssetsStep,  // mutates: files under releases/download/<tag>/ or assets of a DRAFT GitHub release
  updateRegistryStep, // mutates: add the entry to registry.json (directory: locked write; GitHub: commit + push, retried)
  finalizeStep,       // mutates: GitHub only, draft → published, once the registry has the entry
  verifyStep,         // download from the published URL, check sha256 + size, unpack with the safe extractor; check the SBOM names the package
];
