import * as fs from 'fs';
import * as path from 'path';
import { shop } from '../../examples/shop/shop';
import { App } from '../../lib';
import { POLICY_REPORT_FILE, PolicyReport } from '../../lib/exports/policy';
import { DbInstance, TerraformStack } from '../../lib/private/cdk';
import { errorOf, exampleOutput, tempDir } from '../helpers';

describe('the shop example under the rule pack', () => {
  test('has zero findings in every tier: nothing to fix, nothing suppressed', () => {
    const out = exampleOutput('shop');
    const report: PolicyReport = JSON.parse(fs.readFileSync(path.join(out.outdir, POLICY_REPORT_FILE), 'utf8'));
    expect(report.findings).toEqual([]);
    expect(report.summary).toEqual({ errors: 0, warnings: 0, suppressed: 0 });
    expect(report.disabled).toEqual([]);
    // No policy warning in any stack either.
    const manifest = JSON.parse(fs.readFileSync(path.join(out.outdir, 'manifest.json'), 'utf8'));
    const policyNotes = Object.values<{ annotations: Array<{ message: string }> }>(manifest.stacks)
      .flatMap((s) => s.annotations).filter((a) => a.message.startsWith('SY-'));
    expect(policyNotes).toEqual([]);
  });

  test.each(['app-team', 'platform-team'])('the %s example has zero findings in every tier too', (name) => {
    const report: PolicyReport = JSON.parse(fs.readFileSync(path.join(exampleOutput(name).outdir, POLICY_REPORT_FILE), 'utf8'));
    expect(report.summary).toEqual({ errors: 0, warnings: 0, suppressed: 0 });
    expect(report.disabled).toEqual([]);
  });

  test('the rule pack runs on its stacks by default: a weakened prod database fails the synth', () => {
    const app = new App({ outdir: path.join(tempDir(), 'cdktf.out') });
    shop(app);
    const db = app.node.findAll().find((c): c is DbInstance => c instanceof DbInstance && c.node.path === 'shop-prod/orders/instance');
    db!.addOverride('storage_encrypted', false);
    db!.addOverride('multi_az', false);
    const message = errorOf(() => app.synth());
    expect(message).toContain('SY-RDS-1 [shop-prod/orders/instance] aws_db_instance.orders_postgres (stack shop-prod, tier prod): storage_encrypted is false');
    expect(message).toContain('SY-RDS-3 [shop-prod/orders/instance] aws_db_instance.orders_postgres (stack shop-prod, tier prod): multi_az is false');
  });
});

describe('the rule pack reads the Terraform JSON the synth writes', () => {
  test('a stack-level override is checked too: it is part of what Terraform gets', () => {
    const app = new App({ outdir: path.join(tempDir(), 'cdktf.out') });
    shop(app);
    const stack = app.node.findChild('shop-prod') as TerraformStack;
    stack.addOverride('resource.aws_db_instance.orders_postgres.storage_encrypted', false);
    expect(errorOf(() => app.synth())).toContain('SY-RDS-1 [shop-prod/orders/instance] aws_db_instance.orders_postgres (stack shop-prod, tier prod): storage_encrypted is false');
  });

  test('with HCL output as well (cdktf synth --hcl)', () => {
    const saved = process.env.SYNTH_HCL_OUTPUT;
    process.env.SYNTH_HCL_OUTPUT = 'true';
    try {
      const app = new App({ outdir: path.join(tempDir(), 'cdktf.out'), hclOutput: true });
      shop(app);
      const db = app.node.findAll().find((c): c is DbInstance => c instanceof DbInstance && c.node.path === 'shop-prod/orders/instance');
      db!.addOverride('storage_encrypted', false);
      expect(errorOf(() => app.synth())).toContain('SY-RDS-1 [shop-prod/orders/instance] aws_db_instance.orders_postgres (stack shop-prod, tier prod): storage_encrypted is false');
    } finally {
      if (saved === undefined) delete process.env.SYNTH_HCL_OUTPUT;
      else process.env.SYNTH_HCL_OUTPUT = saved;
    }
  });
});
