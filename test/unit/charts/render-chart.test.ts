import { describe, expect, it } from 'vitest';
import { type ChartData, describeChart, MAX_ALT_TEXT } from '../../../src/charts/chart-data.js';
import { chartOption, renderChartPng } from '../../../src/charts/render-chart.js';

const periods = Array.from({ length: 8 }, (_, i) => ({
  type: 'week' as const,
  date: `2026-10-${String(1 + i * 3).padStart(2, '0')}`,
}));
const data: ChartData = {
  title: 'US weekly top 3 by sales · week of Mon 23 Nov 2026',
  sample: true,
  periods,
  periodLabels: periods.map((p) => p.date.slice(5)),
  depth: 3,
  series: [
    { userId: '1', label: '@mia.glow', ranks: [null, null, 3, 2, 2, 1, 1, 1] },
    { userId: '2', label: '@leo.deals', ranks: [1, 1, 1, 1, 1, 2, 3, 2] },
    { userId: '3', label: '@ana', ranks: [2, 2, 2, 3, null, 3, 2, 3] },
  ],
  metricName: 'Sales',
  bars: [
    { label: '@mia.glow', metric: 12_300, gmv: 450_000 },
    { label: '@leo.deals', metric: 9_000, gmv: null },
    { label: '@ana', metric: 800, gmv: 12_000 },
  ],
};

describe('chart rendering', () => {
  it('draws a PNG of sensible size, under 1 MB', async () => {
    const png = await renderChartPng(data);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(10_000);
    expect(png.length).toBeLessThan(1024 * 1024);
  });

  it('puts rank 1 on top, breaks lines at gaps and lists the legend in rank order', () => {
    const option = chartOption(data) as {
      yAxis: { inverse?: boolean; min?: number; max?: number }[];
      legend: { data: string[] }[];
      series: { type: string; data: unknown[]; connectNulls?: boolean }[];
      title: { text: string }[];
    };
    expect(option.yAxis[0]).toMatchObject({ inverse: true, min: 1, max: 3 });
    expect(option.legend[0]?.data).toEqual(['@mia.glow', '@leo.deals', '@ana']);
    const lines = option.series.filter((s) => s.type === 'line');
    expect(lines.map((s) => s.data)).toEqual(data.series.map((s) => s.ranks));
    expect(lines.every((s) => s.connectNulls === false)).toBe(true);
    expect(option.title.map((t) => t.text)).toEqual(
      expect.arrayContaining([data.title, 'Sample data', 'Sales and GMV']),
    );
  });

  it('says in words what the chart shows, within what both platforms take', () => {
    const alt = describeChart(data);
    expect(alt).toContain('Sample data.');
    expect(alt).toContain('Rank trajectory of the US weekly top 3 by sales');
    expect(alt).toContain('@mia.glow rank 1 now, 3 when first in the top 3, 12.3K sales, $450.0K GMV');
    const long = describeChart({ ...data, series: Array(40).fill(data.series[0]) });
    expect(long.length).toBeLessThanOrEqual(MAX_ALT_TEXT);
  });
});
