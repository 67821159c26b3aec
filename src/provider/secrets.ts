/**
 * Secrets on the provider's wire. The SDK's provider server (`@pulumi/pulumi/provider`) tells the
 * engine it accepts secrets, so the engine sends a secret value as a marked object and keeps a
 * returned value secret only if it comes back marked (the engine annotates outputs itself only for
 * providers that do not accept secrets: `annotateSecrets` in sdk/go/common/resource/plugin/
 * provider_plugin.go, 3.276.0). The pool logic wants plain values: `reveal` takes the marks off and
 * says which top-level keys held one; `conceal` puts them back on whole keys.
 */

/** The signature key and value of a secret on the wire (sdk/go/common/resource/sig, `Secret`). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A value the engine marked secret. */
export interface WireSecret {
  [SIG_KEY]: typeof SECRET_SIG;
  value: unknown;
}

/** Whether `value` is a marked secret. */
export function isWireSecret(value: unknown): value is WireSecret {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** `value` marked secret (once: a marked value stays as it is). */
export function secretOf(value: unknown): WireSecret | unknown {
  return isWireSecret(value) || value === undefined ? value : { [SIG_KEY]: SECRET_SIG, value };
}

/** A property map with every secret mark removed, and the top-level keys that held one (at any depth). */
export interface Revealed<T> {
  plain: T;
  secretKeys: Set<string>;
}

/** Takes the secret marks off a property map, remembering which top-level keys had them. */
export function reveal<T extends object>(props: Record<string, unknown> | undefined): Revealed<T> {
  const secretKeys = new Set<string>();
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props ?? {})) {
    let found = false;
    plain[key] = strip(value, () => (found = true));
    if (found) secretKeys.add(key);
  }
  return { plain: plain as T, secretKeys };
}

function strip(value: unknown, found: () => void): unknown {
  if (isWireSecret(value)) {
    found();
    return strip(value.value, found);
  }
  if (Array.isArray(value)) return value.map((v) => strip(v, found));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strip(v, found)]));
  return value;
}

/** Marks the given top-level keys of `props` secret (whole values: the engine tracks secrets per value). */
export function conceal<T extends object>(props: T, keys: Iterable<string>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...(props as Record<string, unknown>) };
  for (const key of keys) if (key in result) result[key] = secretOf(result[key]);
  return result;
}
