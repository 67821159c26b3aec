/**
 * The runner-fleet provider: what `pulumi-resource-runner-fleet` serves through the SDK's provider
 * server. A component (construct), two custom resources (custom-resources.ts) and the schema.
 */
import { readFile } from "node:fs/promises";
import type * as pulumi from "@pulumi/pulumi";
import { VERSION } from "../version.js";
import { construct } from "./construct.js";
import { customResources } from "./custom-resources.js";
import { withResource } from "./engine-log.js";

/** The package schema; src/ and dist/ both sit one level below the package root, beside schema/. */
const SCHEMA = new URL("../../schema/schema.json", import.meta.url);

/** The provider; each custom-resource call runs with its URN at hand, so its log lines are the resource's. */
export const runnerFleetProvider: pulumi.provider.Provider = {
  version: VERSION,
  getSchema: () => readFile(SCHEMA, "utf8"),
  construct,
  check: (urn, olds, news) => withResource(urn, () => customResources.check(urn, olds, news)),
  diff: (id, urn, olds, news) => withResource(urn, () => customResources.diff(id, urn, olds, news)),
  create: (urn, inputs) => withResource(urn, () => customResources.create(urn, inputs)),
  read: (id, urn, props) => withResource(urn, () => customResources.read(id, urn, props)),
  update: (id, urn, olds, news) => withResource(urn, () => customResources.update(id, urn, olds, news)),
  delete: (id, urn, props) => withResource(urn, () => customResources.delete(id, urn, props)),
};
