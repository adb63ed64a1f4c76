import type { VerificationRecord } from '@runway/release-policy';
import type { ProjectCheck } from './validation-report';

/**
 * Pure: the record of a validation: passed only when every project passed (and there was one);
 * the images pulled and the files installed, of every project that got that far.
 */
export function verificationRecordOf(tag: string, commit: string, checks: readonly ProjectCheck[]): VerificationRecord {
  return {
    tag, commit,
    passed: checks.length > 0 && checks.every((c) => c.passed),
    images: Object.assign({}, ...checks.map((c) => c.images ?? {})),
    assets: Object.assign({}, ...checks.map((c) => c.assets ?? {})),
  };
}
