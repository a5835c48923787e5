import { readFile } from 'node:fs/promises'
import { hostname, uptime } from 'node:os'
import { errorCode } from './file-system.js'

/**
 * Which process holds a lock, precisely enough to tell a live holder from a dead one whose pid was reused: on
 * Linux the boot id and the process start time (from /proc) go with the pid; elsewhere only pid and host.
 */
export interface ProcessIdentity {
  readonly pid: number
  readonly host: string
  /** Linux: /proc/sys/kernel/random/boot_id. */
  readonly boot?: string
  /** Linux: the process start time in clock ticks since boot (/proc/<pid>/stat, field 22). */
  readonly start?: string
}

/** What is known of a recorded process now. `unknown`: no way to check (another host, no /proc). */
export type Liveness = 'alive' | 'dead' | 'unknown'

const HOST = hostname()
let own: Promise<ProcessIdentity> | undefined

/** The identity of this process (computed once). */
export function currentProcess(): Promise<ProcessIdentity> {
  own ??= (async () => {
    const [boot, start] = await Promise.all([bootId(), startTime(process.pid)])
    return {
      pid: process.pid,
      host: HOST,
      ...(boot === undefined ? {} : { boot }),
      ...(start === undefined ? {} : { start }),
    }
  })()
  return own
}

/** Whether the recorded process still runs: same host only; a reused pid (other boot or start time) is dead. */
export async function liveness(p: ProcessIdentity): Promise<Liveness> {
  if (p.host !== HOST) return 'unknown'
  if (p.boot !== undefined && p.start !== undefined) {
    const boot = await bootId()
    if (boot !== undefined) {
      if (boot !== p.boot) return 'dead'
      const start = await startTime(p.pid)
      return start === p.start ? 'alive' : 'dead'
    }
  }
  try {
    process.kill(p.pid, 0)
    return 'unknown' // a process with that pid runs, but it may be another one
  } catch (error) {
    return errorCode(error) === 'ESRCH' ? 'dead' : 'unknown'
  }
}

let boot: Promise<string | undefined> | undefined

function bootId(): Promise<string | undefined> {
  boot ??= readFile('/proc/sys/kernel/random/boot_id', 'utf8').then(
    (text) => text.trim() || undefined,
    () => undefined,
  )
  return boot
}

/** The start time of a process from /proc/<pid>/stat; undefined when there is no such process or no /proc. */
export async function startTime(pid: number): Promise<string | undefined> {
  let text: string
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields count from the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return fields[19]
}

let booted: number | undefined

/**
 * When this host booted (ms since the epoch, computed once from its uptime; a second early, for the uptime's
 * rounding). A file written before then was written by a process that no longer runs: after a power loss, every
 * lock or turn file left over is older than this.
 */
export function bootTimeMs(): number {
  booted ??= Date.now() - uptime() * 1000 - 1000
  return booted
}
