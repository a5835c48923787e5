import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** One commit file of a table's Delta log, as plain JSON lines grouped by action kind (what any reader sees). */
export interface CommitFile {
  readonly path: string
  readonly lines: Record<string, Record<string, unknown>>[]
  readonly commitInfo?: Record<string, unknown>
  readonly protocol?: Record<string, unknown>
  readonly metaData?: Record<string, unknown>
  readonly add: Record<string, unknown>[]
  readonly remove: Record<string, unknown>[]
}

/** Path of a version's commit file. */
export function commitPath(table: string, version: number): string {
  return join(table, '_delta_log', `${String(version).padStart(20, '0')}.json`)
}

/** Reads a version's commit file with JSON.parse alone (no pf code). */
export async function readCommitFile(table: string, version: number): Promise<CommitFile> {
  const path = commitPath(table, version)
  const lines = (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>)
  const all = (kind: string) => lines.filter((l) => kind in l).map((l) => l[kind] as Record<string, unknown>)
  const out: { -readonly [K in keyof CommitFile]: CommitFile[K] } = {
    path,
    lines,
    add: all('add'),
    remove: all('remove'),
  }
  for (const kind of ['commitInfo', 'protocol', 'metaData'] as const) {
    const [first] = all(kind)
    if (first) out[kind] = first
  }
  return out
}

/**
 * Writes version `version` as another writer would: `commitInfo` and a protocol raised to reader/writer 3/7 listing
 * `features` besides the ones version 0 lists.
 */
export async function commitRaisedProtocol(
  table: string,
  version: number,
  features: readonly string[],
  commitInfo: Record<string, unknown>,
): Promise<void> {
  const { protocol } = (await readCommitFile(table, 0)) as {
    protocol?: { readerFeatures?: string[]; writerFeatures?: string[] }
  }
  const raised = {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: [...(protocol?.readerFeatures ?? []), ...features],
    writerFeatures: [...(protocol?.writerFeatures ?? ['invariants', 'checkConstraints']), ...features],
  }
  await writeFile(
    commitPath(table, version),
    `${JSON.stringify({ commitInfo })}\n${JSON.stringify({ protocol: raised })}\n`,
  )
}
