/**
 * What every Nova handler receives once `openstack-nova.ts` has authenticated the request and
 * negotiated its microversion. A file of its own so that the handler modules and the route table
 * both import it without importing each other.
 */
import type { TokenRecord } from "./openstack-types.js";

/** A negotiated compute microversion, as its minor number (major is always 2). */
export type Microversion = number;

/** Context of an authenticated, microversioned Nova request. */
export interface NovaContext {
  token: TokenRecord;
  mv: Microversion;
  base: string;
}
