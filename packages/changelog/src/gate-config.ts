import { UserError } from '@runway/errors';

/** Which stable releases the changelog gate applies to. */
export const CHANGELOG_GATE_SCOPES = ['umbrella', 'projects', 'both', 'none'] as const;
export type ChangelogGateScope = (typeof CHANGELOG_GATE_SCOPES)[number];

/** The files the gate reads for one kind of release, relative to the workspace root. */
export interface GateFilePaths {
  /** Keep a Changelog file. In `projects`, `{projectRoot}` stands for the project folder. */
  changelog: string;
  /** Upgrade notes, checked on MINOR and MAJOR steps. `{projectRoot}` as above. */
  upgrading: string;
}

/** The gate configuration as written (everything optional), e.g. under `policy.changelog`. */
export interface ChangelogGateConfigInput {
  scope?: ChangelogGateScope;
  umbrella?: Partial<GateFilePaths>;
  projects?: Partial<GateFilePaths>;
}

/** The normalised gate configuration (defaults applied). */
export interface ChangelogGateConfig {
  scope: ChangelogGateScope;
  umbrella: GateFilePaths;
  projects: GateFilePaths;
}

/**
 * The default: the gate guards stable umbrella releases (`vX.Y.Z`) with the repository's
 * `CHANGELOG.md` and `docs/upgrading.md`; per-project releases (`<name>@X.Y.Z`) are not gated
 * unless the scope says `projects` or `both`, and then read the project's own files.
 */
export const DEFAULT_CHANGELOG_GATE: ChangelogGateConfig = {
  scope: 'umbrella',
  umbrella: { changelog: 'CHANGELOG.md', upgrading: 'docs/upgrading.md' },
  projects: { changelog: '{projectRoot}/CHANGELOG.md', upgrading: '{projectRoot}/docs/upgrading.md' },
};

/**
 * Pure: applies the defaults to a written gate configuration and checks it (a known scope,
 * workspace-relative paths that stay inside the workspace). Returns a new object.
 * @throws UserError naming the bad setting.
 */
export function normalizeChangelogGateConfig(input: ChangelogGateConfigInput = {}): ChangelogGateConfig {
  const scope = input.scope ?? DEFAULT_CHANGELOG_GATE.scope;
  if (!(CHANGELOG_GATE_SCOPES as readonly string[]).includes(scope)) {
    throw new UserError(`changelog gate scope "${String(scope)}" is not one of ${CHANGELOG_GATE_SCOPES.join(', ')}`, { hint: 'e.g. "scope": "umbrella"' });
  }
  const paths = (kind: 'umbrella' | 'projects'): GateFilePaths => {
    const merged = { ...DEFAULT_CHANGELOG_GATE[kind], ...input[kind] };
    for (const [key, path] of Object.entries(merged)) {
      if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.split('/').includes('..')) {
        throw new UserError(`changelog gate setting ${kind}.${key} "${String(path)}" is not a path inside the workspace`, { hint: `use a relative path such as "${DEFAULT_CHANGELOG_GATE[kind][key as keyof GateFilePaths]}"` });
      }
    }
    return merged;
  };
  return { scope, umbrella: paths('umbrella'), projects: paths('projects') };
}

/** The release the gate is asked about. */
export type GatedRelease =
  | { kind: 'umbrella' }
  | { kind: 'project'; name: string; projectRoot: string };

/**
 * Pure: the files and tag prefix the gate uses for `release`, or undefined when the configured
 * scope does not gate that kind of release.
 */
export function gateFilesFor(config: ChangelogGateConfig, release: GatedRelease): (GateFilePaths & { tagPrefix: string }) | undefined {
  if (release.kind === 'umbrella') {
    return config.scope === 'umbrella' || config.scope === 'both' ? { ...config.umbrella, tagPrefix: 'v' } : undefined;
  }
  if (config.scope !== 'projects' && config.scope !== 'both') return undefined;
  const fill = (path: string) => path.replaceAll('{projectRoot}', release.projectRoot.replace(/\/+$/, ''));
  return { changelog: fill(config.projects.changelog), upgrading: fill(config.projects.upgrading), tagPrefix: `${release.name}@` };
}
