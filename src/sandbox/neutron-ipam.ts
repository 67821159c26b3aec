/** IPv4 arithmetic for the simulated Neutron's subnets: CIDRs, gateways and allocation pools. */
import type { AllocationPool } from "./neutron-types.js";

/** An IPv4 CIDR as numbers: the first address and the size. */
export interface Cidr {
  base: number;
  prefix: number;
  size: number;
}

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** An IPv4 address as a 32-bit number; undefined when it is not one. */
export function ipToInt(ip: string): number | undefined {
  const m = DOTTED.exec(ip);
  if (m === null) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((n, o) => n * 256 + o, 0);
}

/** The dotted form of a 32-bit number. */
export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** Parses `a.b.c.d/p`; `exact` is false when host bits are set (Neutron then names the proper CIDR). */
export function parseCidr(text: string): (Cidr & { exact: boolean }) | undefined {
  const [ip, bits, ...rest] = text.split("/");
  if (ip === undefined || bits === undefined || rest.length > 0 || !/^\d{1,2}$/.test(bits)) return undefined;
  const addr = ipToInt(ip);
  const prefix = Number(bits);
  if (addr === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const base = Math.floor(addr / size) * size;
  return { base, prefix, size, exact: base === addr };
}

/** The CIDR's text with host bits cleared. */
export function cidrText(c: Cidr): string {
  return `${intToIp(c.base)}/${c.prefix}`;
}

/** Whether two CIDRs share an address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** Whether `ip` lies in the CIDR. */
export function contains(c: Cidr, ip: number): boolean {
  return ip >= c.base && ip < c.base + c.size;
}

/** The default gateway: the first host address (Neutron's default). */
export function defaultGateway(c: Cidr): string {
  return intToIp(c.base + 1);
}

/**
 * The default pools: every host address except the gateway (network and broadcast addresses are
 * never allocated), as Neutron computes them (ipam/utils.py generate_pools).
 */
export function defaultPools(c: Cidr, gateway: string | null): AllocationPool[] {
  const first = c.base + (c.size > 2 ? 1 : 0);
  const last = c.base + c.size - (c.size > 2 ? 2 : 1);
  const gw = gateway === null ? undefined : ipToInt(gateway);
  if (gw === undefined || gw < first || gw > last) return [{ start: intToIp(first), end: intToIp(last) }];
  const pools: AllocationPool[] = [];
  if (gw > first) pools.push({ start: intToIp(first), end: intToIp(gw - 1) });
  if (gw < last) pools.push({ start: intToIp(gw + 1), end: intToIp(last) });
  return pools;
}

/** The lowest address of the pools not in `used`; undefined when the pools are exhausted. */
export function firstFree(pools: AllocationPool[], used: Set<string>): string | undefined {
  for (const pool of pools) {
    const start = ipToInt(pool.start) ?? 0;
    const end = ipToInt(pool.end) ?? -1;
    for (let n = start; n <= end; n++) {
      const ip = intToIp(n);
      if (!used.has(ip)) return ip;
    }
  }
  return undefined;
}
