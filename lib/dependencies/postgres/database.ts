import { AppStack } from '../../app-stack';

export const PORT = 5432;

/** What the bindings of a {@link Postgres} read of it. */
export interface Database {
  readonly app: AppStack;
  readonly name: string;
  readonly secretName: string;
  readonly databaseName: string;
  readonly username: string;
  /** The engine version in this tier, and its major. */
  readonly engineVersion: string;
  readonly majorVersion: string;
  /** True when a release of this tier requires a newer major than the declared one. */
  readonly majorUpgrade: boolean;
}

/**
 * The contract keys as an external-secrets template: the password always
 * comes from the source, the username from the source (`{{ .username }}`)
 * or as a literal.
 */
export function connectionTemplate(db: Database, host: string, sslmode: string, username: string): Record<string, string> {
  const userInUrl = username.startsWith('{{') ? '{{ .username | urlquery }}' : username;
  return {
    host,
    port: String(PORT),
    username,
    password: '{{ .password }}',
    database: db.databaseName,
    sslmode,
    url: `postgresql://${userInUrl}:{{ .password | urlquery }}@${host}:${PORT}/${db.databaseName}?sslmode=${sslmode}`,
  };
}
