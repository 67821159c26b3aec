/**
 * Label matching as GitHub does it: a job goes to a runner that has every one of its `runs-on`
 * labels, compared without regard to case. A job the fleet cannot serve is not demand.
 */

/**
 * Labels every runner of the fleet carries whatever the spec says. The manager registers
 * `self-hosted` and `linux` on every runner (src/manager/runner-manager.ts); GitHub's default
 * labels are `self-hosted`, the OS (`linux`, `windows`, `macOS`) and the architecture (`x64`,
 * `ARM`, `ARM64`). The architecture is not implied: it depends on the image and flavor, so a fleet
 * that serves `x64` jobs lists `x64` itself.
 * https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/using-self-hosted-runners-in-a-workflow
 */
export const IMPLIED_FLEET_LABELS: readonly string[] = ["self-hosted", "linux"];

/**
 * Whether the fleet's runners can take a job with `jobLabels`: every job label is one of the
 * fleet's (plus the implied ones). A job with no labels (`runs-on: { group: … }` only) is not
 * ours: nothing in it says which fleet it is for, and counting it would make every fleet scale.
 */
export function servesLabels(fleetLabels: readonly string[], jobLabels: readonly string[]): boolean {
  if (jobLabels.length === 0) return false;
  // "Labels are case-insensitive": GitHub itself sends e.g. `Linux` and `X64`.
  // https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/using-labels-with-self-hosted-runners
  const fleet = new Set([...IMPLIED_FLEET_LABELS, ...fleetLabels].map(normalizeLabel));
  // A runner "that matches all of the specified runs-on values" is eligible; extra runner
  // labels do not matter.
  // https://docs.github.com/en/actions/writing-workflows/choosing-where-your-workflow-runs/choosing-the-runner-for-a-job
  return jobLabels.every((label) => fleet.has(normalizeLabel(label)));
}

/** The form labels are compared and stored in: trimmed and lowercase. */
export function normalizeLabel(label: string): string {
  return label.trim().toLowerCase();
}
