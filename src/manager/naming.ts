/** Fleet prefixes and instance names: `${prefix}-${12 lowercase hex}`, at most 64 characters. */
import { randomBytes } from "node:crypto";

/** Prefix rule: lowercase letters, digits and dashes, 1–51 chars, no dash at either end. */
export const PREFIX_PATTERN = /^[a-z0-9]([a-z0-9-]{0,49}[a-z0-9])?$/;
const SUFFIX_PATTERN = /^[0-9a-f]{12}$/;

/** Nova's MySQL column limit, and GitHub's runner name limit. */
export const MAX_NAME_LENGTH = 64;

/** True when `prefix` is a valid fleet prefix. */
export function isValidPrefix(prefix: string): boolean {
  return PREFIX_PATTERN.test(prefix);
}

/** A fresh instance name for the fleet. */
export function newInstanceName(prefix: string, random: () => string = () => randomBytes(6).toString("hex")): string {
  return `${prefix}-${random()}`;
}

/**
 * True only when `name` is exactly prefix + `-` + 12 hex chars, so fleet `app-1` never claims
 * `app-10-…` nor `app-1-x-…` (upstream's `startswith` check did; see reference §1.3).
 */
export function isFleetMember(prefix: string, name: string): boolean {
  if (!name.startsWith(`${prefix}-`)) return false;
  return SUFFIX_PATTERN.test(name.slice(prefix.length + 1));
}

/** The 12-hex instance id of a fleet member's name. */
export function instanceIdOf(prefix: string, name: string): string {
  return name.slice(prefix.length + 1);
}
