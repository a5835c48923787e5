import type { Connection } from 'vscode-languageserver/node'
import type { SchemaWorkspace } from '../workspace/schema-workspace.js'
import { schemaDiagnostics } from './schema-diagnostics.js'

/** Checks groups of files after edits (debounced per group) and publishes what `pf validate` would report. */
export class DiagnosticsScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>()
  /** Per group: the files it last published for (to clear files that left it) and a run counter. */
  private readonly published = new Map<string, { uris: Set<string>; run: number; uri: string }>()

  constructor(
    private readonly connection: Connection,
    private readonly workspace: SchemaWorkspace,
    private readonly debounceMs: number,
  ) {}

  schedule(uri: string, delay = this.debounceMs): void {
    const key = this.workspace.keyOf(uri)
    clearTimeout(this.timers.get(key))
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key)
        void this.check(key, uri)
      }, delay),
    )
  }

  /** A closed document: one checked alone has its diagnostics cleared; a folder's file is read from disk again. */
  closed(uri: string): void {
    const key = this.workspace.keyOf(uri)
    if (key !== uri) {
      this.schedule(uri, 0)
      return
    }
    clearTimeout(this.timers.get(key))
    this.timers.delete(key)
    const entry = this.published.get(key)
    this.published.delete(key)
    for (const published of entry?.uris ?? [uri])
      void this.connection.sendDiagnostics({ uri: published, diagnostics: [] })
  }

  /** Files changed on disk: every group checked so far is checked again. */
  recheckAll(): void {
    for (const entry of this.published.values()) this.schedule(entry.uri, 0)
  }

  private async check(key: string, uri: string): Promise<void> {
    const entry = this.published.get(key) ?? { uris: new Set<string>(), run: 0, uri }
    const run = entry.run + 1
    this.published.set(key, { ...entry, run, uri })
    const results = schemaDiagnostics(await this.workspace.groupOf(uri))
    const current = this.published.get(key)
    if (current === undefined || current.run !== run) return // closed, or a newer check started meanwhile
    const uris = new Set(results.map((r) => r.uri))
    for (const stale of current.uris) {
      if (!uris.has(stale)) await this.connection.sendDiagnostics({ uri: stale, diagnostics: [] })
    }
    this.published.set(key, { uris, run, uri })
    for (const result of results) {
      await this.connection.sendDiagnostics({
        uri: result.uri,
        ...(result.version === undefined ? {} : { version: result.version }),
        diagnostics: [...result.diagnostics],
      })
    }
  }
}
