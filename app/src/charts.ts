/// <reference lib="dom" />
/**
 * Apache ECharts, bundled from the npm package (no CDN): only the charts and
 * components the page uses, drawn on canvas. Charts carry ECharts' aria
 * description; every chart has a table beside it with the same figures.
 */
import { BarChart, LineChart, TreemapChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { monthLabel, num, pct } from './format.ts';

echarts.use([BarChart, LineChart, TreemapChart, AriaComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

const live = new Set<echarts.ECharts>();
let watching = false;

function chartIn(el: HTMLElement): echarts.ECharts {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  live.add(chart);
  if (!watching) {
    watching = true;
    window.addEventListener('resize', () => live.forEach((c) => c.resize()));
  }
  return chart;
}

/** Disposes the charts of the view being left. */
export function disposeCharts(): void {
  live.forEach((c) => c.dispose());
  live.clear();
}

export interface TrendPoint {
  month: string;
  reported: number;
  resolved: number;
  resolutionRate: number;
}

/**
 * Months side by side, `title` naming them. The description for screen
 * readers (the chart's aria-label) is written here, month by month as the
 * table beside it reads: ECharts' own reads a rate as a raw fraction, and a
 * month with nothing reported as NaN.
 */
export function trendChart(el: HTMLElement, points: TrendPoint[], title: string): void {
  const months = points.map(
    (p) => `${monthLabel(p.month)}受理 ${num(p.reported)} 件，化解 ${num(p.resolved)} 件，${p.reported ? `化解率 ${pct(p.resolutionRate)}` : '无化解率'}`,
  );
  chartIn(el).setOption({
    aria: { enabled: true, label: { description: `${title}：${months.join('；')}。` } },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    // The axes' names (件, 化解率) sit below the legend's row: on a phone's width the legend reaches the corners.
    grid: { left: 48, right: 48, top: 56, bottom: 28 },
    xAxis: { type: 'category', data: points.map((p) => monthLabel(p.month).slice(2)) },
    yAxis: [
      { type: 'value', name: '件', minInterval: 1 },
      { type: 'value', name: '化解率', min: 0, max: 1, axisLabel: { formatter: (v: number) => pct(v) } },
    ],
    series: [
      { name: '受理', type: 'bar', data: points.map((p) => p.reported), itemStyle: { color: '#1d4ed8' } },
      { name: '化解', type: 'bar', data: points.map((p) => p.resolved), itemStyle: { color: '#047857' } },
      {
        name: '化解率',
        type: 'line',
        yAxisIndex: 1,
        // A month with nothing reported has no rate: a gap, not 0%.
        data: points.map((p) => (p.reported ? p.resolutionRate : null)),
        itemStyle: { color: '#b45309' },
        tooltip: { valueFormatter: (v: unknown) => (typeof v === 'number' ? pct(v) : '—') },
      },
    ],
  });
}

export interface Tile {
  code: string;
  name: string;
  residents: number;
  resolutionRate: number;
  reported: number;
}

/** A tile's colour by 化解率: dark shades only, so the white labels keep a contrast of 4.5:1 or more on each. */
export const RATE_COLOURS = [
  { below: 0.8, colour: '#991b1b', zh: '化解率低于 80%' },
  { below: 0.9, colour: '#9a3412', zh: '80%–90%' },
  { below: 0.95, colour: '#1e40af', zh: '90%–95%' },
  { below: Infinity, colour: '#065f46', zh: '95% 及以上' },
];
const rateColour = (rate: number, reported: number) => (reported ? RATE_COLOURS.find((c) => rate < c.below)!.colour : '#374151');

/**
 * The children as a treemap sized by residents, coloured by 化解率; a click opens the child. For a keyboard and a
 * screen reader it is one image (its container's role="img" and label) and no Tab stop: ECharts draws tiles on a
 * canvas it cannot focus, and its aria option only writes a description. The sortable table beside it holds the same
 * figures and a link to each child, so the table is their way in, and the tiles are not a second set of stops.
 */
export function childrenTreemap(el: HTMLElement, tiles: Tile[], open: (code: string) => void): void {
  const chart = chartIn(el);
  chart.setOption({
    // The page's own label describes the treemap and points to the table of the same figures: ECharts' generated text
    // would replace it with a partial list of numbers without units.
    aria: { enabled: false },
    tooltip: {
      formatter: (p: { data?: { name: string; residents: number; rate: number; reported: number } }) =>
        p.data
          ? `${p.data.name}<br>实有人口 ${num(p.data.residents)}<br>${p.data.reported ? `受理 ${num(p.data.reported)}，化解率 ${pct(p.data.rate)}` : '本期无纠纷'}`
          : '',
    },
    series: [
      {
        type: 'treemap',
        roam: false,
        nodeClick: false,
        breadcrumb: { show: false },
        width: '100%',
        height: '100%',
        top: 0,
        left: 0,
        label: { show: true, formatter: '{b}', color: '#ffffff', fontSize: 13 },
        itemStyle: { borderColor: '#ffffff', borderWidth: 2, gapWidth: 2 },
        data: tiles.map((t) => ({
          name: t.name,
          code: t.code,
          value: Math.max(t.residents, 1),
          residents: t.residents,
          rate: t.resolutionRate,
          reported: t.reported,
          itemStyle: { color: rateColour(t.resolutionRate, t.reported) },
        })),
      },
    ],
  });
  chart.on('click', (p) => {
    const code = (p.data as { code?: string } | undefined)?.code;
    if (code) open(code);
  });
}
