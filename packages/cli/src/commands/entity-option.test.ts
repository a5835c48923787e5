import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runMain } from '../testing/run-main.js'
import { type TempProject, tempProject } from '../testing/temp-project.js'

let project: TempProject
beforeEach(async () => {
  project = await tempProject()
})
afterEach(async () => {
  await project.dispose()
})

function pf(...argv: string[]) {
  return runMain(project.dir, argv)
}

/** The Options row of `--entity` in a command's `--help`, white space folded (the column width is per command). */
async function entityHelpLine(...command: string[]): Promise<string | undefined> {
  const help = await pf(...command, '--help')
  expect(help.code).toBe(0)
  return help.out
    .split('\n')
    .find((line) => /^\s+-e, --entity /.test(line))
    ?.replace(/\s+/g, ' ')
}

describe('--entity', () => {
  it('has one help line in every command that takes it', async () => {
    const adopt = await entityHelpLine('adopt')
    expect(adopt).toMatch(/^ -e, --entity NAME Entity by its schema name/)
    for (const command of [
      ['migrate', 'format'],
      ['migrate', 'plan'],
      ['migrate', 'apply'],
      ['migrate', 'status'],
    ]) {
      expect(await entityHelpLine(...command)).toBe(adopt)
    }
  })

  it('refuses a value that names no entity, in every command that takes it', async () => {
    for (const command of [['adopt'], ['migrate', 'format', '--to', 'avro'], ['migrate', 'plan']]) {
      const refused = await pf(...command, '--entity', ' , ')
      expect(refused.code).toBe(1)
      expect(refused.err).toContain('error: Option --entity names no entity: " , "')
    }
  })
})
