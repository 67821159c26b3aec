import { isoSeconds } from "./openstack-seed.js";

/** The pattern docs/console-markers.md promises the sandbox uses to find the JIT config. */
const JIT_PATTERN = /--jitconfig[ =]'?([A-Za-z0-9+/=_.-]+)/;

/** The runner's environment form, as the scale set Docker example starts it (reference §1.9). */
const JIT_ENV_PATTERN = /ACTIONS_RUNNER_INPUT_JITCONFIG=['"]?([A-Za-z0-9+/=_.-]+)/;

/** Decodes base64 user data and finds the `run.sh --jitconfig` argument (or `ACTIONS_RUNNER_INPUT_JITCONFIG=`) in it. */
export function findJitConfig(userDataBase64: string): string | undefined {
  const script = Buffer.from(userDataBase64, "base64").toString("utf8");
  return JIT_PATTERN.exec(script)?.[1] ?? JIT_ENV_PATTERN.exec(script)?.[1];
}

/** One `RUNNER_FLEET_MARKER <kind> <json>` console line. */
export function marker(kind: string, fields: Record<string, unknown>): string {
  return `RUNNER_FLEET_MARKER ${kind} ${JSON.stringify(fields)}`;
}

/** What an Ubuntu cloud image prints on its serial console while booting. */
export function bootLines(hostname: string, t: number): string[] {
  return [
    "[    0.000000] Linux version 6.8.0-31-generic (buildd@lcy02-amd64-080) #31-Ubuntu SMP PREEMPT_DYNAMIC",
    "[    0.000000] Command line: BOOT_IMAGE=/vmlinuz-6.8.0-31-generic root=LABEL=cloudimg-rootfs ro console=tty1 console=ttyS0",
    `[    3.141592] cloud-init[498]: Cloud-init v. 24.1.3-0ubuntu3 running 'init' at ${isoSeconds(t)}. Up 3.14 seconds.`,
    `Ubuntu 24.04 LTS ${hostname} ttyS0`,
    `[    9.265358] cloud-init[812]: Cloud-init v. 24.1.3-0ubuntu3 running 'modules:final' at ${isoSeconds(t)}. Up 9.26 seconds.`,
  ];
}

/** What the console shows when cloud-init powers the VM off. */
export function poweroffLines(): string[] {
  return ["[  OK  ] Reached target poweroff.target - System Power Off.", "[   42.000000] reboot: Power down"];
}
