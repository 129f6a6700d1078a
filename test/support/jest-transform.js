// Jest transform: TypeScript to CommonJS with esbuild (type-checking is `tsc --noEmit`'s job,
// run once before jest by `npm test`).
const esbuild = require('esbuild');
const crypto = require('crypto');

module.exports = {
  process(source, filename) {
    const out = esbuild.transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: filename,
    });
    return { code: out.code };
  },
  getCacheKey(source, filename) {
    return crypto.createHash('sha1').update(source).update(filename).update(esbuild.version).digest('hex');
  },
};
