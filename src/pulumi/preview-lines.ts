/**
 * One line per pool per preview, drift told apart from plan. With `refresh`, the engine reads the
 * pool and diffs it for the refresh's own display (with the provider of the old state, which may be
 * another process), then checks and diffs it again for the plan; those diffs can have identical
 * arguments. What tells them apart is that only the plan's is preceded by a `check`. The refresh's
 * findings travel in the refreshed state (`drift`, set by `read`), so the plan's diff tells them
 * with the plan: "ci: 2 of 3 runners were used by jobs (drift); plan: 1 → 3 runners (+2), …".
 */

/** Fleet prefixes this provider process has checked: its diffs of them are plans. */
const checked = new Set<string>();

/** The engine checked the pool's new inputs: its diffs in this process are the plan's. */
export function noteCheck(prefix: string | undefined): void {
  if (prefix !== undefined) checked.add(prefix);
}

/**
 * The line a diff prints, or undefined: for a refresh's own diff (the plan's diff tells its
 * findings) and when there is neither drift nor anything to do.
 */
export function previewLine(prefix: string, drift: string | undefined, plan: string | undefined): string | undefined {
  if (!checked.has(prefix)) return undefined;
  const parts = [drift ? `${drift} (drift)` : "", plan ? `plan: ${plan}` : ""].filter(Boolean);
  return parts.length > 0 ? `${prefix}: ${parts.join("; ")}` : undefined;
}
