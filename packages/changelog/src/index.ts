export { parseChangelog, releaseNotes, findRelease, findLink, hasEntries, isIsoDate, type Changelog, type ChangelogSection, type ChangelogLink, type ChangelogProblem } from './parse-changelog';
export { checkChangelogGate, changelogGateError, mentionsVersion, type ChangelogGateInput, type GateFile, type GateProblem } from './changelog-gate';
export { releaseChangelog, type ReleaseChangelogOptions, type ReleasedChangelog } from './release-changelog';
export {
  normalizeChangelogGateConfig, gateFilesFor, DEFAULT_CHANGELOG_GATE, CHANGELOG_GATE_SCOPES,
  type ChangelogGateConfig, type ChangelogGateConfigInput, type ChangelogGateScope, type GateFilePaths, type GatedRelease,
} from './gate-config';
