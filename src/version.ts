/** The installed runner-fleet version, read from package.json (src/ and dist/ both sit one level below it). */
import { createRequire } from "node:module";

const pkg = createRequire(import.meta.url)("../package.json") as { version: string };

/** runner-fleet's version, recorded on every VM it creates. */
export const VERSION: string = pkg.version;
