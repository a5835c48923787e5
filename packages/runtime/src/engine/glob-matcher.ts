/** True when a path contains glob syntax (`*`, `?`, `[…]`, `{…}`). */
export function isGlob(path: string): boolean {
  return /[*?[{]/.test(path)
}

/** Splits a glob into its static directory prefix and the pattern below it (`/`-separated). */
export function splitGlob(pattern: string): { base: string; rest: string } {
  const normalized = pattern.replaceAll('\\', '/')
  const segments = normalized.split('/')
  const firstGlob = segments.findIndex((s) => isGlob(s))
  const baseSegments = segments.slice(0, firstGlob)
  const base = baseSegments.length === 0 ? '.' : baseSegments.join('/') || '/'
  return { base, rest: segments.slice(firstGlob).join('/') }
}

/**
 * Compiles a glob (relative, `/`-separated) to a RegExp: `*` and `?` stay within a segment,
 * `**` spans segments, `[abc]` and `{a,b}` work as in a shell.
 */
export function globToRegExp(glob: string): RegExp {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/'
        out += slash ? '(?:.*/)?' : '.*'
        i += slash ? 2 : 1
      } else out += '[^/]*'
    } else if (c === '?') out += '[^/]'
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1)
      if (end < 0) out += '\\['
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replaceAll('\\', '\\\\')
        out += `[${body}]`
        i = end
      }
    } else if (c === '{') {
      const end = glob.indexOf('}', i + 1)
      if (end < 0) out += '\\{'
      else {
        out += `(?:${glob
          .slice(i + 1, end)
          .split(',')
          .map((alt) => alt.replace(/[.+^$()|\\]/g, '\\$&'))
          .join('|')})`
        i = end
      }
    } else out += c.replace(/[.+^$()|\\\]}]/g, '\\$&')
  }
  return new RegExp(`^${out}$`)
}
