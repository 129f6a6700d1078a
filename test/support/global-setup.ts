import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from '../../lib';
import { EXAMPLES } from '../examples-list';

/**
 * Synthesizes every example once for the whole run (many test files read
 * them): `exampleOutput(name)` in test/helpers.ts reads the output instead of
 * synthesizing again.
 */
export default function globalSetup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-examples-'));
  for (const [name, build] of Object.entries(EXAMPLES)) {
    const app = new App({ outdir: path.join(dir, name, 'cdktf.out') });
    build(app);
    app.synth();
  }
  process.env.SWITCHYARD_EXAMPLES_DIR = dir;
}
