/**
 * The cloud-init user data that turns a fresh VM into a one-job runner: it writes the console
 * markers (docs/console-markers.md), starts `run.sh --jitconfig` as an unprivileged user and
 * powers the VM off when the runner exits. Pure: the OpenStack adapter base64-encodes the result.
 */

/** What the operator can configure about the VM side of a runner. */
export interface RunnerVmOptions {
  /** Where the actions runner lives in the image (default `/opt/actions-runner`). */
  runnerDir?: string;
  /** Runner tarball to download when the image has no runner (air-gapped mirrors welcome). */
  runnerDownloadUrl?: string;
  /** Unprivileged user the runner runs as (created if missing; default `runner`). */
  runnerUser?: string;
  /** Proxy settings handed to the runner and its jobs. */
  proxy?: { http?: string; https?: string; noProxy?: string };
  /** Shell script run by the job-started hook before each job. */
  preJobScript?: string;
  /** Extra shell run as root before the runner starts. */
  extraScript?: string;
}

/** Quotes a value for a POSIX shell single-quoted string. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Renders the user data for one runner. The JIT config is the only secret in it. */
export function renderUserData(jitConfig: string, options: RunnerVmOptions = {}): string {
  const { runnerDir = "/opt/actions-runner", runnerUser = "runner", proxy = {}, preJobScript = "", extraScript = "" } =
    options;
  const dir = shellQuote(runnerDir);
  const user = shellQuote(runnerUser);
  const env = [
    proxy.http && `http_proxy=${proxy.http}`,
    proxy.http && `HTTP_PROXY=${proxy.http}`,
    proxy.https && `https_proxy=${proxy.https}`,
    proxy.https && `HTTPS_PROXY=${proxy.https}`,
    proxy.noProxy && `no_proxy=${proxy.noProxy}`,
    proxy.noProxy && `NO_PROXY=${proxy.noProxy}`,
    `ACTIONS_RUNNER_HOOK_JOB_STARTED=${runnerDir}/pre-job.sh`,
  ].filter((line): line is string => Boolean(line));
  const download = options.runnerDownloadUrl
    ? `if [ ! -x ${dir}/run.sh ]; then
  mkdir -p ${dir}
  curl -fsSL --retry 5 ${shellQuote(options.runnerDownloadUrl)} | tar -xz -C ${dir}
fi`
    : `[ -x ${dir}/run.sh ] || { echo "runner-fleet: no actions runner in ${runnerDir}; set runnerDownloadUrl" >/dev/console; poweroff; }`;
  return `#!/bin/sh
# runner-fleet: one ephemeral GitHub Actions runner; the VM powers off when it exits.
set -e
marker() { echo "RUNNER_FLEET_MARKER $1 $2" >/dev/console 2>/dev/null || true; }
id -u ${user} >/dev/null 2>&1 || useradd --create-home --shell /bin/bash ${user}
${download}
# Markers go to the serial console through a root-owned relay, so the runner user needs no device access.
install -d -o ${user} -m 0755 /var/lib/runner-fleet
touch /var/lib/runner-fleet/markers && chown ${user} /var/lib/runner-fleet/markers
(tail -n +1 -F /var/lib/runner-fleet/markers >/dev/console 2>/dev/null &)
cat > ${dir}/pre-job.sh <<'PREJOB'
#!/bin/sh
printf 'RUNNER_FLEET_MARKER pre-job {"timestamp":%s,"workflow":"%s","repository":"%s","event":"%s","workflow_run_id":"%s"}\\n' \\
  "$(date +%s)" "$GITHUB_WORKFLOW" "$GITHUB_REPOSITORY" "$GITHUB_EVENT_NAME" "$GITHUB_RUN_ID" >> /var/lib/runner-fleet/markers
${preJobScript}
PREJOB
chmod 0755 ${dir}/pre-job.sh
printf '%s\\n' ${env.map(shellQuote).join(" ")} > ${dir}/.env
chown -R ${user} ${dir}
${extraScript}
marker installed "{\\"timestamp\\":$(date +%s)}"
set +e
su ${user} -s /bin/sh -c "cd ${dir} && ./run.sh --jitconfig ${shellQuote(jitConfig)}"
code=$?
if [ "$code" -eq 0 ]; then
  marker post-job "{\\"timestamp\\":$(date +%s),\\"status\\":\\"normal\\"}"
else
  marker post-job "{\\"timestamp\\":$(date +%s),\\"status\\":\\"abnormal\\",\\"status_info\\":{\\"code\\":$code}}"
fi
sleep 2
poweroff
`;
}
