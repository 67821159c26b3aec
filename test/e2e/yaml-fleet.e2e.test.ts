/**
 * examples/yaml-fleet with the real engine: a Pulumi YAML program (no generated SDK: the YAML
 * language host reads the package schema from the provider plugin of the npm-packed runner-fleet).
 */
import { describeLanguageFleet } from "../support/language-fleet.js";

describeLanguageFleet("yaml-fleet", "yaml", "yml");
