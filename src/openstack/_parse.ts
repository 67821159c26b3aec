/** Validates response bodies with zod so nothing untyped leaves the service modules. */
import type { z } from "zod";
import { CloudError } from "../manager/errors.js";

/** Parses `body` with `schema`, or throws a `CloudError` naming the call and the first bad fields. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 3).map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`);
  throw new CloudError(`${what} returned an unexpected response (${issues.join("; ")})`, 0, { cause: result.error });
}
