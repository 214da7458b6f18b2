// A chart of the shared chart code (src/shared/charts), drawn from the engine's tables: the same SVG the CLI
// writes with `selfalign report --charts`. Its marks carry their numbers (shown on hover and focus) and the
// probe-explorer filter they stand for (opened on click or Enter). Export gives the SVG file or a PNG.
import { useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { saveText, saveUrl } from '../save-file.js';
import { svgToString, type Chart, type MarkFilter, type SvgNode } from '../../../shared/charts/index.js';

/** A chart of the shared code: one of the run's figures, or another drawing such as a probe's distributions. */
type DrawnChart = Omit<Chart, 'id'> & { id: string };

interface Props {
  chart: DrawnChart;
  onMark?: (filter: MarkFilter) => void;
  /** The file name without extension for exports, e.g. "run-abc-table1". */
  fileName: string;
}

/** The tree without the marks' <title>s: in the window the tooltip below shows their text, on hover and focus alike. */
function withoutMarkTitles(node: SvgNode): SvgNode {
  const mark = node.attrs['data-mark'] !== undefined;
  return {
    ...node,
    children: node.children.flatMap((child): (SvgNode | string)[] =>
      typeof child === 'string' ? [child] : mark && child.tag === 'title' ? [] : [withoutMarkTitles(child)],
    ),
  };
}

function markOf(target: EventTarget | null): Element | null {
  return target instanceof Element ? target.closest('[data-filter]') : null;
}

function svgDataUrl(text: string): string {
  return `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(text)))}`;
}

/** The chart as a PNG at twice its size, drawn from the same SVG (white background, dark text). */
async function pngDataUrl(chart: DrawnChart): Promise<string> {
  const image = new Image();
  image.src = svgDataUrl(svgToString(chart.svg));
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = chart.width * 2;
  canvas.height = chart.height * 2;
  const context = canvas.getContext('2d')!;
  context.scale(2, 2);
  context.drawImage(image, 0, 0, chart.width, chart.height);
  return canvas.toDataURL('image/png');
}

export function ChartView({ chart, onMark, fileName }: Props) {
  const [tip, setTip] = useState<{ text: string; x: number; y: number } | null>(null);
  const box = useRef<HTMLDivElement>(null);
  // In the window the chart follows the theme: currentColor for text and axes, no background of its own.
  const markup = svgToString(withoutMarkTitles(chart.svg), { background: 'none', color: 'currentColor' });

  const show = (mark: Element | null, clientX?: number, clientY?: number) => {
    if (!mark || !box.current) return setTip(null);
    const outer = box.current.getBoundingClientRect();
    const rect = mark.getBoundingClientRect();
    const x = (clientX ?? rect.left + rect.width / 2) - outer.left;
    const y = (clientY ?? rect.top) - outer.top;
    setTip({ text: mark.getAttribute('aria-label') ?? '', x, y });
  };
  const open = (mark: Element | null) => {
    const filter = mark?.getAttribute('data-filter');
    if (filter && onMark) onMark(JSON.parse(filter) as MarkFilter);
  };

  return (
    <figure className="chart" data-testid={`chart-${chart.id}`}>
      <figcaption>
        <span className="chart-title">{chart.title}</span>
        <span className="chart-actions">
          <button
            type="button"
            className="link"
            data-testid="export-chart"
            onClick={() => saveText(`${fileName}.svg`, 'image/svg+xml', svgToString(chart.svg))}
          >
            SVG
          </button>
          <button
            type="button"
            className="link"
            onClick={() => void pngDataUrl(chart).then((url) => saveUrl(`${fileName}.png`, url))}
          >
            PNG
          </button>
        </span>
      </figcaption>
      <div className="chart-stage" ref={box}>
        <div
          className={`chart-canvas${onMark ? ' clickable' : ''}`}
          onMouseMove={(e: MouseEvent) => show(markOf(e.target), e.clientX, e.clientY)}
          onMouseLeave={() => setTip(null)}
          onFocus={(e) => show(markOf(e.target))}
          onBlur={() => setTip(null)}
          onClick={(e: MouseEvent) => open(markOf(e.target))}
          onKeyDown={(e: KeyboardEvent) => {
            if (e.key === 'Enter' || e.key === ' ') {
              const mark = markOf(e.target);
              if (mark) {
                e.preventDefault();
                open(mark);
              }
            }
          }}
          dangerouslySetInnerHTML={{ __html: markup }}
        />
        {tip && tip.text && (
          <div className="chart-tip" role="tooltip" style={{ left: tip.x + 12, top: tip.y + 12 }}>
            {tip.text}
          </div>
        )}
      </div>
    </figure>
  );
}
