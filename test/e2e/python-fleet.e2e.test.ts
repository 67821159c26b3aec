/**
 * examples/python-fleet with the real engine: a Python program using the runner_fleet SDK that
 * `pulumi package gen-sdk` generated from schema/schema.json, in the virtualenv of
 * scripts/pulumi-sdk.sh, served by the provider plugin of the npm-packed runner-fleet.
 */
import { describeLanguageFleet } from "../support/language-fleet.js";

describeLanguageFleet("python-fleet", "python", "py");
