// Follows a Revaer event stream with the pinned `eventsource` package and
// prints one JSON line per occurrence on stdout: {"type": "open"}, every
// event as {"type", "id", "data"}, and {"type": "error", "message"} for
// each failed connection, which the client retries by itself.
//
// Usage: node sse_client.mjs URL [API_KEY]
// Runs until it receives SIGTERM or SIGINT.
import { EventSource } from 'eventsource';

const [url, apiKey] = process.argv.slice(2);
if (!url) {
  console.error('usage: node sse_client.mjs URL [API_KEY]');
  process.exit(2);
}

function print(record) {
  process.stdout.write(JSON.stringify(record) + '\n');
}

// EventSource cannot set headers in a browser, but this Node client can.
// So the key goes in a header, and the library's own Last-Event-ID header
// carries the resume position on every reconnect.
const source = new EventSource(url, {
  fetch: (input, init) =>
    fetch(input, {
      ...init,
      headers: apiKey ? { ...init.headers, 'x-revaer-api-key': apiKey } : init.headers,
    }),
});

const kinds = [
  'torrent_added', 'files_discovered', 'progress', 'state_changed',
  'completed', 'metadata_updated', 'torrent_removed', 'fsops_started',
  'fsops_progress', 'fsops_completed', 'fsops_failed', 'settings_changed',
  'health_changed', 'selection_reconciled', 'reset',
];
for (const kind of kinds) {
  source.addEventListener(kind, (event) => {
    print({ type: event.type, id: event.lastEventId, data: event.data });
  });
}
source.onopen = () => print({ type: 'open' });
source.onerror = (event) => print({ type: 'error', message: String(event.message ?? '') });

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    source.close();
    process.exit(0);
  });
}
