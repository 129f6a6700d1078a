import * as path from 'path';
import {
  CdktfApp, CloudBackend, Construct, DataTerraformRemoteState, DataTerraformRemoteStateLocal, DataTerraformRemoteStateS3, LocalBackend,
  NamedCloudWorkspace, NamedRemoteWorkspace, S3Backend, TerraformRemoteState, TerraformStack,
} from '../private/cdk';
import { fail } from '../private/errors';

/** Properties of {@link Backend.local}. */
export interface LocalBackendOptions {
  /**
   * Folder that holds the state files (`terraform.<stack>.tfstate`), absolute or relative to the
   * working directory of the synth (the project root under `cdktf synth`).
   * @default - the working directory of the synth, as cdktf does
   */
  readonly directory?: string;
}

/** Properties of {@link Backend.s3}. */
export interface S3BackendOptions {
  /** Bucket that holds the state; create it (versioned, encrypted, private) before the first deploy. */
  readonly bucket: string;
  /** Region of the bucket. */
  readonly region: string;
  /**
   * Prefix of each stack's key; the key is `<prefix><stack>.tfstate`.
   * @default "switchyard/"
   */
  readonly keyPrefix?: string;
  /**
   * KMS key (ID or ARN) that encrypts the state objects.
   * @default - the bucket's default encryption (SSE-S3); state is always written with `encrypt = true`
   */
  readonly kmsKeyId?: string;
  /**
   * Role to assume to reach the bucket.
   * @default - the caller's credentials
   */
  readonly roleArn?: string;
}

/** Properties of {@link Backend.hcp}. */
export interface HcpBackendOptions {
  /** HCP Terraform (or Terraform Enterprise) organization. */
  readonly organization: string;
  /**
   * Prefix of each stack's workspace; the workspace is `<prefix><stack>`.
   * @default - no prefix: the workspace is named after the stack
   */
  readonly workspacePrefix?: string;
  /**
   * HCP Terraform project that holds the workspaces.
   * @default - the organization's default project
   */
  readonly project?: string;
  /**
   * Hostname of HCP Terraform or of a Terraform Enterprise installation.
   * @default "app.terraform.io"
   */
  readonly hostname?: string;
}

/**
 * Where a stack keeps its Terraform state. One state per stack, always.
 *
 * - `Backend.local()`: a file per stack (the default; synth and a dev deploy need no cloud).
 * - `Backend.s3({...})`: an S3 object per stack, encrypted, locked with S3's lock file (`use_lockfile`).
 * - `Backend.hcp({...})`: an HCP Terraform workspace per stack.
 */
export abstract class Backend {
  /** State in a local file per stack, `terraform.<stack>.tfstate` (the default). */
  public static local(options: LocalBackendOptions = {}): Backend {
    return new LocalStateBackend(options);
  }

  /** State in an S3 object per stack, `switchyard/<stack>.tfstate`: encrypted, locked with S3's lock file. */
  public static s3(options: S3BackendOptions): Backend {
    return new S3StateBackend(options);
  }

  /** State in an HCP Terraform workspace per stack. */
  public static hcp(options: HcpBackendOptions): Backend {
    return new HcpStateBackend(options);
  }

  /** The backend kind: `local`, `s3` or `hcp`. */
  public abstract readonly kind: 'local' | 's3' | 'hcp';

  /** Configures `stack`'s backend. @internal */
  public abstract _bind(stack: TerraformStack): void;

  /**
   * Reads the outputs of the stack named `stackName` kept in this backend
   * (`terraform_remote_state` in `scope`'s stack). @internal
   */
  public abstract _remoteState(scope: Construct, id: string, stackName: string): TerraformRemoteState;
}

class LocalStateBackend extends Backend {
  public readonly kind = 'local';
  constructor(private readonly options: LocalBackendOptions) {
    super();
  }

  public _bind(stack: TerraformStack): void {
    const name = stack.node.id;
    const stateFile = path.resolve(this.options.directory ?? process.cwd(), `terraform.${name}.tfstate`);
    // Relative to the stack's working directory (<outdir>/stacks/<stack>), which is where
    // Terraform resolves it: the synthesized JSON stays the same on every machine.
    const workDir = path.resolve(CdktfApp.of(stack).outdir, 'stacks', name);
    new LocalBackend(stack, { path: path.relative(workDir, stateFile) });
  }

  public _remoteState(scope: Construct, id: string, stackName: string): TerraformRemoteState {
    const reader = TerraformStack.of(scope);
    const stateFile = path.resolve(this.options.directory ?? process.cwd(), `terraform.${stackName}.tfstate`);
    const workDir = path.resolve(CdktfApp.of(reader).outdir, 'stacks', reader.node.id);
    return new DataTerraformRemoteStateLocal(scope, id, { path: path.relative(workDir, stateFile) });
  }
}

class S3StateBackend extends Backend {
  public readonly kind = 's3';
  constructor(private readonly options: S3BackendOptions) {
    super();
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(options.bucket) || options.bucket.includes('..')) {
      fail('Backend.s3', 'bucket %v is not a valid S3 bucket name', options.bucket, 'use 3-63 lower-case letters, digits, dots and hyphens');
    }
    if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(options.region)) {
      fail('Backend.s3', 'region %v is not an AWS region name', options.region, 'use a region such as "eu-west-1"');
    }
    const prefix = options.keyPrefix ?? 'switchyard/';
    if (prefix.startsWith('/') || prefix.includes('//') || /\s/.test(prefix)) {
      fail('Backend.s3', 'keyPrefix %v does not make a valid state key', prefix, 'use a relative prefix without spaces, a leading "/" or "//", e.g. "shop/" (the key is <prefix><stack>.tfstate)');
    }
    if (options.roleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(options.roleArn)) {
      fail('Backend.s3', 'roleArn %v is not an IAM role ARN', options.roleArn, 'use an ARN like "arn:aws:iam::123456789012:role/terraform-state"');
    }
  }

  public _bind(stack: TerraformStack): void {
    new S3Backend(stack, {
      bucket: this.options.bucket,
      region: this.options.region,
      key: `${this.options.keyPrefix ?? 'switchyard/'}${stack.node.id}.tfstate`,
      encrypt: true,
      kmsKeyId: this.options.kmsKeyId,
      assumeRole: this.options.roleArn ? { roleArn: this.options.roleArn } : undefined,
    });
    // S3-native locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no prop for it.
    stack.addOverride('terraform.backend.s3.use_lockfile', true);
  }

  public _remoteState(scope: Construct, id: string, stackName: string): TerraformRemoteState {
    return new DataTerraformRemoteStateS3(scope, id, {
      bucket: this.options.bucket,
      region: this.options.region,
      key: `${this.options.keyPrefix ?? 'switchyard/'}${stackName}.tfstate`,
      assumeRole: this.options.roleArn ? { roleArn: this.options.roleArn } : undefined,
    });
  }
}

class HcpStateBackend extends Backend {
  public readonly kind = 'hcp';
  constructor(private readonly options: HcpBackendOptions) {
    super();
    if (!/^[A-Za-z0-9_-]+$/.test(options.organization)) {
      fail('Backend.hcp', 'organization %v is not a valid organization name', options.organization, 'use letters, digits, "_" and "-"');
    }
    if (options.workspacePrefix !== undefined && !/^[A-Za-z0-9_-]*$/.test(options.workspacePrefix)) {
      fail('Backend.hcp', 'workspacePrefix %v cannot start a workspace name', options.workspacePrefix, 'use letters, digits, "_" and "-" (the workspace is <prefix><stack>)');
    }
  }

  public _bind(stack: TerraformStack): void {
    new CloudBackend(stack, {
      organization: this.options.organization,
      hostname: this.options.hostname,
      workspaces: new NamedCloudWorkspace(`${this.options.workspacePrefix ?? ''}${stack.node.id}`, this.options.project),
    });
  }

  public _remoteState(scope: Construct, id: string, stackName: string): TerraformRemoteState {
    return new DataTerraformRemoteState(scope, id, {
      organization: this.options.organization,
      hostname: this.options.hostname,
      workspaces: new NamedRemoteWorkspace(`${this.options.workspacePrefix ?? ''}${stackName}`),
    });
  }
}
