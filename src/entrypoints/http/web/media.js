// Progressive images as the design describes them: the blurhash painted at once, then the
// variant the viewport needs from a srcset, WebP where the browser takes it, JPEG otherwise.

import { decode } from "./vendor/blurhash.mjs";
import { h } from "./dom.js";

const SIZES = "(max-width: 640px) 100vw, 614px";

/** `srcset` of one format over every variant the media has, smallest first. */
function srcset(media, format) {
  const entries = [];
  for (const variant of Object.values(media.variants || {})) {
    const rendition = [variant, ...(variant.formats || [])].find((r) => r.format === format);
    if (rendition) entries.push([rendition.width, rendition.url]);
  }
  entries.sort((a, b) => a[0] - b[0]);
  return entries.map(([width, url]) => `${url} ${width}w`).join(", ");
}

function placeholder(hash, width, height) {
  const canvas = h("canvas", { width: 32, height: 32, class: "blurhash", "aria-hidden": "true" });
  try {
    const pixels = decode(hash, 32, 32);
    const context = canvas.getContext("2d");
    const image = context.createImageData(32, 32);
    image.data.set(pixels);
    context.putImageData(image, 0, 0);
  } catch {
    canvas.classList.add("blurhash-invalid");
  }
  canvas.dataset.ratio = `${width}/${height}`;
  return canvas;
}

/** A `<figure>` showing `media`: blurhash first, the sharp image fading in over it. */
export function picture(media, alt) {
  const width = media.width || 1;
  const height = media.height || 1;
  const frame = h("div", { class: "frame", style: `aspect-ratio: ${width} / ${height}` });
  if (media.blurhash) frame.append(placeholder(media.blurhash, width, height));
  const img = h("img", {
    alt: alt || "Photo",
    sizes: SIZES,
    srcset: srcset(media, "jpeg"),
    loading: "lazy",
    decoding: "async",
    width,
    height,
  });
  const fallback = (media.variants && (media.variants.medium_640 || Object.values(media.variants)[0])) || null;
  if (fallback) img.src = [fallback, ...(fallback.formats || [])].find((r) => r.format === "jpeg")?.url || fallback.url;
  img.addEventListener("load", () => frame.classList.add("loaded"), { once: true });
  const webp = srcset(media, "webp");
  const pictureElement = h("picture", {}, [
    webp ? h("source", { type: "image/webp", srcset: webp, sizes: SIZES }) : null,
    img,
  ]);
  frame.append(pictureElement);
  return frame;
}
