// The one error type for the user's mistakes: bad files, unknown names, impossible settings.
// It carries a stable code and the place it happened, so the CLI and the app can say exactly where to look.
// Anything that is not a UserError is a bug and keeps its stack.

export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
  probe?: string;
}

export class UserError extends Error {
  override readonly name: string = 'UserError';
  constructor(
    readonly code: string,
    message: string,
    readonly where: ErrorLocation = {},
  ) {
    super(message);
  }

  /** The message with its location, as a person reads it: "de.csv, line 12: ...". */
  describe(): string {
    const parts: string[] = [];
    if (this.where.file) parts.push(this.where.file);
    if (this.where.line !== undefined) parts.push(`line ${this.where.line}`);
    if (this.where.column !== undefined) parts.push(`column ${this.where.column}`);
    if (this.where.probe) parts.push(`probe ${this.where.probe}`);
    return parts.length ? `${parts.join(', ')}: ${this.message}` : this.message;
  }
}
