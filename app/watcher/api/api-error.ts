import type http from 'node:http';

/** Machine-readable reasons of the API's errors (the `code` of the one error shape). */
export type ApiErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'actions_disabled'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'not_leader'
  | 'not_ready'
  | 'too_many_streams'
  | 'upstream_failed'
  | 'internal';

/** The body of every error answer of `/api/v1` (schema `Error` in docs/api/openapi.yaml). */
export interface ApiErrorBody {
  readonly error: {
    readonly status: number;
    readonly code: ApiErrorCode;
    /** One sentence saying what is wrong and what to do; never a stack trace or a secret. */
    readonly message: string;
    /** The query parameter, path segment or body field at fault. @default - none */
    readonly field?: string;
    /** The open pull request in the way (409). @default - none */
    readonly pullRequest?: { readonly url: string; readonly branch: string; readonly action: string };
    /** Where the Lease holder is (a follower's 503). @default - none */
    readonly leader?: { readonly identity?: string; readonly url?: string };
  };
}

/** An error the API answers with; anything else thrown in a handler answers a generic 500. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details: Omit<ApiErrorBody['error'], 'status' | 'code' | 'message'> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get body(): ApiErrorBody {
    return { error: { status: this.status, code: this.code, message: this.message, ...this.details } };
  }
}

/** 400 naming the field at fault. */
export function badRequest(field: string, message: string): ApiError {
  return new ApiError(400, 'bad_request', message, { field });
}

/** 404 naming the path segment or parameter that matched nothing. */
export function notFound(field: string, message: string): ApiError {
  return new ApiError(404, 'not_found', message, { field });
}

/** Writes an error in the one error shape, never cached. */
export function sendError(req: http.IncomingMessage, res: http.ServerResponse, error: ApiError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = `${JSON.stringify(error.body)}\n`;
  res.writeHead(error.status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
    ...error.headers,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
