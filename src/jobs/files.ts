// see: README.md (files and interrupts) — how results reach the disk: checked before any work, written whole or
// not at all (a temporary file in the same directory, fsync, rename over the target), never over an input, and
// sweep files held by one writer at a time (a lock file naming its holder). Node only.
//
// Written here rather than with write-file-atomic / proper-lockfile: the first takes a whole string or buffer
// (our large results are streamed in chunks: a JSON past V8's 512 MB string limit must still be written), the
// second cannot say who holds a lock (the message must name the holder's pid and host).
import { closeSync, constants, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { access, mkdir, open, readFile, realpath, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { hostname } from "node:os";

/** An error about a file the user named: the flag (or API option), the path and what is wrong. */
export class FileError extends Error {
  constructor(
    readonly option: string,
    readonly file: string,
    message: string,
  ) {
    super(`${option} ${file}: ${message}`);
    this.name = "FileError";
  }
}

/**
 * mkdir -p that cannot hang: Node's recursive mkdir loops forever under /proc (and similar filesystems), so
 * the missing components are created one by one below the deepest existing ancestor.
 */
export async function makeDirectory(dir: string, option: string, file = dir): Promise<void> {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    try {
      const s = await stat(at);
      if (!s.isDirectory()) throw new FileError(option, file, `${at} exists and is not a directory`);
      break;
    } catch (error) {
      if (error instanceof FileError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") throw new FileError(option, file, `cannot use ${at} (${code})`);
      missing.unshift(at);
      const parent = dirname(at);
      if (parent === at) break;
      at = parent;
    }
  }
  for (const d of missing) {
    try {
      await mkdir(d);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") throw new FileError(option, file, `cannot create the directory ${d} (${code})`);
    }
  }
}

/**
 * Checks, before any work, that `file` can be written: its directory exists or can be created, a file can be
 * created in it (the temporary file of the atomic write), and an existing `file` is a regular file we may
 * replace. Throws a FileError naming `option` otherwise.
 */
export async function checkWritable(file: string, option: string): Promise<void> {
  if (file === "" || file.endsWith("/")) throw new FileError(option, file, "is a directory name, not a file name");
  await makeDirectory(dirname(file), option, file);
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new FileError(option, file, "exists and is not a regular file");
    await access(file, constants.W_OK);
  } catch (error) {
    if (error instanceof FileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") throw new FileError(option, file, "exists and is not writable");
    if (code !== "ENOENT") throw new FileError(option, file, `cannot use it (${code})`);
  }
  const probe = temporaryName(file);
  try {
    const handle = await open(probe, "wx");
    await handle.close();
    await unlink(probe);
  } catch (error) {
    throw new FileError(option, file, `cannot create files in ${dirname(file) || "."} (${(error as NodeJS.ErrnoException).code})`);
  }
}

/** A fresh name next to `file` (same directory, so the final rename stays on one filesystem). */
function temporaryName(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
}

/**
 * Writes `content` (a string, bytes, or chunks of text) to a temporary file beside `file`, flushes it to disk
 * and renames it over `file`: a reader sees the old file or the whole new one, never a part, and a failure or
 * an interrupt leaves the old file as it was (the temporary file is removed).
 */
export async function writeAtomic(file: string, content: string | Uint8Array | Iterable<string>, option = "--out"): Promise<void> {
  await makeDirectory(dirname(file), option);
  const temp = temporaryName(file);
  const handle = await open(temp, "wx");
  temporaries.add(temp);
  try {
    if (typeof content === "string" || content instanceof Uint8Array) {
      await handle.writeFile(content);
    } else {
      // chunks gathered to ~4 MB per write
      let buffer: string[] = [];
      let size = 0;
      for (const chunk of content) {
        buffer.push(chunk);
        size += chunk.length;
        if (size > 1 << 22) {
          await handle.writeFile(buffer.join(""));
          buffer = [];
          size = 0;
        }
      }
      if (buffer.length > 0) await handle.writeFile(buffer.join(""));
    }
    await handle.sync();
    await handle.close();
    await rename(temp, file);
    temporaries.delete(temp);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    temporaries.delete(temp);
    throw new FileError(option, file, `could not be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); any previous file is unchanged`);
  }
}

/** Temporary files being written: removed if the process is interrupted (see removeTemporaries). */
const temporaries = new Set<string>();

/** Removes the temporary files of writes still in progress (called on SIGINT/SIGTERM before exiting). */
export function removeTemporaries(): void {
  for (const temp of temporaries) {
    try {
      // synchronous: we are about to exit
      unlinkSync(temp);
    } catch {
      // already gone
    }
  }
  temporaries.clear();
}

/** The same path? (both resolved through symbolic links; a file that does not exist yet is compared by name) */
export async function samePath(a: string, b: string): Promise<boolean> {
  const real = async (f: string) => realpath(f).catch(() => resolve(f));
  return (await real(a)) === (await real(b));
}

/** Refuses an output that would overwrite one of the inputs (e.g. --out equal to --init). */
export async function refuseOverwritingInputs(outputs: { option: string; file: string }[], inputs: { option: string; file: string }[]): Promise<void> {
  for (const out of outputs) {
    for (const input of inputs) {
      if (await samePath(out.file, input.file)) {
        throw new FileError(out.option, out.file, `is also the input ${input.option}: it would be overwritten (choose another output file)`);
      }
    }
  }
}

/** Who holds a lock: written into the lock file. */
interface Holder {
  pid: number;
  host: string;
  started: string;
}

/**
 * Takes the lock of `file` (a file `file.lock` created exclusively, holding pid, host and start time) and
 * returns its release. A lock left by a process that no longer exists on this host is taken over; a live one
 * is refused with its holder's pid and host. Released on normal exit and on SIGINT/SIGTERM.
 */
export function lockFile(file: string, option: string): () => void {
  const lock = `${file}.lock`;
  const me: Holder = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, "wx");
      writeSync(fd, `${JSON.stringify(me)}\n`);
      closeSync(fd);
      const release = () => {
        locks.delete(lock);
        try {
          unlinkSync(lock);
        } catch {
          // already gone
        }
      };
      locks.set(lock, release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw new FileError(option, file, `cannot create its lock ${lock} (${(error as NodeJS.ErrnoException).code})`);
      let holder: Holder | undefined;
      try {
        holder = JSON.parse(readFileSync(lock, "utf8")) as Holder;
      } catch {
        holder = undefined;
      }
      if (holder && holder.host === me.host && !alive(holder.pid)) {
        // stale: its process is gone
        unlinkSync(lock);
        continue;
      }
      const who = holder ? `process ${holder.pid} on ${holder.host} (since ${holder.started})` : "another process";
      throw new FileError(option, file, `is being written by ${who}: its lock ${lock} exists. Wait for it to finish, or delete the lock if that process is gone.`);
    }
  }
  throw new FileError(option, file, `could not take its lock ${lock}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Locks held by this process, released at exit. */
const locks = new Map<string, () => void>();
process.on("exit", releaseLocks);

/** Releases every lock this process holds (at exit, and on SIGINT/SIGTERM before exiting). */
export function releaseLocks(): void {
  for (const release of [...locks.values()]) release();
}

/** Reads a file as text, or undefined when it does not exist. */
export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
