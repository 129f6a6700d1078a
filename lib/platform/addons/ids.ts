/** Catalog IDs of the add-ons other parts of Switchyard depend on. */
export const AddonIds = {
  cloudNativePg: 'cloudnative-pg',
  externalSecrets: 'external-secrets',
} as const;
