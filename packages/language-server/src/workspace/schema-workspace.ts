import type { Dirent } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { type Diagnostic, PFSCHEMA_EXTENSION, readSchemaFile } from '@parquetframe/codegen'
import { displayPath } from './display-path.js'

/** The project's schema as `pf` locates it: one `.pfschema` file, or a folder of them read as one schema. */
export interface SchemaLocation {
  /** Absolute path. */
  readonly path: string
  readonly kind: 'file' | 'dir'
}

/** One file of a schema group: its text (the editor's when open, else the disk's) and how messages name it. */
export interface SchemaFileText {
  readonly uri: string
  /** Absolute path; for a document that is not a file (`untitled:`), its URI. */
  readonly path: string
  /** The name `pf validate` uses: relative to the working directory when inside it. */
  readonly name: string
  readonly text: string
  /** The editor's version when the document is open. */
  readonly version: number | undefined
}

/** The files checked together with a document: the whole schema folder, or the document alone. */
export interface SchemaGroup {
  /** Identifies the group: the schema folder, or the file's URI for a file checked alone. */
  readonly key: string
  readonly files: readonly SchemaFileText[]
  /** Files of the folder that cannot be read (PF0001-PF0005); when any, `pf validate` reports only these. */
  readonly unreadable: readonly { readonly file: SchemaFileText; readonly diagnostic: Diagnostic }[]
}

/** An open document's text, as the server's document store holds it. */
export interface OpenDocument {
  readonly uri: string
  readonly text: string
  readonly version: number
}

/**
 * Decides which files are checked together, the way `pf validate` run in `cwd` would: a document inside the
 * schema folder is checked with every `.pfschema` file of that folder (recursively, skipping dot folders and
 * node_modules, in path order); any other document is checked alone. Open documents are read from the editor.
 */
export class SchemaWorkspace {
  constructor(
    private readonly cwd: string,
    private readonly schema: SchemaLocation | undefined,
    private readonly openDocuments: () => readonly OpenDocument[],
  ) {}

  /** The group key of a document, without reading anything. */
  keyOf(uri: string): string {
    const path = pathOf(uri)
    const folder = this.folderOf(path)
    return folder ?? uri
  }

  /** Loads the group a document belongs to. */
  async groupOf(uri: string): Promise<SchemaGroup> {
    const path = pathOf(uri)
    const folder = this.folderOf(path)
    const open = new Map(this.openDocuments().map((d) => [pathOf(d.uri), d]))
    if (folder === undefined) {
      const doc = open.get(path)
      const file = doc
        ? this.fileText(path, doc.uri, doc.text, doc.version)
        : await this.readFromDisk(path, uri)
      return 'diagnostic' in file
        ? { key: uri, files: [], unreadable: [file] }
        : { key: uri, files: [file], unreadable: [] }
    }
    const paths = new Set(await listSchemaFiles(folder))
    // A document open in the editor but not saved yet still belongs to the folder.
    for (const openPath of open.keys()) if (isInside(openPath, folder)) paths.add(openPath)
    const files: SchemaFileText[] = []
    const unreadable: { file: SchemaFileText; diagnostic: Diagnostic }[] = []
    // Sorted as `pf` sorts them: the merge order decides which of two duplicates is reported.
    for (const p of [...paths].sort()) {
      const doc = open.get(p)
      const file = doc ? this.fileText(p, doc.uri, doc.text, doc.version) : await this.readFromDisk(p)
      if ('diagnostic' in file) unreadable.push(file)
      else files.push(file)
    }
    return { key: folder, files, unreadable }
  }

  /** The schema folder holding `path`, if the project's schema is a folder and the path is inside it. */
  private folderOf(path: string): string | undefined {
    if (this.schema?.kind !== 'dir') return undefined
    return isInside(path, this.schema.path) ? this.schema.path : undefined
  }

  private fileText(path: string, uri: string, text: string, version: number | undefined): SchemaFileText {
    return { uri, path, name: this.nameOf(path), text, version }
  }

  private async readFromDisk(
    path: string,
    uri = pathToFileURL(path).href,
  ): Promise<SchemaFileText | { file: SchemaFileText; diagnostic: Diagnostic }> {
    const name = this.nameOf(path)
    const read = await readSchemaFile(path, name)
    if (read.ok) return this.fileText(path, uri, read.text, undefined)
    return { file: this.fileText(path, uri, read.shown, undefined), diagnostic: read.diagnostic }
  }

  /** How `pf` names a document's file in messages. */
  displayName(uri: string): string {
    return this.nameOf(pathOf(uri))
  }

  private nameOf(path: string): string {
    // A document that is not a file (`untitled:1`) is named by its URI.
    return isAbsolute(path) ? displayPath(path, this.cwd) : path
  }
}

/** The file path of a `file:` URI; other URIs (`untitled:1`) stand for themselves. */
export function pathOf(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path)
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && resolve(folder, rel) === path
}

/** Every `.pfschema` file under a folder, as `pf` lists them (dot folders and node_modules skipped). */
async function listSchemaFiles(folder: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[]
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      return // the folder went away while the editor is open: its open documents are still checked
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
      const full = join(dir, entry.name)
      if (entry.isDirectory()) await walk(full)
      else if (entry.name.endsWith(PFSCHEMA_EXTENSION)) out.push(full)
    }
  }
  await walk(folder)
  return out
}
