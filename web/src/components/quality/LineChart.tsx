import { useId, useMemo, useState, type MouseEvent } from 'react';

export interface ChartSeries {
  key: string;
  label: string;
  /** Points in time order; `v` null leaves a gap. */
  points: { t: number; v: number | null }[];
  color: string;
  dashed?: boolean;
}

interface Props {
  title: string;
  series: ChartSeries[];
  from: number;
  to: number;
  format(v: number): string;
  formatTime(t: number): string;
  /** A horizontal reference (telemetry.md's "bad" line, a baseline). */
  reference?: { value: number; label: string } | null;
  /** A shaded interval (an incident from start to resolution). */
  band?: { from: number; to: number; label: string } | null;
  /** Vertical markers (detected, acknowledged). */
  markers?: { t: number; label: string }[];
  height?: number;
  /** Width of the drawing in its own units (text stays 10 units tall: narrower charts get larger text). */
  width?: number;
  /** Whether the y axis starts at zero (rates) or fits the data (means). */
  zeroBased?: boolean;
}

const PAD = { left: 56, right: 12, top: 10, bottom: 24 };

/** Round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A small SVG line chart: time on x, the metric on y, gaps where there is no traffic. */
export function LineChart({ title, series, from, to, format, formatTime, reference, band, markers = [], height = 190, width = 640, zeroBased = true }: Props) {
  const W = width;
  const clipId = useId();
  const [hover, setHover] = useState<number | null>(null);
  const H = height;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;

  const { lo, hi, yTicks } = useMemo(() => {
    let min = Infinity;
    let max = -Infinity;
    for (const s of series)
      for (const p of s.points)
        if (p.v !== null && Number.isFinite(p.v)) {
          min = Math.min(min, p.v);
          max = Math.max(max, p.v);
        }
    if (reference && Number.isFinite(reference.value) && (max === -Infinity || reference.value <= max * 1.5)) {
      min = Math.min(min, reference.value);
      max = Math.max(max, reference.value);
    }
    if (max === -Infinity) {
      min = 0;
      max = 1;
    }
    if (zeroBased) min = Math.min(0, min);
    if (max === min) max = min + (Math.abs(min) || 1);
    const tk = ticks(min, max + (max - min) * 0.08, 4);
    return { lo: Math.min(min, tk[0] ?? min), hi: Math.max(max, tk[tk.length - 1] ?? max), yTicks: tk };
  }, [series, reference, zeroBased]);

  const span = Math.max(1, to - from);
  const x = (t: number) => PAD.left + ((t - from) / span) * plotW;
  const y = (v: number) => PAD.top + plotH - ((v - lo) / (hi - lo || 1)) * plotH;

  const paths = series.map((s) => {
    let d = '';
    let pen = false;
    for (const p of s.points) {
      if (p.v === null || !Number.isFinite(p.v)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`;
      pen = true;
    }
    return { s, d, n: s.points.filter((p) => p.v !== null).length };
  });

  const xTicks = useMemo(() => {
    const n = 5;
    return Array.from({ length: n }, (_, i) => from + (i * span) / (n - 1));
  }, [from, span]);

  const times = series[0]?.points.map((p) => p.t) ?? [];
  const onMove = (e: MouseEvent<SVGSVGElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const px = ((e.clientX - rect.left) / rect.width) * W;
    const t = from + ((px - PAD.left) / plotW) * span;
    let best: number | null = null;
    for (let i = 0; i < times.length; i++) if (best === null || Math.abs((times[i] as number) - t) < Math.abs((times[best] as number) - t)) best = i;
    setHover(best);
  };
  const hoverT = hover !== null ? times[hover] : undefined;

  return (
    <figure className="q-chart" data-series={series.map((s) => s.key).join(',')}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} onMouseMove={onMove} onMouseLeave={() => setHover(null)}>
        <defs>
          <clipPath id={clipId}>
            <rect x={PAD.left} y={PAD.top} width={plotW} height={plotH} />
          </clipPath>
        </defs>
        {band && (
          <g className="q-band">
            <rect x={Math.max(PAD.left, x(band.from))} y={PAD.top} width={Math.max(2, Math.min(x(band.to), W - PAD.right) - Math.max(PAD.left, x(band.from)))} height={plotH}>
              <title>{band.label}</title>
            </rect>
          </g>
        )}
        {yTicks.map((v) => (
          <g key={v} className="q-grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end">
              {format(v)}
            </text>
          </g>
        ))}
        {xTicks.map((t, i) => (
          <text key={t} className="q-axis" x={x(t)} y={H - 6} textAnchor={i === 0 ? 'start' : i === xTicks.length - 1 ? 'end' : 'middle'}>
            {formatTime(t)}
          </text>
        ))}
        {reference && Number.isFinite(reference.value) && reference.value >= lo && reference.value <= hi && (
          <g className="q-reference">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(reference.value)} y2={y(reference.value)} />
            <text x={W - PAD.right - 4} y={y(reference.value) - 4} textAnchor="end">
              {reference.label}
            </text>
          </g>
        )}
        {markers.map((m) => (
          <g key={`${m.label}-${m.t}`} className="q-marker">
            <line x1={x(m.t)} x2={x(m.t)} y1={PAD.top} y2={PAD.top + plotH} />
            <title>{m.label}</title>
          </g>
        ))}
        <g clipPath={`url(#${clipId})`}>
          {paths.map(({ s, d, n }) => (
            <path key={s.key} className="q-line" d={d} stroke={s.color} strokeDasharray={s.dashed ? '5 4' : undefined} data-line={s.key} data-points={n}>
              <title>{s.label}</title>
            </path>
          ))}
        </g>
        {hoverT !== undefined && hover !== null && (
          <g className="q-hover">
            <line x1={x(hoverT)} x2={x(hoverT)} y1={PAD.top} y2={PAD.top + plotH} />
            {series.map((s) => {
              const v = s.points[hover]?.v;
              return v === null || v === undefined ? null : <circle key={s.key} cx={x(hoverT)} cy={y(v)} r={3} fill={s.color} />;
            })}
          </g>
        )}
      </svg>
      <figcaption className="q-legend">
        {series.map((s) => {
          const v = hover !== null ? s.points[hover]?.v : undefined;
          return (
            <span key={s.key} className="q-legend-item">
              <span className={`q-swatch${s.dashed ? ' q-swatch-dashed' : ''}`} style={{ borderColor: s.color }} aria-hidden="true" />
              {s.label}
              {hover !== null && <b>{v === null || v === undefined ? ' —' : ` ${format(v)}`}</b>}
            </span>
          );
        })}
        {hoverT !== undefined && <span className="muted q-legend-time">{formatTime(hoverT)}</span>}
      </figcaption>
    </figure>
  );
}
