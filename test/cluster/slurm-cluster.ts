// A single-node Slurm cluster for the tests (issue 14): munged with its own key and socket, then slurmctld and
// slurmd from a generated slurm.conf — this host, 2 CPUs, ProctrackType=proctrack/linuxproc, TaskPlugin=task/none,
// state, spool, logs and pid files in a temporary folder, ports of its own. Needs Debian's slurm-wlm and munge
// (.ci/run installs them) and root (slurmd starts the jobs). Clients reach it through SLURM_CONF in `env`.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { hostname, tmpdir, userInfo } from "node:os";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The daemons this needs, where Debian puts them. */
export const SLURM_BINARIES = ["/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/bin/scontrol"];
export const haveSlurm = SLURM_BINARIES.every((b) => existsSync(b));

export interface Cluster {
  dir: string;
  /** The environment of a client (sbatch, scontrol, the CLI's --submit): SLURM_CONF points at this cluster. */
  env: Record<string, string>;
  /** Runs a Slurm client command against this cluster; its stdout. */
  slurm(command: string, args: string[]): Promise<string>;
  /** Every record of a job (one per array task), as key → value. */
  jobs(id: string): Promise<Record<string, string>[]>;
  /** Waits until `done` holds for the job's records (polled every 200 ms). */
  waitFor(id: string, done: (records: Record<string, string>[]) => boolean, what: string, timeoutMs?: number): Promise<Record<string, string>[]>;
  stop(): Promise<void>;
}

/** Starts the cluster and waits until its node is idle. */
export async function startCluster(): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), "sgd-phase-slurm-cluster-"));
  for (const d of ["state", "spool"]) mkdirSync(join(dir, d));
  const key = join(dir, "munge.key");
  writeFileSync(key, randomBytes(1024));
  chmodSync(key, 0o400);
  const socket = join(dir, "munge.sock");
  await run("/usr/sbin/munged", [`--key-file=${key}`, `--socket=${socket}`, `--pid-file=${join(dir, "munged.pid")}`, `--log-file=${join(dir, "munged.log")}`, `--seed-file=${join(dir, "munged.seed")}`, "--force"]);
  const host = hostname().split(".")[0];
  const port = 20000 + Math.floor(Math.random() * 20000);
  const conf = join(dir, "slurm.conf");
  writeFileSync(
    conf,
    [
      "ClusterName=sgdphasetest",
      `SlurmctldHost=${host}`,
      "AuthType=auth/munge",
      // a requeued job waits cred_expire + 1 s before it starts again (its old credential must expire first):
      // 10 s here instead of Slurm's 120
      `AuthInfo=socket=${socket},cred_expire=10`,
      "CredType=cred/munge",
      `SlurmUser=${userInfo().username}`,
      "SlurmdUser=root",
      `SlurmctldPort=${port}`,
      `SlurmdPort=${port + 1}`,
      `StateSaveLocation=${join(dir, "state")}`,
      `SlurmdSpoolDir=${join(dir, "spool")}`,
      `SlurmctldPidFile=${join(dir, "slurmctld.pid")}`,
      `SlurmdPidFile=${join(dir, "slurmd.pid")}`,
      `SlurmctldLogFile=${join(dir, "slurmctld.log")}`,
      `SlurmdLogFile=${join(dir, "slurmd.log")}`,
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "MpiDefault=none",
      "ReturnToService=2",
      "SchedulerType=sched/backfill",
      "SelectType=select/cons_tres",
      "SelectTypeParameters=CR_CPU",
      "JobCompType=jobcomp/none",
      "AccountingStorageType=accounting_storage/none",
      `NodeName=${host} CPUs=2 State=UNKNOWN`,
      "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
      "",
    ].join("\n"),
  );
  const env = { SLURM_CONF: conf };
  const clientEnv = { ...process.env, ...env };
  await run("/usr/sbin/slurmctld", ["-f", conf, "-i"], { env: clientEnv });
  await run("/usr/sbin/slurmd", ["-f", conf], { env: clientEnv });
  const slurm = async (command: string, args: string[]) => (await run(command, args, { env: clientEnv })).stdout;
  const jobs = async (id: string) => {
    const text = await slurm("scontrol", ["show", "job", "-o", id]);
    return text
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((line) => Object.fromEntries(line.split(/ (?=[A-Za-z:]+=)/).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)])));
  };
  const waitFor = async (id: string, done: (records: Record<string, string>[]) => boolean, what: string, timeoutMs = 120_000) => {
    const start = Date.now();
    for (;;) {
      const records = await jobs(id);
      if (done(records)) return records;
      if (Date.now() - start > timeoutMs) throw new Error(`job ${id}: ${what} not reached in ${timeoutMs / 1000} s: ${records.map((r) => `${r.JobId}_${r.ArrayTaskId ?? ""} ${r.JobState}`).join(", ")}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const stop = async () => {
    for (const name of ["slurmd", "slurmctld", "munged"]) {
      const file = join(dir, `${name}.pid`);
      if (!existsSync(file)) continue;
      try {
        process.kill(Number(readFileSync(file, "utf8").trim()), "SIGTERM");
      } catch {
        /* already gone */
      }
    }
  };
  // the node registers within a second or two
  const start = Date.now();
  for (;;) {
    const state = await slurm("sinfo", ["-h", "-o", "%t"]).catch(() => "");
    if (/idle/.test(state)) break;
    if (Date.now() - start > 30_000) {
      await stop();
      throw new Error(`the test cluster's node is not idle after 30 s (sinfo: ${state.trim() || "no answer"}); logs in ${dir}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { dir, env, slurm, jobs, waitFor, stop };
}
