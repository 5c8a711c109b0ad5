/** Errors the API answers with a status code and the project's one error shape. */
import { AlzbenchError } from '../util/errors.js';

/** An API error with its HTTP status (404 for anything not found or not allowed to be seen). */
export class HttpError extends AlzbenchError {
  constructor(
    readonly status: number,
    message: string,
    hint?: string,
  ) {
    super(message, hint === undefined ? {} : { hint });
    this.name = 'HttpError';
  }
}

/** 404 with a message that names what was asked for (and never says whether it exists elsewhere). */
export const notFound = (what: string): HttpError => new HttpError(404, `Not found: ${what}`);
