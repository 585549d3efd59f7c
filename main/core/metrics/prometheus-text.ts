// The Prometheus text exposition format (version 0.0.4), written by hand: a few families of
// counters and gauges do not warrant a client library. Names follow Mailpit's `/metrics`
// (mailpit_messages, mailpit_smtp_accepted_total…) with our prefix, so dashboards made for
// Mailpit need only the prefix changed; the relay's own families are added beside them.

export type MetricType = 'counter' | 'gauge';

export interface MetricSample {
  labels?: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: MetricSample[];
}

/** Label values escape backslash, double quote and newline (the format's only escapes). */
function labelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export function renderPrometheusText(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of [...families].sort((a, b) => a.name.localeCompare(b.name))) {
    lines.push(`# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels ?? {});
      const labelText =
        labels.length === 0
          ? ''
          : `{${labels.map(([k, v]) => `${k}="${labelValue(v)}"`).join(',')}}`;
      lines.push(`${family.name}${labelText} ${formatValue(sample.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Counters by a set of labels, for the listener and the queue to count into. */
export class LabelledCounter {
  private readonly counts = new Map<string, { labels: Record<string, string>; value: number }>();

  add(labels: Record<string, string>, by = 1): void {
    const key = JSON.stringify(Object.entries(labels).sort());
    const entry = this.counts.get(key);
    if (entry) entry.value += by;
    else this.counts.set(key, { labels, value: by });
  }

  samples(): MetricSample[] {
    return [...this.counts.values()].map((e) => ({ labels: { ...e.labels }, value: e.value }));
  }

  total(filter: (labels: Record<string, string>) => boolean = () => true): number {
    let sum = 0;
    for (const e of this.counts.values()) if (filter(e.labels)) sum += e.value;
    return sum;
  }
}
