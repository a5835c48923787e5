export * from './pf-error.js'
