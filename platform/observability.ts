import { configureLogs } from './log.ts';
import { configureMetrics } from './metrics.ts';
import type { Settings } from './settings.ts';
import { startTelemetry } from './telemetry.ts';

/**
 * A service process's logs, metrics and traces, set up first thing by its
 * entry point (docs/ARCHITECTURE.md, "Observability"): the log level from
 * HUB_LOG_LEVEL, the /metrics token from HUB_METRICS_TOKEN, and traces when
 * the OTEL_* settings ask for them.
 */
export async function startObservability(service: string, settings: Settings): Promise<{ shutdown(): Promise<void> }> {
  configureLogs({ level: settings.logLevel, service });
  configureMetrics({ token: settings.metricsToken });
  return startTelemetry(service);
}
