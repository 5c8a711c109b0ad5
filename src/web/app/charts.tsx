// Charts: the report code's SVG builders (src/report/svg.ts, the same pictures as `alzbench
// compare --format html`) inlined, plus parallel coordinates over a sweep's parameters.
import { confusionMatrixSvg, lineChart, PALETTE, type Line, type LineChartOptions } from '../../report/svg.js';

/** Inlines an SVG string made by the report code (it escapes every label it draws). */
function Svg(props: { svg: string; testId: string; label: string }) {
  return <div className="chart" data-testid={props.testId} aria-label={props.label} dangerouslySetInnerHTML={{ __html: props.svg }} />;
}

/** A line chart (learning curves, ROC). */
export function LineChart(props: { lines: readonly Line[]; options: LineChartOptions; testId: string }) {
  return <Svg svg={lineChart(props.lines, props.options)} testId={props.testId} label={props.options.title} />;
}

/** A confusion matrix heat map (`matrix[true][predicted]`). */
export function ConfusionMatrix(props: { matrix: readonly (readonly number[])[]; classes: readonly string[]; title: string }) {
  return <Svg svg={confusionMatrixSvg(props.matrix, props.classes, props.title)} testId="confusion-matrix" label={props.title} />;
}

/** One line of a parallel-coordinates plot: a run's value on each axis. */
export interface ParallelRow {
  readonly label: string;
  readonly values: Record<string, string | number | null>;
}

/**
 * Parallel coordinates: one vertical axis per parameter (categories spread evenly, in order of
 * appearance) and per metric (numeric: `fixed[axis]`, else min..max of the rows), one polyline
 * per run.
 */
export function ParallelCoordinates(props: {
  axes: readonly string[];
  rows: readonly ParallelRow[];
  title: string;
  fixed?: Record<string, readonly [number, number]>;
}) {
  const { axes, rows } = props;
  const width = Math.max(420, 140 * axes.length);
  const height = 300 + rows.length * 14;
  const top = 40;
  const bottom = 250;
  const left = 60;
  const step = axes.length > 1 ? (width - 2 * left) / (axes.length - 1) : 0;
  const scales = axes.map((axis) => {
    const values = rows.map((r) => r.values[axis]).filter((v): v is string | number => v !== null && v !== undefined);
    const numeric = values.length > 0 && values.every((v) => typeof v === 'number');
    if (numeric) {
      const nums = values as number[];
      // Shares keep their whole 0..1 range, so a flat line is not mistaken for a difference.
      let [lo, hi] = props.fixed?.[axis] ?? [Math.min(...nums), Math.max(...nums)];
      if (hi - lo < 1e-9) [lo, hi] = [lo - 0.5, hi + 0.5];
      return {
        ticks: [lo, hi].map((v) => ({ label: String(Number(v.toFixed(3))), y: bottom - ((v - lo) / (hi - lo)) * (bottom - top) })),
        y: (v: string | number) => bottom - (((v as number) - lo) / (hi - lo)) * (bottom - top),
      };
    }
    const categories = [...new Set(values.map(String))];
    const y = (v: string | number) =>
      categories.length === 1 ? (top + bottom) / 2 : top + (categories.indexOf(String(v)) / (categories.length - 1)) * (bottom - top);
    return { ticks: categories.map((c) => ({ label: c, y: y(c) })), y };
  });
  return (
    <svg
      data-testid="parallel-coordinates"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      fontFamily="sans-serif"
      fontSize={11}
      role="img"
      aria-label={props.title}
    >
      <rect width={width} height={height} fill="#fff" />
      <text x={width / 2} y={16} textAnchor="middle" fontSize={13} fontWeight="bold">
        {props.title}
      </text>
      {axes.map((axis, i) => (
        <g key={axis}>
          <line x1={left + i * step} y1={top} x2={left + i * step} y2={bottom} stroke="#333" />
          <text x={left + i * step} y={bottom + 18} textAnchor="middle" fontWeight="bold">
            {axis}
          </text>
          {scales[i]!.ticks.map((t) => (
            <text key={t.label} x={left + i * step - 4} y={t.y + 4} textAnchor="end" fill="#444">
              {t.label}
            </text>
          ))}
        </g>
      ))}
      {rows.map((row, r) => {
        const points = axes
          .map((axis, i) => {
            const v = row.values[axis];
            return v === null || v === undefined ? null : `${(left + i * step).toFixed(1)},${scales[i]!.y(v).toFixed(1)}`;
          })
          .filter(Boolean)
          .join(' ');
        const colour = PALETTE[r % PALETTE.length]!;
        return (
          <g key={row.label}>
            <polyline points={points} fill="none" stroke={colour} strokeWidth={2} opacity={0.85} />
            <rect x={left} y={bottom + 30 + r * 14} width={10} height={10} fill={colour} />
            <text x={left + 16} y={bottom + 39 + r * 14}>
              {row.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
