import type { PromotionAction, PromotionPlan } from '@runway/release-policy';

/** Pure: one line per action, as the plan prints it and `--dry-run` shows it. */
export function describeAction(action: PromotionAction): string {
  switch (action.kind) {
    case 'create-tag':
      return `create-tag ${action.tag} → ${action.commit.slice(0, 12)}${action.signatureRequired ? ' (signed)' : ''}`;
    case 'publish-release':
      return `publish-release ${action.tag} at ${action.commit.slice(0, 12)}: ${action.assets.length} file(s) copied byte-identical from ${action.from}${action.makeLatest ? ', marked Latest' : ''}`;
    case 'point-image-tag':
      return `point-image-tag ${action.repository}:${action.tag} → ${action.digest}${action.from ? ` (was ${action.from})` : ''}`;
    case 'add-registry-entry':
      return `add-registry-entry ${action.name}@${action.entry.version} to ${action.section} (${action.entry.checksum}, ${action.entry.download_url})`;
  }
}

/** Pure: the plan as text: what is promoted, then every action in order, or that nothing is left. */
export function formatPromotionPlan(plan: Extract<PromotionPlan, { kind: 'planned' }>): string {
  if (plan.actions.length === 0) return `promote ${plan.rcTag} → ${plan.stableTag}: already complete, nothing to do`;
  return [`promote ${plan.rcTag} → ${plan.stableTag}:`, ...plan.actions.map((a, i) => `  ${i + 1}. ${describeAction(a)}`)].join('\n');
}

/** Pure: every problem with its fix, for the refusal. */
export function formatProblems(problems: ReadonlyArray<{ message: string; fix: string }>): string {
  return problems.map((p) => `  - ${p.message} (fix: ${p.fix})`).join('\n');
}
