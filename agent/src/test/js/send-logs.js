// Sends three log records to the OTLP/HTTP logs endpoint given as the first argument with the OpenTelemetry
// JavaScript SDK's exporter, which speaks OTLP/JSON. Prints each export's result; exits 0 only if all succeeded.
'use strict';
const { LoggerProvider, SimpleLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { SeverityNumber } = require('@opentelemetry/api-logs');
const api = require('@opentelemetry/api');

const url = process.argv[2];
const exporter = new OTLPLogExporter({ url });
const results = [];
const exportOnce = exporter.export.bind(exporter);
exporter.export = (records, done) => exportOnce(records, (result) => {
  results.push(result);
  done(result);
});

const provider = new LoggerProvider({
  resource: resourceFromAttributes({ 'service.name': 'js-shop', 'host.name': 'js-host' }),
  processors: [new SimpleLogRecordProcessor({ exporter })],
});
const logger = provider.getLogger('js-scope', '0.9.1');
const span = api.trace.setSpanContext(api.context.active(), {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: api.TraceFlags.SAMPLED,
});

logger.emit({
  body: 'order 17 placed',
  severityNumber: SeverityNumber.WARN,
  severityText: 'WARN',
  attributes: { 'order.id': 17, 'order.paid': true, 'order.total': 12.5 },
  timestamp: new Date(Date.UTC(2026, 10, 23, 10, 0, 0, 123)),
  context: span,
});
logger.emit({ body: { cart: ['a', 'b'], n: 2 }, severityNumber: SeverityNumber.INFO });
logger.emit({ body: 'no context', attributes: { tags: ['x', 'y'] } });

provider.forceFlush()
  .then(() => provider.shutdown())
  .then(() => {
    for (const r of results) {
      console.log('export', r.code === 0 ? 'success' : 'failed ' + (r.error && r.error.message));
    }
    process.exit(results.length > 0 && results.every((r) => r.code === 0) ? 0 : 1);
  }, (err) => {
    console.log('failed', err && err.message);
    process.exit(2);
  });
