import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLASS_FILE_EXTENSIONS, classWatchRoots } from './class-watch-roots.js'

describe('classWatchRoots', () => {
  const cwd = join('/proj', 'app')

  it('watches a file as itself and a glob through the folder before its first wildcard', () => {
    expect(classWatchRoots(['src/user.ts', 'src/models/*.ts', 'lib/**/entities/*.ts'], cwd)).toEqual([
      { path: join(cwd, 'lib'), kind: 'dir', extensions: CLASS_FILE_EXTENSIONS },
      { path: join(cwd, 'src', 'models'), kind: 'dir', extensions: CLASS_FILE_EXTENSIONS },
      { path: join(cwd, 'src', 'user.ts'), kind: 'file', extensions: [] },
    ])
  })

  it('watches the working directory for a glob that starts with a wildcard, and merges repeats', () => {
    expect(classWatchRoots(['*.ts', '{a,b}/*.ts', './*.model.ts'], cwd)).toEqual([
      { path: cwd, kind: 'dir', extensions: CLASS_FILE_EXTENSIONS },
    ])
  })

  it('keeps absolute globs absolute', () => {
    expect(classWatchRoots(['/data/models/*.ts'], cwd)).toEqual([
      { path: join('/data', 'models'), kind: 'dir', extensions: CLASS_FILE_EXTENSIONS },
    ])
  })
})
