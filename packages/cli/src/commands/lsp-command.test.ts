import { readFile, rm } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../main.js'
import { captureIo } from '../testing/capture-io.js'
import { LspClient } from '../testing/lsp-client.js'
import { exited, spawnPf } from '../testing/spawn-pf.js'
import { type TempProject, tempProject } from '../testing/temp-project.js'

// Drives `pf lsp` as an editor does: a child process speaking JSON-RPC with Content-Length framing on stdio.

const USERS = `config {
  storage = "./data"
}

enum Role { ADMIN MEMBER }

/// Someone with an account.
entity User @storage("users") {
  id        Int      @id
  email     String   @unique
  role      Role     @default(MEMBER)
  createdAt DateTime @default(now())
  posts     Post[]   @relation(foreignKey: authorId)
}
`
// Not formatted (columns not aligned), and one error: an unknown type, only known across files.
const POSTS = `entity Post @storage("posts") {
  id BigInt @id
  authorId Int
  author Usr @relation(foreignKey: authorId)
  title String @index
}
`
const LOOSE = `entity Note {
  id Int @id @id
  body Strin
}
`

interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } }
  severity: number
  code: string
  source: string
  message: string
}
interface Published {
  uri: string
  version?: number
  diagnostics: LspDiagnostic[]
}
interface Position {
  line: number
  character: number
}
interface Location {
  uri: string
  range: { start: Position; end: Position }
}
interface TextEdit {
  range: { start: Position; end: Position }
  newText: string
}

/** `pf` run in-process (the same commands the binary runs), for what the server is compared with. */
async function runPf(
  args: readonly string[],
  options: { cwd: string },
): Promise<{ code: number; stderr: string }> {
  const io = captureIo(options.cwd)
  const code = await main(args, io)
  return { code, stderr: io.err() }
}

/** The diagnostics `pf validate` prints, in the LSP's terms: 0-based line/column, caret length, message + hint. */
function parseValidateOutput(stderr: string): { file: string; diagnostic: LspDiagnostic }[] {
  const out: { file: string; diagnostic: LspDiagnostic }[] = []
  const lines = stderr.split('\n')
  lines.forEach((line, i) => {
    const m = line.match(/^(.+?):(\d+):(\d+): (error|warning) (PF\d{4}): (.*)$/)
    if (!m) return
    const [, file = '', row = '', col = '', severity, code = '', message = ''] = m
    const caret = lines[i + 2]?.match(/\^+/)?.[0].length ?? 0
    const hint = lines[i + 3]?.startsWith('hint: ') ? lines[i + 3] : undefined
    const start = { line: Number(row) - 1, character: Number(col) - 1 }
    out.push({
      file,
      diagnostic: {
        range: { start, end: { line: start.line, character: start.character + caret } },
        severity: severity === 'error' ? 1 : 2,
        code,
        source: 'pf',
        message: hint ? `${message}\n${hint}` : message,
      },
    })
  })
  return out
}

/** The 0-based position of the `index`-th character of the first `needle` after `after` in `text`. */
function positionOf(text: string, needle: string, index = 0, after = ''): Position {
  const offset = text.indexOf(needle, after === '' ? 0 : text.indexOf(after)) + index
  const before = text.slice(0, offset).split('\n')
  return { line: before.length - 1, character: before[before.length - 1]?.length ?? 0 }
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n')
  const offset = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text)
}

describe('pf lsp', () => {
  let project: TempProject
  let client: LspClient
  let child: ReturnType<typeof spawnPf>
  let stderr = ''
  const uri = (relative: string) => pathToFileURL(project.path(relative)).href
  const open = (relative: string, text: string) =>
    client.notify('textDocument/didOpen', {
      textDocument: { uri: uri(relative), languageId: 'pfschema', version: 1, text },
    })
  const diagnosticsOf = (relative: string, accept: (p: Published) => boolean = () => true) =>
    client.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri(relative) && accept(p))

  beforeAll(async () => {
    project = await tempProject({
      'schema/users.pfschema': USERS,
      'schema/posts.pfschema': POSTS,
      'notes/loose.pfschema': LOOSE,
    })
    child = spawnPf(['lsp', '--stdio'], { cwd: project.dir })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    client = new LspClient(child)
    const init = await client.request<{
      capabilities: Record<string, unknown>
      serverInfo: { name: string }
    }>('initialize', {
      processId: null,
      rootUri: pathToFileURL(project.dir).href,
      capabilities: {},
      workspaceFolders: null,
    })
    expect(init.serverInfo.name).toBe('pf lsp')
    expect(init.capabilities).toMatchObject({
      documentFormattingProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      hoverProvider: true,
      completionProvider: { triggerCharacters: expect.arrayContaining(['@']) },
    })
    client.notify('initialized', {})
  })

  afterAll(async () => {
    if (child.exitCode === null) child.kill()
    await project.dispose()
  })

  it('publishes what pf validate reports, for every file of the schema folder, on open', async () => {
    open('schema/users.pfschema', USERS)
    const posts = await diagnosticsOf('schema/posts.pfschema')
    const users = await diagnosticsOf('schema/users.pfschema')
    const validate = await runPf(['validate'], { cwd: project.dir })
    expect(validate.code).toBe(1)
    const expected = parseValidateOutput(validate.stderr)
    expect(expected.map((e) => e.diagnostic.code)).toEqual(['PF2005'])
    expect(posts.diagnostics).toEqual(
      expected.filter((e) => e.file === 'schema/posts.pfschema').map((e) => e.diagnostic),
    )
    expect(users.diagnostics).toEqual([])
  })

  it('checks a file outside the schema folder alone, as pf validate --schema does', async () => {
    open('notes/loose.pfschema', LOOSE)
    const loose = await diagnosticsOf('notes/loose.pfschema')
    const validate = await runPf(['validate', '--schema', 'notes/loose.pfschema'], { cwd: project.dir })
    const expected = parseValidateOutput(validate.stderr).map((e) => e.diagnostic)
    expect(expected.map((d) => d.code).sort()).toEqual(['PF1103', 'PF2005'])
    expect(loose.diagnostics).toEqual(expected)
  })

  it('checks again after edits, across files (a rename in one file breaks the other)', async () => {
    open('schema/posts.pfschema', POSTS)
    const fixed = POSTS.replace('author Usr', 'author User')
    client.notify('textDocument/didChange', {
      textDocument: { uri: uri('schema/posts.pfschema'), version: 2 },
      contentChanges: [{ text: fixed }],
    })
    expect((await diagnosticsOf('schema/posts.pfschema', (p) => p.version === 2)).diagnostics).toEqual([])

    // An incremental edit: rename the entity User to Person in users.pfschema.
    const at = positionOf(USERS, 'User @storage')
    client.notify('textDocument/didChange', {
      textDocument: { uri: uri('schema/users.pfschema'), version: 2 },
      contentChanges: [{ range: { start: at, end: { ...at, character: at.character + 4 } }, text: 'Person' }],
    })
    const broken = await diagnosticsOf('schema/posts.pfschema', (p) => p.diagnostics.length > 0)
    expect(broken.diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([['PF2005', 3]])
    expect(broken.diagnostics[0]?.message).toContain('"User"')

    client.notify('textDocument/didChange', {
      textDocument: { uri: uri('schema/users.pfschema'), version: 3 },
      contentChanges: [{ text: USERS }],
    })
    await diagnosticsOf('schema/users.pfschema', (p) => p.version === 3)
    const clean = await diagnosticsOf(
      'schema/posts.pfschema',
      (p) => p.version === 2 && p.diagnostics.length === 0,
    )
    expect(clean.diagnostics).toEqual([])
  })

  it('clears the diagnostics of a file checked alone when it is closed', async () => {
    const before = client.notifications.length
    client.notify('textDocument/didClose', { textDocument: { uri: uri('notes/loose.pfschema') } })
    const cleared = await client.waitFor<Published>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === uri('notes/loose.pfschema') && client.notifications.length > before,
    )
    expect(cleared.diagnostics).toEqual([])
  })

  it('checks the folder again when a closed file changes on disk (workspace/didChangeWatchedFiles)', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises')
    await mkdir(project.path('schema/more'), { recursive: true })
    await writeFile(project.path('schema/more/tags.pfschema'), 'entity Tag {\n  id Int @id\n  post Pst\n}\n')
    client.notify('workspace/didChangeWatchedFiles', {
      changes: [{ uri: uri('schema/more/tags.pfschema'), type: 1 }],
    })
    const tags = await diagnosticsOf('schema/more/tags.pfschema')
    expect(tags.diagnostics.map((d) => [d.code, d.range.start])).toEqual([
      ['PF2005', { line: 2, character: 7 }],
    ])
    await rm(project.path('schema/more'), { recursive: true })
    client.notify('workspace/didChangeWatchedFiles', {
      changes: [{ uri: uri('schema/more/tags.pfschema'), type: 3 }],
    })
    // A file that left the folder has its diagnostics cleared.
    const gone = await diagnosticsOf('schema/more/tags.pfschema', (p) => p.diagnostics.length === 0)
    expect(gone.diagnostics).toEqual([])
  })

  it('completes types, attributes with their docs, field names and config keys', async () => {
    const fixed = POSTS.replace('author Usr', 'author User')
    const labels = async (relative: string, position: Position) =>
      (
        await client.request<{ label: string; documentation?: { value: string } }[]>(
          'textDocument/completion',
          {
            textDocument: { uri: uri(relative) },
            position,
          },
        )
      ).map((i) => i.label)

    // The type of `author` (cursor right after the space): scalars, entities and enums of both files.
    const types = await labels('schema/posts.pfschema', positionOf(fixed, 'User @relation'))
    expect(types).toEqual(expect.arrayContaining(['Int', 'String', 'DateTime', 'User', 'Post', 'Role']))

    const attributes = await client.request<{ label: string; documentation?: { value: string } }[]>(
      'textDocument/completion',
      {
        textDocument: { uri: uri('schema/posts.pfschema') },
        position: positionOf(fixed, 'index', 0, 'title'),
      },
    )
    expect(attributes.map((i) => i.label)).toEqual([
      '@id',
      '@unique',
      '@index',
      '@default',
      '@map',
      '@relation',
    ])
    expect(attributes.find((i) => i.label === '@default')?.documentation?.value).toContain('autoincrement()')

    // foreignKey of a single relation names a field of this entity (Post).
    expect(await labels('schema/posts.pfschema', positionOf(fixed, 'authorId)', 0))).toEqual([
      'id',
      'authorId',
      'author',
      'title',
    ])
    // @default of an enum field offers its values.
    expect(await labels('schema/users.pfschema', positionOf(USERS, 'MEMBER)'))).toEqual(['ADMIN', 'MEMBER'])
    // In the config block, the keys not given yet.
    expect(await labels('schema/users.pfschema', { line: 2, character: 0 })).toEqual(['format', 'output'])
  })

  it('formats as pf format does, and refuses a file with syntax errors', async () => {
    const edits = await client.request<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri: uri('schema/posts.pfschema') },
      options: { tabSize: 2, insertSpaces: true },
    })
    const formatted = applyEdits(POSTS.replace('author Usr', 'author User'), edits)
    expect(formatted).not.toBe(POSTS.replace('author Usr', 'author User'))

    // pf format on the same text on disk gives the same file.
    const { writeFile } = await import('node:fs/promises')
    await writeFile(project.path('schema/posts.pfschema'), POSTS.replace('author Usr', 'author User'))
    const format = await runPf(['format'], { cwd: project.dir })
    expect(format.code).toBe(0)
    expect(formatted).toBe(await readFile(project.path('schema/posts.pfschema'), 'utf8'))

    open('notes/broken.pfschema', 'entity Broken {\n  id Int @id(\n')
    const refused = await client.request<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri: uri('notes/broken.pfschema') },
      options: { tabSize: 2, insertSpaces: true },
    })
    expect(refused).toEqual([])
  })

  it('goes to the definition of entity names and relation keys, in other files too', async () => {
    const fixed = POSTS.replace('author Usr', 'author User')
    const definition = await client.request<Location>('textDocument/definition', {
      textDocument: { uri: uri('schema/posts.pfschema') },
      position: positionOf(fixed, 'User @relation', 2),
    })
    expect(definition).toEqual({
      uri: uri('schema/users.pfschema'),
      range: { start: positionOf(USERS, 'User @storage'), end: positionOf(USERS, 'User @storage', 4) },
    })
    // posts Post[] @relation(foreignKey: authorId): the key is Post.authorId, in the other file.
    const key = await client.request<Location>('textDocument/definition', {
      textDocument: { uri: uri('schema/users.pfschema') },
      position: positionOf(USERS, 'authorId', 3),
    })
    expect(key).toEqual({
      uri: uri('schema/posts.pfschema'),
      range: { start: positionOf(fixed, 'authorId'), end: positionOf(fixed, 'authorId', 8) },
    })
  })

  it('finds the references of an entity and of a foreign-key field', async () => {
    const fixed = POSTS.replace('author Usr', 'author User')
    const refs = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: uri('schema/users.pfschema') },
      position: positionOf(USERS, 'User @storage', 1),
      context: { includeDeclaration: true },
    })
    // The declaration first, then the uses.
    expect(refs.map((r) => [r.uri, r.range.start])).toEqual([
      [uri('schema/users.pfschema'), positionOf(USERS, 'User @storage')],
      [uri('schema/posts.pfschema'), positionOf(fixed, 'User @relation')],
    ])
    const keyRefs = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: uri('schema/posts.pfschema') },
      position: positionOf(fixed, 'authorId'),
      context: { includeDeclaration: false },
    })
    // In path order of the files: posts.pfschema, then users.pfschema.
    expect(keyRefs.map((r) => [r.uri, r.range.start])).toEqual([
      [uri('schema/posts.pfschema'), positionOf(fixed, 'authorId)')],
      [uri('schema/users.pfschema'), positionOf(USERS, 'authorId')],
    ])
  })

  it("hovers with a field's storage types and an attribute's documentation", async () => {
    const hover = (relative: string, position: Position) =>
      client.request<{ contents: { kind: string; value: string } } | null>('textDocument/hover', {
        textDocument: { uri: uri(relative) },
        position,
      })
    const createdAt = await hover('schema/users.pfschema', positionOf(USERS, 'createdAt', 2))
    expect(createdAt?.contents.value).toContain('(field) User.createdAt: DateTime')
    expect(createdAt?.contents.value).toContain('Parquet timestamp, microseconds, UTC')
    expect(createdAt?.contents.value).toContain('{"type":"long","logicalType":"timestamp-micros"}')
    const role = await hover('schema/users.pfschema', positionOf(USERS, 'role ', 1))
    expect(role?.contents.value).toContain('"symbols":["ADMIN","MEMBER"]')
    const unique = await hover('schema/users.pfschema', positionOf(USERS, 'unique', 2))
    expect(unique?.contents.value).toContain('Values are unique')
    const user = await hover('schema/users.pfschema', positionOf(USERS, 'User @storage'))
    expect(user?.contents.value).toContain('Someone with an account.')
  })

  it('shuts down and exits with code 0', async () => {
    await client.request('shutdown', null)
    client.notify('exit', null)
    expect(await exited(child)).toBe(0)
    expect(stderr).toBe('')
  })
})
