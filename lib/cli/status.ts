/** `switchyard status`: the release state per tier (in promotion order) and service, with the approvals pending. */
import { otherSlot, versionIn } from '../release/ledger';
import { pendingApprovals } from '../release/ledger-ops';
import { FlagSpec, parseArgs } from './args';
import { CliIo, Command } from './io';
import { COMMON_FLAGS, read, withUsage } from './step';

export const name = 'status';
export const usage = 'status';
export const flags: FlagSpec = COMMON_FLAGS;

/** Prints the release state of every tier and service of the app. */
export const run: Command = withUsage({ name, usage }, (args: string[], io: CliIo): number => {
  const p = parseArgs(args, flags, 0);
  const { tiers, app, ledger, ledgerFile } = read(io, p);
  const rows: string[][] = [['TIER', 'SERVICE', 'LIVE', 'BLUE', 'GREEN', 'WEIGHT TO IDLE', 'RETIRED', 'PENDING APPROVALS']];
  for (const tier of tiers) {
    const declared = app.tiers[tier.name]?.services.map((s) => s.name) ?? [];
    const services = [...new Set([...declared, ...ledger.servicesIn(tier.name)])].sort();
    for (const service of services) {
      const r = ledger.release(tier.name, service);
      const released = r && versionIn(r, r.live) !== undefined;
      const pending = tier.profile.approvalRequired ? pendingApprovals(ledger, tier.name, service).join(', ') || 'none' : '-';
      rows.push([
        tier.name, service,
        released ? r.live : '-',
        r?.blue ?? '-',
        r?.green ?? '-',
        released ? `${r.weight}%` : '-',
        released ? (r.retired ? `yes (${otherSlot(r.live)})` : 'no') : '-',
        pending,
      ]);
    }
  }
  io.out(`app ${ledger.app}, ledger ${ledgerFile}`);
  for (const line of table(rows)) io.out(line);
  return 0;
});

/** Aligned columns, two spaces apart, no trailing spaces. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '));
}
