import * as fs from 'fs';
import * as path from 'path';
import { buildModel, MODEL_FILE } from './model';
import { buildPolicyReport, POLICY_REPORT_FILE, writePolicyReport } from './policy/report';
import { AppConfig, CdktfApp } from './private/cdk';

/**
 * The root of a Switchyard program: a cdktf `App` whose synth is all or nothing.
 *
 * cdktf writes each stack as it goes and validates afterwards, so a failed
 * synth can leave some stacks new and some old. This App synthesizes into a
 * sibling folder first and moves the files into the output folder only when
 * the whole synth succeeded; a failed synth leaves the previous output exactly
 * as it was. Terraform's own files in the stack folders (`.terraform`, the
 * lock file, plans) are kept, so `cdktf deploy` does not re-initialize.
 */
export class App extends CdktfApp {
  /** The folder the synthesized stacks end up in. */
  public readonly targetOutdir: string;

  constructor(config: AppConfig = {}) {
    const target = path.resolve(config.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out');
    // A sibling of the target: stacks are at the same depth, so relative paths computed
    // against it (local state files) hold for the target as well.
    const staging = `${target}.partial-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // Construct stack traces cost more than the rest of the synth (each is mapped through source
    // maps under a TypeScript runner) and are not written out: off unless asked for. (The trace cdktf
    // formats for every token it makes is quieted by the runner, not here: see private/token-traces.ts.)
    super({ stackTraces: false, ...config, outdir: staging });
    this.targetOutdir = target;
    // cdktf created the folder; it is made again at synth, so a program that
    // throws before synth leaves nothing behind.
    fs.rmSync(staging, { recursive: true, force: true });
  }

  /**
   * Synthesizes every stack, then writes the delivery model (`switchyard.json`) and the policy report
   * (`policy-report.json`) beside the manifest, and moves the output into `outdir` in one step.
   */
  public synth(): void {
    fs.mkdirSync(path.join(this.outdir, 'stacks'), { recursive: true });
    const failedReport = `${this.targetOutdir}.${POLICY_REPORT_FILE}`;
    try {
      super.synth();
      // The delivery model for the `switchyard` CLI (tiers, stacks, apps), beside the manifest.
      fs.writeFileSync(path.join(this.outdir, MODEL_FILE), `${JSON.stringify(buildModel(this), null, 2)}\n`);
      // The policy findings (policy-report.json); refuses unsuppressed errors even when validations were skipped.
      writePolicyReport(this, this.outdir);
      publish(this.outdir, this.targetOutdir);
      fs.rmSync(failedReport, { force: true });
    } catch (e) {
      // A synth the policy failed leaves the output as it was; its report goes beside it, for CI.
      const report = buildPolicyReport(this);
      if (report.summary.errors > 0) fs.writeFileSync(failedReport, `${JSON.stringify(report, null, 2)}\n`);
      throw e;
    } finally {
      fs.rmSync(this.outdir, { recursive: true, force: true });
    }
  }
}

/** Moves every file of `from` into `to`, then removes stack folders the new manifest no longer lists. */
function publish(from: string, to: string): void {
  const manifestOf = (dir: string): { stacks?: Record<string, { workingDirectory: string }> } | undefined => {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    } catch {
      return undefined;
    }
  };
  const before = manifestOf(to);
  const moveTree = (src: string, dst: string): void => {
    fs.mkdirSync(dst, { recursive: true });
    for (const e of fs.readdirSync(src, { withFileTypes: true })) {
      const s = path.join(src, e.name);
      const d = path.join(dst, e.name);
      if (e.isDirectory()) moveTree(s, d);
      else fs.renameSync(s, d);
    }
  };
  // The manifest goes last: whoever reads it finds every stack it lists.
  const manifest = path.join(from, 'manifest.json');
  const manifestData = fs.readFileSync(manifest);
  fs.rmSync(manifest);
  moveTree(from, to);
  const tmp = path.join(to, `.manifest.json.${process.pid}`);
  fs.writeFileSync(tmp, manifestData);
  fs.renameSync(tmp, path.join(to, 'manifest.json'));

  const after = JSON.parse(manifestData.toString()) as { stacks: Record<string, unknown> };
  for (const [name, s] of Object.entries(before?.stacks ?? {})) {
    if (!(name in after.stacks) && s.workingDirectory) {
      fs.rmSync(path.join(to, s.workingDirectory), { recursive: true, force: true });
    }
  }
}
