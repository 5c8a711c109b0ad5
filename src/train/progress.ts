/** Progress on stderr: a redrawn bar per epoch on a terminal, one summary line per epoch always. */
import type { TrainEvent } from './events.js';

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

/** `1m05s`, `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** The bar line: `epoch 3/20 [=========>          ] 120/640  52.3 img/s  ETA 10s  loss 0.4321`. */
export function progressLine(e: Extract<TrainEvent, { type: 'batch' }>, width = 24): string {
  const share = e.total === 0 ? 1 : e.done / e.total;
  const filled = Math.round(share * width);
  const bar = `${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (filled === width ? '=' : '>') : ''}${' '.repeat(width - filled)}`;
  return `epoch ${e.epoch}/${e.epochs} [${bar}] ${e.done}/${e.total}  ${e.imagesPerSecond.toFixed(1)} img/s  ETA ${formatDuration(e.etaSeconds)}  loss ${fmt(e.loss)}`;
}

/** The one-line epoch summary. */
export function epochLine(e: Extract<TrainEvent, { type: 'epoch' }>): string {
  const r = e.record;
  const flags = `${r.best ? '  *best' : ''}${r.collapsed ? '  COLLAPSED (one class predicted)' : ''}`;
  return (
    `epoch ${r.epoch}/${e.epochs}  train loss ${fmt(r.trainLoss)}  val loss ${fmt(r.val.loss)}  val acc ${fmt(r.val.accuracy, 3)}  ` +
    `val sens ${fmt(r.val.sensitivity, 3)}  val bal acc ${fmt(r.val.balancedAccuracy, 3)}  ${r.seconds.toFixed(1)} s  ${r.imagesPerSecond.toFixed(1)} img/s${flags}`
  );
}

/**
 * An event handler writing progress to a stream (stderr by default): on a TTY the bar is redrawn
 * in place at most every 100 ms; elsewhere only the epoch summaries and messages are written.
 */
export function stderrReporter(stream: NodeJS.WriteStream = process.stderr, options: { bar?: boolean } = {}): (event: TrainEvent) => void {
  const bar = options.bar ?? Boolean(stream.isTTY);
  let lastDraw = 0;
  let drawn = false;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[K');
    drawn = false;
  };
  return (event) => {
    if (event.type === 'batch') {
      if (!bar) return;
      const now = Date.now();
      if (now - lastDraw < 100 && event.done < event.total) return;
      lastDraw = now;
      stream.write(`\r\x1b[K${progressLine(event)}`);
      drawn = true;
    } else if (event.type === 'epoch') {
      clear();
      stream.write(`${epochLine(event)}\n`);
    } else if (event.type === 'message') {
      clear();
      stream.write(`${event.text}\n`);
    }
  };
}
