/**
 * A deliberate, user-facing error: its message reaches the browser as written, so it must
 * name the field (when there is one) and what was expected, and never carry a secret.
 */
export class UserError extends Error {
  override name = "UserError";
  constructor(
    message: string,
    readonly field?: string,
    /** HTTP status for /api/v1 callers. */
    readonly status = 400,
  ) {
    super(message);
  }
}

export class PermissionError extends UserError {
  override name = "PermissionError";
  constructor(message: string) {
    super(message, undefined, 403);
  }
}

export class NotFoundError extends UserError {
  override name = "NotFoundError";
  constructor(message: string) {
    super(message, undefined, 404);
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** The per-field messages of a user error: the message without its leading "field: ". */
export function userErrorFields(error: UserError): Record<string, string> | undefined {
  if (!error.field) return undefined;
  const prefix = `${error.field}: `;
  return { [error.field]: error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message };
}
