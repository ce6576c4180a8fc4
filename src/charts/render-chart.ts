/**
 * ChartData → PNG bytes, in-process: ECharts' server-side SVG renderer draws the rank trajectory above
 * the metric bars, and resvg rasterises it with the DejaVu fonts shipped in node_modules (never the
 * system's, so every machine and the Docker image draw the same pixels). Pure: data in, bytes out.
 */
import { createRequire } from 'node:module';
import type { EChartsCoreOption } from 'echarts/core';
import { formatCount, formatUsd } from '../ranking/format-number.js';
import type { ChartData } from './chart-data.js';

const FONT_FAMILY = 'DejaVu Sans';
const require = createRequire(import.meta.url);
const fontFiles = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) =>
  require.resolve(`dejavu-fonts-ttf/ttf/${file}`),
);

const WIDTH = 1000;
const HEIGHT = 900;
const palette = [
  '#fe2c55',
  '#25a4c4',
  '#f5a623',
  '#7b61ff',
  '#2bb673',
  '#e8590c',
  '#1f6feb',
  '#c2255c',
  '#5c940d',
  '#495057',
];

/**
 * ECharts and resvg, loaded on the first chart only (with just the parts drawn here), so a process
 * that never draws one starts as fast as before.
 */
const libraries = lazy(async () => {
  const [core, charts, components, renderers, resvg] = await Promise.all([
    import('echarts/core'),
    import('echarts/charts'),
    import('echarts/components'),
    import('echarts/renderers'),
    import('@resvg/resvg-js'),
  ]);
  core.use([
    charts.LineChart,
    charts.BarChart,
    components.GridComponent,
    components.LegendComponent,
    components.TitleComponent,
    renderers.SVGRenderer,
  ]);
  return { echarts: core, Resvg: resvg.Resvg };
});

function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}

/** The ECharts option of a chart: exported so the drawing can be checked without the pixels. */
export function chartOption(data: ChartData): EChartsCoreOption {
  const creators = data.series.map((s) => s.label);
  return {
    animation: false,
    backgroundColor: '#ffffff',
    color: palette,
    textStyle: { fontFamily: FONT_FAMILY },
    title: [
      {
        text: data.title,
        left: 24,
        top: 16,
        textStyle: { fontSize: 18, fontWeight: 'bold', color: '#1d1d1f' },
      },
      ...(data.sample
        ? [{ text: 'Sample data', right: 24, top: 18, textStyle: { fontSize: 16, color: '#c92a2a' } }]
        : []),
      { text: 'Rank over time', left: 24, top: 52, textStyle: { fontSize: 14, color: '#495057' } },
      {
        text: `${data.metricName} and GMV`,
        left: 24,
        top: 560,
        textStyle: { fontSize: 14, color: '#495057' },
      },
    ],
    legend: [
      { data: creators, orient: 'vertical', right: 16, top: 90, textStyle: { fontSize: 12 } },
      { data: [data.metricName, 'GMV'], right: 16, top: 560, textStyle: { fontSize: 12 } },
    ],
    grid: [
      { left: 56, right: 220, top: 90, height: 420 },
      { left: 72, right: 220, top: 610, height: 200 },
    ],
    xAxis: [
      { gridIndex: 0, type: 'category', data: data.periodLabels, boundaryGap: false },
      {
        gridIndex: 1,
        type: 'category',
        data: data.bars.map((b) => b.label),
        axisLabel: { rotate: 30, interval: 0, fontSize: 11 },
      },
    ],
    yAxis: [
      // Rank 1 on top: the axis is inverted and spans exactly the top.
      { gridIndex: 0, type: 'value', inverse: true, min: 1, max: Math.max(data.depth, 2), interval: 1 },
      { gridIndex: 1, type: 'value', axisLabel: { formatter: (v: number) => formatCount(v) } },
      {
        gridIndex: 1,
        type: 'value',
        position: 'right',
        splitLine: { show: false },
        axisLabel: { formatter: (v: number) => formatUsd(v) },
      },
    ],
    series: [
      ...data.series.map((s) => ({
        name: s.label,
        type: 'line',
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: s.ranks,
        // A null is a period outside the top: the line breaks there instead of inventing a rank.
        connectNulls: false,
        symbolSize: 7,
        lineStyle: { width: 2.5 },
      })),
      {
        name: data.metricName,
        type: 'bar',
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: data.bars.map((b) => b.metric),
        itemStyle: { color: '#fe2c55' },
      },
      {
        name: 'GMV',
        type: 'bar',
        xAxisIndex: 1,
        yAxisIndex: 2,
        data: data.bars.map((b) => b.gmv),
        itemStyle: { color: '#25a4c4' },
      },
    ],
  };
}

/** The chart as SVG text. */
async function renderChartSvg(data: ChartData): Promise<string> {
  const { echarts } = await libraries();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  try {
    chart.setOption(chartOption(data));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** The chart as PNG bytes. */
export async function renderChartPng(data: ChartData): Promise<Uint8Array> {
  const svg = await renderChartSvg(data);
  const { Resvg } = await libraries();
  const png = new Resvg(svg, {
    font: { fontFiles, loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
  })
    .render()
    .asPng();
  return new Uint8Array(png);
}
