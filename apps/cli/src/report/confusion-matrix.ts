import { escapeHtml } from './escape.js';

const CELL = 40;
const LABEL_WIDTH = 96;
const HEADER_HEIGHT = 96;

/**
 * The test confusion matrix as inline SVG: rows are true classes, columns predicted ones; each cell shows
 * its count, shaded by the share of its row (the diagonal green, mistakes red).
 */
export function confusionMatrix(matrix: readonly (readonly number[])[], classNames: readonly string[]): string {
  const n = classNames.length;
  const width = LABEL_WIDTH + n * CELL + 60; // room for the last rotated column label
  const height = HEADER_HEIGHT + n * CELL + 30;
  const parts: string[] = [];
  classNames.forEach((name, j) => {
    const cx = LABEL_WIDTH + j * CELL + CELL / 2;
    parts.push(`<text transform="translate(${cx + 4},${HEADER_HEIGHT - 6}) rotate(-55)" font-size="11" fill="#333">${escapeHtml(name)}</text>`);
  });
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const y = HEADER_HEIGHT + i * CELL;
    parts.push(`<text x="${LABEL_WIDTH - 6}" y="${y + CELL / 2 + 4}" text-anchor="end" font-size="11" fill="#333">${escapeHtml(classNames[i]!)}</text>`);
    row.forEach((count, j) => {
      const share = total > 0 ? count / total : 0;
      const fill = count === 0 ? '#ffffff' : i === j ? shade([46, 160, 67], share) : shade([214, 39, 40], Math.min(1, 3 * share));
      const ink = share > 0.55 ? '#ffffff' : '#222222';
      const x = LABEL_WIDTH + j * CELL;
      parts.push(
        `<rect class="cell" data-true="${i}" data-predicted="${j}" data-count="${count}" x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="${fill}" stroke="#ccc"/>`,
        `<text x="${x + CELL / 2}" y="${y + CELL / 2 + 4}" text-anchor="middle" font-size="11" fill="${ink}">${count}</text>`,
      );
    });
  });
  parts.push(
    `<text x="${LABEL_WIDTH + (n * CELL) / 2}" y="${height - 8}" text-anchor="middle" font-size="12" fill="#333">predicted class (rows: true class)</text>`,
  );
  return `<svg class="confusion" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="test confusion matrix">${parts.join('')}</svg>`;
}

/** White blended towards `rgb` by `amount` in [0, 1]. */
function shade(rgb: readonly [number, number, number], amount: number): string {
  const a = 0.12 + 0.88 * amount;
  return `#${rgb
    .map((c) =>
      Math.round(255 + (c - 255) * a)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}
