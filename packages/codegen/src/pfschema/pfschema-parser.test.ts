import { describe, expect, it } from 'vitest'
import { parsePfschemaFile } from './pfschema-parser.js'

describe('parsePfschemaFile: block declarations', () => {
  it('a block body starts after its "{" and ends at its "}"; one without "{" has none and the next declaration parses', () => {
    const text = 'entity User\nenum Role { ADMIN }\nconfig\nentity Post { id Int @id }\n'
    const { ast, diagnostics } = parsePfschemaFile(text, 'a.pfschema')
    expect(diagnostics.map((d) => [d.code, d.message, d.span.line])).toEqual([
      ['PF1004', 'expected "{", found identifier "enum"', 2],
      ['PF1004', 'expected "{", found identifier "entity"', 4],
    ])
    const blocks = ast.declarations.map((d) => ({
      kind: d.kind,
      body: text.slice(d.bodyStart, d.close?.offset ?? d.bodyStart),
      closed: d.close !== undefined,
      headerEnd: d.bodyStart,
    }))
    expect(blocks).toEqual([
      { kind: 'entity', body: '', closed: false, headerEnd: 'entity User'.length },
      { kind: 'enum', body: ' ADMIN ', closed: true, headerEnd: text.indexOf('{') + 1 },
      { kind: 'config', body: '', closed: false, headerEnd: text.indexOf('config') + 'config'.length },
      { kind: 'entity', body: ' id Int @id ', closed: true, headerEnd: text.lastIndexOf('{') + 1 },
    ])
    const [user, role, , post] = ast.declarations
    expect(user?.kind === 'entity' && user.members).toEqual([])
    expect(role?.kind === 'enum' && role.values.map((v) => v.name.text)).toEqual(['ADMIN'])
    expect(post?.kind === 'entity' && post.members.map((m) => m.kind)).toEqual(['field'])
  })
})
