// Uploads straight to the signed URL the API hands out: one PUT with progress events for a
// photo, the resumable multipart API for a large file, which picks up after a dropped
// connection from the parts the server already holds.

import { api } from "./api.js";

export const MULTIPART_FROM = 8 * 1024 * 1024;
const RETRIES = 5;

/** PUT `body` to `url`, reporting bytes sent; resolves with the response's ETag. */
function put(url, headers, body, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("PUT", url);
    for (const [name, value] of Object.entries(headers || {})) request.setRequestHeader(name, value);
    request.upload.addEventListener("progress", (event) => onProgress(event.loaded));
    request.addEventListener("load", () => {
      if (request.status >= 200 && request.status < 300) {
        resolve(request.getResponseHeader("ETag"));
      } else {
        let message = `The upload was refused (${request.status}).`;
        try {
          message = JSON.parse(request.responseText).error.message || message;
        } catch {
          // not a JSON error body
        }
        reject(Object.assign(new Error(message), { status: request.status }));
      }
    });
    request.addEventListener("error", () => reject(Object.assign(new Error("connection lost"), { status: 0 })));
    request.send(body);
  });
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry a step after a dropped connection (status 0) or a 5xx, backing off; not after a 4xx. */
async function withRetries(step, onRetry) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      const transient = error.status === 0 || error.status >= 500;
      if (!transient || attempt >= RETRIES) throw error;
      onRetry(attempt);
      await pause(500 * 2 ** (attempt - 1));
    }
  }
}

/**
 * Upload `file` for `purpose` ("post" or "story") and return its media id.
 * `onProgress(fraction)` goes from 0 to 1; `onRetry(attempt)` reports a resumed connection.
 */
export async function upload(file, purpose, onProgress, onRetry = () => {}) {
  const type = file.type.startsWith("video/") ? "video" : "image";
  const ticket = await api.uploadUrl(type, file.type, purpose);
  if (file.size < MULTIPART_FROM) {
    await withRetries(() => put(ticket.upload_url, ticket.headers, file, (sent) => onProgress(sent / file.size)), onRetry);
    onProgress(1);
    return ticket.media_id;
  }
  const started = await api.startParts(ticket.media_id);
  const count = Math.ceil(file.size / started.part_size);
  const done = new Map();
  const report = (current = 0) => {
    let sent = current;
    for (const part of done.values()) sent += part.size;
    onProgress(Math.min(1, sent / file.size));
  };
  for (let n = 1; n <= count; n += 1) {
    const chunk = file.slice((n - 1) * started.part_size, n * started.part_size);
    await withRetries(async () => {
      // After a drop, ask what the server holds: a part it has is not sent again.
      const stored = await api.storedParts(ticket.media_id, started.upload_id);
      const held = stored.parts.find((part) => part.part_number === n && part.size === chunk.size);
      if (held) {
        done.set(n, { size: chunk.size, etag: held.etag });
        return;
      }
      const signed = await api.partUrl(ticket.media_id, started.upload_id, n);
      const etag = await put(signed.url, signed.headers, chunk, (sent) => report(sent));
      done.set(n, { size: chunk.size, etag });
    }, onRetry);
    report();
  }
  // Pin the bytes each PUT acknowledged; a storage that hides ETags from the page (no CORS
  // exposure) leaves the server to join every part it holds.
  const parts = [...done.entries()].map(([n, part]) => ({ part_number: n, etag: part.etag }));
  const pinned = parts.every((part) => part.etag) ? parts : null;
  await api.completeParts(ticket.media_id, started.upload_id, pinned);
  onProgress(1);
  return ticket.media_id;
}
