/**
 * schema/schema.json against the TypeScript API: the component's inputs and each object type carry
 * exactly RunnerFleetArgs' names (checked by the type checker: a drift fails `npm run typecheck`),
 * every property is described, and every credential is marked secret.
 */
import { readFileSync } from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, expectTypeOf, it } from "vitest";
import schemaJson from "../../../schema/schema.json" with { type: "json" };
import type { ScheduleWindow } from "../../../src/autoscale/config.js";
import type { RunnerVmOptions } from "../../../src/manager/user-data.js";
import type {
  FleetAutoscaleArgs, FleetAutoscaledArgs, FleetCountArgs, FleetGitHubArgs, FleetOpenStackArgs, FleetOpenStackAuth, FleetSharedArgs,
} from "../../../src/pulumi/fleet-args.js";
import type { OperationResult } from "../../../src/pulumi/operation-provider.js";
import type { PoolCounts } from "../../../src/pulumi/pool-inputs.js";
import type { RunnerFleet } from "../../../src/pulumi/runner-fleet.js";

type Types = typeof schemaJson.types;
type PropsOf<K extends keyof Types> = keyof Types[K]["properties"];
/** The names of an (Input of an) object type's fields. */
type Fields<T> = keyof NonNullable<pulumi.Unwrap<T>>;
const fleet = schemaJson.resources["runner-fleet:index:RunnerFleet"];

describe("schema.json and the TypeScript API", () => {
  it("names the component's inputs, outputs and object types exactly as the TypeScript API does", () => {
    expectTypeOf<keyof typeof fleet.inputProperties>().toEqualTypeOf<keyof (FleetCountArgs & FleetAutoscaledArgs & FleetSharedArgs)>();
    expectTypeOf<keyof typeof fleet.properties>().toEqualTypeOf<Exclude<keyof RunnerFleet, keyof pulumi.ComponentResource>>();
    expectTypeOf<PropsOf<"runner-fleet:index:FleetGitHub">>().toEqualTypeOf<keyof FleetGitHubArgs>();
    expectTypeOf<PropsOf<"runner-fleet:index:FleetGitHubApp">>().toEqualTypeOf<Fields<FleetGitHubArgs["app"]>>();
    expectTypeOf<PropsOf<"runner-fleet:index:FleetOpenStack">>().toEqualTypeOf<keyof FleetOpenStackArgs>();
    expectTypeOf<PropsOf<"runner-fleet:index:FleetOpenStackAuth">>().toEqualTypeOf<keyof FleetOpenStackAuth>();
    expectTypeOf<PropsOf<"runner-fleet:index:FleetAutoscale">>().toEqualTypeOf<keyof FleetAutoscaleArgs>();
    expectTypeOf<PropsOf<"runner-fleet:index:FleetScheduleWindow">>().toEqualTypeOf<keyof ScheduleWindow>();
    expectTypeOf<PropsOf<"runner-fleet:index:FleetScaleSet">>().toEqualTypeOf<Fields<FleetAutoscaleArgs["scaleSet"]>>();
    expectTypeOf<PropsOf<"runner-fleet:index:FleetUserData">>().toEqualTypeOf<keyof RunnerVmOptions>();
    expectTypeOf<PropsOf<"runner-fleet:index:FleetProxy">>().toEqualTypeOf<keyof NonNullable<RunnerVmOptions["proxy"]>>();
    expectTypeOf<PropsOf<"runner-fleet:index:FleetDestroyPolicy">>().toEqualTypeOf<Fields<FleetSharedArgs["destroyPolicy"]>>();
    expectTypeOf<PropsOf<"runner-fleet:index:FleetFlush">>().toEqualTypeOf<Fields<FleetSharedArgs["flush"]>>();
    expectTypeOf<PropsOf<"runner-fleet:index:FleetCleanup">>().toEqualTypeOf<Fields<FleetSharedArgs["cleanup"]>>();
    expectTypeOf<PropsOf<"runner-fleet:index:PoolCounts">>().toEqualTypeOf<keyof PoolCounts>();
    expectTypeOf<PropsOf<"runner-fleet:index:OperationResult">>().toEqualTypeOf<keyof OperationResult>();
    expectTypeOf<PropsOf<"runner-fleet:index:FleetOperations">>().toEqualTypeOf<Fields<RunnerFleet["operations"]>>();
  });

  it("describes the package, the component, every type and every property", () => {
    const undescribed: string[] = [];
    const visit = (where: string, props: Record<string, { description?: string }>) => {
      for (const [name, prop] of Object.entries(props)) if (!prop.description?.trim()) undescribed.push(`${where}.${name}`);
    };
    visit("RunnerFleet inputs", fleet.inputProperties);
    visit("RunnerFleet outputs", fleet.properties);
    for (const [token, type] of Object.entries(schemaJson.types)) {
      if (!type.description) undescribed.push(token);
      visit(token, type.properties);
    }
    expect(undescribed).toEqual([]);
    expect(schemaJson.description && fleet.description).toBeTruthy();
  });

  it("marks the token, the App key, the password, the application credential secret and clouds.yaml secret, and nothing else", () => {
    const secrets = Object.entries(schemaJson.types).flatMap(([token, type]) =>
      Object.entries(type.properties as Record<string, { secret?: boolean }>).filter(([, p]) => p.secret).map(([name]) => `${token.split(":")[2]}.${name}`),
    );
    expect(secrets.sort()).toEqual(["FleetGitHub.token", "FleetGitHubApp.privateKey", "FleetOpenStack.cloudsYaml", "FleetOpenStackAuth.applicationCredentialSecret", "FleetOpenStackAuth.password"]);
  });

  it("refers only to types it defines, requires only properties it has, and carries the package's version", () => {
    const text = JSON.stringify(schemaJson);
    const refs = [...text.matchAll(/"\$ref":"#\/types\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.filter((ref) => !(ref in schemaJson.types))).toEqual([]);
    const objects: [string, { properties: object; required?: string[] }][] = [["RunnerFleet", { properties: fleet.properties, required: fleet.required }], ["RunnerFleet inputs", { properties: fleet.inputProperties, required: fleet.requiredInputs }], ...Object.entries(schemaJson.types)];
    expect(objects.flatMap(([where, o]) => (o.required ?? []).filter((r) => !(r in o.properties)).map((r) => `${where}.${r}`))).toEqual([]);
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(schemaJson.version).toBe(pkg.version);
    expect(schemaJson.language.python.packageName).toBe("runner_fleet");
  });
});
