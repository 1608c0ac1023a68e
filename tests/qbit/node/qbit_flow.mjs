// Drives a qBittorrent WebUI API v2 server (revaerd, or qbittorrent-nox as
// the reference) through @ctrl/qbittorrent the way an automation script
// does: login, version, preferences, category, adds by magnet and by
// .torrent upload, listing, properties, files, completion, share limits,
// setLocation, rename, stop/start and delete with files.
//
// Usage: node qbit_flow.mjs CONFIG.json
// CONFIG contains baseUrl, username, password, category, categorySavePath,
// savePath, tags (array), magnet {link, hash}, upload {path, hash},
// newLocation, newName, checkpointDir and timeoutSeconds.
//
// Progress goes to stdout as one JSON object per line. At a checkpoint the
// script prints {"checkpoint": NAME, ...} and waits until the file
// CHECKPOINT_DIR/NAME.continue exists, so the caller can check the files on
// disk. The last line is the summary {"summary": {...}}. The exit code is 0
// only when every expectation held.

import { readFile, access } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { QBittorrent } from '@ctrl/qbittorrent';

// Preference keys that Sonarr, Radarr and Flood read from app/preferences.
const PREFERENCE_KEYS = [
  'save_path', 'max_ratio_enabled', 'max_ratio', 'max_seeding_time_enabled',
  'max_seeding_time', 'max_inactive_seeding_time_enabled',
  'max_inactive_seeding_time', 'max_ratio_act', 'queueing_enabled', 'dht',
  'listen_port', 'random_port', 'max_connec', 'max_uploads',
  'max_uploads_per_torrent', 'dl_limit', 'up_limit', 'pex', 'announce_ip',
];
const FILE_KEYS = ['name', 'size', 'progress', 'priority', 'index'];
const FINISHED_STATES = new Set([
  'uploading', 'stalledUP', 'forcedUP', 'queuedUP', 'pausedUP', 'stoppedUP',
  'checkingUP',
]);
const STOPPED_STATES = new Set(['pausedUP', 'pausedDL', 'stoppedUP', 'stoppedDL']);
const POLL_INTERVAL_MS = 500;

const config = JSON.parse(await readFile(process.argv[2], 'utf8'));
const deadlineMs = (config.timeoutSeconds ?? 180) * 1000;
const failures = [];
const summary = { failures };

function emit(record) {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

function expect(condition, message, detail) {
  if (!condition) {
    const entry = detail === undefined ? message : `${message}: ${JSON.stringify(detail)}`;
    failures.push(entry);
    emit({ failed: entry });
  }
  return Boolean(condition);
}

function withoutTrailingSlash(path) {
  return typeof path === 'string' ? path.replace(/\/+$/, '') : path;
}

// Calls `probe` every POLL_INTERVAL_MS until it returns a truthy value or
// the deadline passes. Returns the last value.
async function pollUntil(probe, timeoutMs = deadlineMs) {
  const end = Date.now() + timeoutMs;
  let value = await probe();
  while (!value && Date.now() < end) {
    await sleep(POLL_INTERVAL_MS);
    value = await probe();
  }
  return value;
}

async function checkpoint(name, details) {
  emit({ checkpoint: name, ...details });
  const marker = `${config.checkpointDir}/${name}.continue`;
  const reached = await pollUntil(() => access(marker).then(() => true, () => false));
  expect(reached, `no ${name}.continue marker from the caller`);
}

async function torrentsByHash(client, hashes) {
  const list = await client.listTorrents({ hashes });
  return Object.fromEntries(list.map(torrent => [torrent.hash, torrent]));
}

async function checkPreferences(client) {
  const preferences = await client.getPreferences();
  summary.preferencesMissing = PREFERENCE_KEYS.filter(key => !(key in preferences));
  expect(typeof preferences.save_path === 'string', 'preferences lack save_path', preferences);
}

async function checkCategory(client) {
  await client.createCategory(config.category, config.categorySavePath);
  const categories = await client.getCategories();
  summary.category = categories[config.category] ?? null;
  expect(summary.category?.name === config.category, 'category not listed by name', categories);
  expect(
    withoutTrailingSlash(summary.category?.savePath) === withoutTrailingSlash(config.categorySavePath),
    'category save path differs', summary.category);
}

async function addBoth(client, hashes) {
  const options = { category: config.category, savepath: config.savePath, tags: config.tags.join(',') };
  expect(await client.addMagnet(config.magnet.link, { ...options }), 'adding the magnet failed');
  const bytes = new Uint8Array(await readFile(config.upload.path));
  expect(await client.addTorrent(bytes, { ...options, filename: 'upload.torrent' }),
    'uploading the .torrent failed');

  // Clients poll right after adding, so both must be listed at once.
  const listed = await client.listTorrents({ category: config.category });
  summary.listedRightAfterAdd = hashes.filter(hash => listed.some(t => t.hash === hash));
  const all = await pollUntil(async () => {
    const list = await client.listTorrents({ category: config.category });
    return hashes.every(hash => list.some(t => t.hash === hash)) ? list : null;
  }, 30_000);
  expect(all, 'torrents not listed by category', hashes);
  for (const torrent of all ?? []) {
    expect(torrent.category === config.category, 'category not set', torrent);
    const tags = torrent.tags.split(',').map(tag => tag.trim()).filter(Boolean).sort();
    expect(JSON.stringify(tags) === JSON.stringify([...config.tags].sort()), 'tags not set', torrent.tags);
  }
}

async function checkProperties(client, hash) {
  const properties = await client.torrentProperties(hash);
  expect(withoutTrailingSlash(properties.save_path) === withoutTrailingSlash(config.savePath),
    'properties save_path differs from the requested save path', properties);
  return properties;
}

async function waitForCompletion(client, hashes) {
  const finished = await pollUntil(async () => {
    const byHash = await torrentsByHash(client, hashes);
    const done = hashes.every(hash =>
      byHash[hash]?.progress === 1 && FINISHED_STATES.has(byHash[hash].state));
    return done ? byHash : null;
  });
  expect(finished, 'torrents did not finish downloading', await torrentsByHash(client, hashes));
  return finished ?? {};
}

async function checkFiles(client, hash) {
  const files = await client.torrentFiles(hash);
  expect(files.length > 0, 'torrent lists no files', hash);
  for (const file of files) {
    const missing = FILE_KEYS.filter(key => !(key in file));
    expect(missing.length === 0, 'file entry lacks keys', { file, missing });
    expect(file.progress === 1, 'file not complete', file);
  }
  return files;
}

async function setShareLimits(client, hash) {
  const form = new URLSearchParams({
    hashes: hash, ratioLimit: '2', seedingTimeLimit: '60', inactiveSeedingTimeLimit: '-2',
  });
  // @ctrl/qbittorrent has no method for this endpoint, so the flow uses its
  // authenticated request().
  await client.request('/torrents/setShareLimits', 'POST', undefined, form, undefined, false);
  const torrent = (await torrentsByHash(client, [hash]))[hash];
  summary.shareLimits = { ratio_limit: torrent?.ratio_limit, seeding_time_limit: torrent?.seeding_time_limit };
  expect(torrent?.ratio_limit === 2, 'ratio_limit not applied', torrent?.ratio_limit);
  expect(torrent?.seeding_time_limit === 60, 'seeding_time_limit not applied', torrent?.seeding_time_limit);
}

async function moveAndRename(client, hash) {
  await client.setTorrentLocation(hash, config.newLocation);
  const moved = await pollUntil(async () => {
    const torrent = (await torrentsByHash(client, [hash]))[hash];
    const atNewLocation = withoutTrailingSlash(torrent?.save_path) === withoutTrailingSlash(config.newLocation);
    return atNewLocation && torrent.state !== 'moving' ? torrent : null;
  });
  expect(moved, 'setLocation did not move the torrent', (await torrentsByHash(client, [hash]))[hash]);
  summary.moved = moved ? { save_path: moved.save_path, content_path: moved.content_path } : null;

  await client.setTorrentName(hash, config.newName);
  const renamed = (await torrentsByHash(client, [hash]))[hash];
  expect(renamed?.name === config.newName, 'rename not applied', renamed?.name);
  return moved;
}

async function stopAndStart(client, hashes) {
  await client.stopTorrent(hashes);
  const stopped = await pollUntil(async () => {
    const byHash = await torrentsByHash(client, hashes);
    return hashes.every(hash => STOPPED_STATES.has(byHash[hash]?.state)) ? byHash : null;
  }, 60_000);
  expect(stopped, 'torrents did not stop', await torrentsByHash(client, hashes));
  summary.stoppedStates = hashes.map(hash => stopped?.[hash]?.state);

  await client.startTorrent(hashes);
  const started = await pollUntil(async () => {
    const byHash = await torrentsByHash(client, hashes);
    return hashes.every(hash => byHash[hash] && !STOPPED_STATES.has(byHash[hash].state)) ? byHash : null;
  }, 60_000);
  expect(started, 'torrents did not start again', await torrentsByHash(client, hashes));
  summary.startedStates = hashes.map(hash => started?.[hash]?.state);
}

async function deleteWithFiles(client, hashes) {
  await client.removeTorrent(hashes, true);
  const removed = await pollUntil(async () => (await client.listTorrents({ hashes })).length === 0, 60_000);
  expect(removed, 'torrents still listed after delete', hashes);
  summary.deleted = Boolean(removed);
}

async function run() {
  const client = new QBittorrent({
    baseUrl: config.baseUrl, username: config.username, password: config.password, timeout: 30_000,
  });
  summary.login = await client.login();
  summary.appVersion = await client.getAppVersion();
  summary.apiVersion = await client.getApiVersion();
  expect(/^v\d+\.\d+\.\d+/.test(summary.appVersion), 'app/version is not vX.Y.Z', summary.appVersion);
  expect(/^\d+\.\d+(\.\d+)?$/.test(summary.apiVersion), 'webapiVersion is not X.Y.Z', summary.apiVersion);
  await checkPreferences(client);
  await checkCategory(client);

  const hashes = [config.magnet.hash, config.upload.hash];
  await addBoth(client, hashes);
  summary.properties = {};
  for (const hash of hashes) {
    summary.properties[hash] = await checkProperties(client, hash);
  }

  const finished = await waitForCompletion(client, hashes);
  summary.files = {};
  for (const hash of hashes) {
    summary.files[hash] = await checkFiles(client, hash);
  }
  await checkpoint('downloaded', {
    content_paths: Object.fromEntries(hashes.map(hash => [hash, finished[hash]?.content_path])),
  });

  await setShareLimits(client, config.upload.hash);
  const moved = await moveAndRename(client, config.magnet.hash);
  await checkpoint('moved', { content_path: moved?.content_path });

  await stopAndStart(client, hashes);
  await deleteWithFiles(client, hashes);
}

try {
  await run();
} catch (error) {
  expect(false, `request failed: ${error.message}`, error.data ?? error.response?.status);
}
summary.ok = failures.length === 0;
emit({ summary });
process.exitCode = summary.ok ? 0 : 1;
