/**
 * Channels post activities uncompressed. restify's body reader would gunzip a `gzip` body with
 * no error handler on the stream, so a body that is not gzip at all throws out of the process,
 * and its size limit counts compressed bytes, so a small bomb could fill memory. A compressed
 * body is therefore refused before it is read.
 */
import type { Next, Request, Response } from 'restify';

export function identityEncodingOnly(req: Request, res: Response, next: Next): void {
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') {
    next();
    return;
  }
  res.header('Accept-Encoding', 'identity');
  res.send(415, { error: { code: 'UnsupportedMediaType', message: 'Request bodies must be sent without Content-Encoding.' } });
  next(false);
}
