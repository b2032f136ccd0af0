import { escapeHtml } from './escape.js';
import { encodeGrayscalePng, pngDataUrl } from './png.js';
import type { Misclassified } from './test-results.js';

export interface GridImages {
  /** count * side * side unsigned bytes, row-major. */
  readonly images: Uint8Array;
  readonly side: number;
}

/** Misclassified test images as inline PNGs, each captioned "true → predicted (probability)". */
export function misclassifiedGrid(mistakes: readonly Misclassified[], source: GridImages, classNames: readonly string[]): string {
  const pixels = source.side * source.side;
  const cells = mistakes.map((m) => {
    const png = encodeGrayscalePng(source.images.subarray(m.index * pixels, (m.index + 1) * pixels), source.side, source.side);
    const caption = `${classNames[m.label]} → ${classNames[m.predicted]}`;
    return (
      `<figure class="mistake" data-index="${m.index}">` +
      `<img src="${pngDataUrl(png)}" width="${source.side * 3}" height="${source.side * 3}" alt="test image ${m.index}: ${escapeHtml(caption)}">` +
      `<figcaption><span class="true">${escapeHtml(classNames[m.label]!)}</span> → <span class="predicted">${escapeHtml(classNames[m.predicted]!)}</span> ${(100 * m.probability).toFixed(0)}%<br><span class="index">#${m.index}</span></figcaption>` +
      '</figure>'
    );
  });
  return `<div class="grid">${cells.join('')}</div>`;
}
