/**
 * `@switchyard-iac/cdktf/ledger`: the release ledger's format, what
 * `releases.json` holds (for tools that read or write it; the CLI is one).
 * Programs load a ledger with `ReleaseLedger` from the package's root.
 */
export { AnalysisRecord, Approval, HistoryEvent, LedgerData, otherSlot, ServiceRelease, Slot, SLOTS, Verb, VERBS } from '../release/ledger';
