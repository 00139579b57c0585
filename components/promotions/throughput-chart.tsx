import { formatBytes } from "@/lib/oci/format-bytes";
import { throughputSeries, type ProgressSample } from "./transfer-rate";

const width = 600;
const height = 120;

/**
 * Bytes per second over time, drawn from the samples this page received (so it starts when
 * the page was opened). Plain SVG: an area under a line, scaled to the peak.
 */
export function ThroughputChart({ samples }: { samples: readonly ProgressSample[] }) {
  const series = throughputSeries(samples);
  if (series.length < 2) {
    return (
      <div
        className="flex h-30 items-center justify-center rounded-md border border-dashed border-border text-xs text-muted"
        data-testid="throughput-chart"
      >
        The chart starts with the first bytes this page sees move.
      </div>
    );
  }
  const start = series[0]!.at;
  const span = Math.max(1, series[series.length - 1]!.at - start);
  const peak = Math.max(1, ...series.map((point) => point.rate));
  const current = series[series.length - 1]!.rate;
  const x = (at: number) => ((at - start) / span) * width;
  const y = (rate: number) => height - (rate / peak) * (height - 8);
  const line = series
    .map((point, index) => `${index === 0 ? "M" : "L"}${x(point.at).toFixed(1)},${y(point.rate).toFixed(1)}`)
    .join(" ");
  const area = `${line} L${width},${height} L0,${height} Z`;

  return (
    <figure className="space-y-1.5" data-testid="throughput-chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Throughput over the last ${Math.round(span / 1000)} s: now ${formatBytes(current)}/s, peak ${formatBytes(peak)}/s`}
        className="h-30 w-full overflow-visible rounded-md bg-surface-muted text-accent"
      >
        <line
          x1="0"
          x2={width}
          y1={y(peak)}
          y2={y(peak)}
          className="stroke-border"
          strokeDasharray="4 4"
          vectorEffect="non-scaling-stroke"
        />
        <path d={area} className="fill-current opacity-15" />
        <path
          d={line}
          fill="none"
          className="stroke-current"
          strokeWidth="1.5"
          strokeLinejoin="round"
          vectorEffect="non-scaling-stroke"
        />
      </svg>
      <figcaption className="flex justify-between text-xs text-muted tabular-nums">
        <span>{Math.round(span / 1000)} s ago</span>
        <span>peak {formatBytes(peak)}/s</span>
        <span>now</span>
      </figcaption>
    </figure>
  );
}
