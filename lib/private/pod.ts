/**
 * The security context of every container Switchyard runs: not root, no
 * privilege escalation, read-only root filesystem (a writable /tmp is
 * mounted), no Linux capabilities, the runtime's default seccomp profile.
 */
export const LOCKED_DOWN_CONTAINER: {
  runAsNonRoot: boolean; allowPrivilegeEscalation: boolean; privileged: boolean; readOnlyRootFilesystem: boolean;
  capabilities: { drop: string[] }; seccompProfile: { type: string };
} = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The pod-level security context for a numeric non-root user. */
export function podSecurity(user: number): Record<string, unknown> {
  const id = String(user);
  return { runAsNonRoot: true, runAsUser: id, runAsGroup: id, fsGroup: id, seccompProfile: { type: 'RuntimeDefault' } };
}
