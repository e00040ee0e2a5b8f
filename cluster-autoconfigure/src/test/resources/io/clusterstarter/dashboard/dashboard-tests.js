/*
 * Unit tests of dashboard.js's functions, run by DashboardScriptTests in headless Chromium (the
 * browser is the runtime the script is written for; no Node.js). Open this page in any browser
 * to run them by hand.
 */
(function () {
	'use strict';

	var d = window.ClusterDashboard;
	var results = [];

	function test(name, body) {
		try {
			body();
			results.push({ name: name, passed: true });
		}
		catch (error) {
			results.push({ name: name, passed: false, message: String(error && error.message || error) });
		}
	}

	function eq(actual, expected, what) {
		var a = JSON.stringify(actual), e = JSON.stringify(expected);
		if (a !== e) {
			throw new Error((what ? what + ': ' : '') + 'expected ' + e + ' but was ' + a);
		}
	}

	var MINUTE = 60 * 1000;

	function worker(id, slot, state, extra) {
		var w = { id: id, slot: slot, pid: 1000 + id, state: state, ready: state === 'listening', lead: false,
			uptime: 'PT1M5S', restarts: 0, release: { version: '1.0' },
			report: { age: 'PT0.5S', stale: false, heap: { used: 52428800, max: 268435456 }, processCpuLoad: 0.035,
				requests: { served: 10, inFlight: 0, perSecond: 12.34 }, rss: 300000000, pss: 220200960 } };
		Object.keys(extra || {}).forEach(function (key) {
			w[key] = extra[key];
		});
		return w;
	}

	function cluster(workers, primary) {
		var map = {};
		workers.forEach(function (w) {
			map[String(w.id)] = w;
		});
		var p = { pid: 42, uptime: 'PT2H5M', port: 8080, scheduling: 'shared-queue', settings: { workers: 2 },
			counters: { forks: 2, exits: 0, restarts: 0, recycles: 0, oomKills: 0 }, failedSlots: [],
			image: { state: 'ready' }, rss: 117440512, release: { version: '1.0' } };
		Object.keys(primary || {}).forEach(function (key) {
			p[key] = primary[key];
		});
		return { primary: p, workers: map };
	}

	test('parseDuration reads ISO-8601 durations as the JDK writes them', function () {
		eq(d.parseDuration('PT1H2M3.5S'), 3723.5);
		eq(d.parseDuration('P2DT3H'), 183600);
		eq(d.parseDuration('PT0S'), 0);
		eq(d.parseDuration('PT7.248244115S'), 7.248244115);
		eq(d.parseDuration('soon'), null);
		eq(d.parseDuration(null), null);
	});

	test('formatDuration shows the two largest units', function () {
		eq(d.formatDuration(0.44), '0.4s');
		eq(d.formatDuration(12), '12s');
		eq(d.formatDuration(250), '4m 10s');
		eq(d.formatDuration(7500), '2h 5m');
		eq(d.formatDuration(273600), '3d 4h');
		eq(d.formatDuration(null), '–');
	});

	test('formatBytes uses binary units and a dash for unknown', function () {
		eq(d.formatBytes(512), '512 B');
		eq(d.formatBytes(1536), '1.50 KB');
		eq(d.formatBytes(220200960), '210 MB');
		eq(d.formatBytes(1342177280), '1.25 GB');
		eq(d.formatBytes(null), '–');
		eq(d.formatBytes(-1), '–');
	});

	test('formatRate and formatPercent keep one decimal', function () {
		eq(d.formatRate(12.345), '12.3');
		eq(d.formatRate(0), '0.0');
		eq(d.formatRate(null), '–');
		eq(d.formatPercent(0.035), '3.5%');
		eq(d.formatPercent(undefined), '–');
	});

	test('formatTime always shows the seconds, even at :00', function () {
		eq(d.formatTime(new Date(2026, 0, 1, 4, 5, 0)), '04:05:00');
		eq(d.formatTime(new Date(2026, 0, 1, 16, 48, 9)), '16:48:09');
	});

	test('toDate reads ISO strings, epoch seconds and epoch milliseconds', function () {
		var iso = '2026-12-05T16:48:00Z';
		eq(d.toDate(iso).getTime(), Date.parse(iso));
		eq(d.toDate(Date.parse(iso) / 1000).getTime(), Date.parse(iso));
		eq(d.toDate(Date.parse(iso)).getTime(), Date.parse(iso));
	});

	test('stateLabel gives every state a sign, so that it reads without colour', function () {
		eq(d.stateLabel('listening'), '● listening');
		eq(d.stateLabel('dead'), '✖ dead');
		eq(d.stateLabel('warming'), '◐ warming');
		eq(d.stateLabel('something-new'), '? something-new');
	});

	test('workerRows orders by slot and shows each figure', function () {
		var rows = d.workerRows(cluster([worker(7, 1, 'listening'), worker(3, 0, 'listening', { lead: true })]));
		eq(rows.map(function (row) {
			return row.id;
		}), [3, 7]);
		var cells = rows[0].cells;
		eq(cells.lead, '★ lead');
		eq(cells.heap, '50.0 MB / 256 MB');
		eq(cells.pss, '210 MB');
		eq(cells.cpu, '3.5%');
		eq(cells.rps, '12.3');
		eq(cells.uptime, '1m 5s');
		eq(cells.report, '0.5s ago');
		eq(rows[0].attention, false);
	});

	test('workerRows never shows a stale report\'s figures as current, and flags the row', function () {
		var stale = worker(4, 0, 'listening', { report: { age: 'PT30S', stale: true } });
		var row = d.workerRows(cluster([stale]))[0];
		eq(row.cells.heap, '–');
		eq(row.cells.pss, '–');
		eq(row.cells.rps, '–');
		eq(row.cells.report, '⚠ stale, 30s ago');
		eq(row.attention, true);
	});

	test('workerRows shows a warm-up under way and a worker without a report', function () {
		var warming = worker(5, 0, 'warming', { report: null, warmup: { state: 'running', progress: 0.42 } });
		var row = d.workerRows(cluster([warming]))[0];
		eq(row.cells.state, '◐ warming 42%');
		eq(row.cells.report, 'none yet');
	});

	test('primaryFacts lists pid, balancing, image and memory', function () {
		var facts = d.primaryFacts(cluster([worker(1, 0, 'listening')]));
		var byLabel = {};
		facts.forEach(function (fact) {
			byLabel[fact[0]] = fact[1];
		});
		eq(byLabel.PID, '42');
		eq(byLabel.Balancing, 'shared-queue');
		eq(byLabel['Worker image'], 'ready');
		eq(byLabel['Memory (RSS)'], '112 MB');
		eq(byLabel.Workers, '1 serving of 2');
		eq(byLabel['Upgraded from'], undefined);
		eq(d.primaryFacts({ primary: null, workers: {} }), []);
	});

	test('primaryFacts says which primary an upgrade took over from', function () {
		var facts = d.primaryFacts(cluster([], { runs: { version: '2.0', starter: '1.1.0', upgradedFrom: 4242 } }));
		var byLabel = {};
		facts.forEach(function (fact) {
			byLabel[fact[0]] = fact[1];
		});
		eq(byLabel.Starter, '1.1.0');
		eq(byLabel['Upgraded from'], 'pid 4242; history and events start with this primary');
	});

	test('notices tell a cluster that is not one', function () {
		eq(d.notices({ cluster: { primary: null, workers: {} } }, Date.now())[0].level, 'info');
	});

	test('notices show a deploy under way, failed slots and missing workers', function () {
		var now = Date.now();
		var data = { cluster: cluster([worker(1, 0, 'listening')], { failedSlots: [1],
			deploy: { release: { version: '1.1' }, phase: 'rolling', since: new Date(now).toISOString() } }), events: [] };
		var texts = d.notices(data, now).map(function (notice) {
			return notice.level + ' ' + notice.text;
		});
		eq(texts.length, 3, texts.join(' | '));
		eq(texts[0].indexOf('info ⟳ Deploy of 1.1 under way: rolling'), 0, texts[0]);
		eq(texts[1].indexOf('alert ⚠ Failed slot 1:'), 0, texts[1]);
		eq(texts[2], 'alert ⚠ 1 of 2 workers serving');
	});

	test('notices keep an alert event for ten minutes', function () {
		var now = Date.now();
		var data = { cluster: cluster([worker(1, 0, 'listening'), worker(2, 1, 'listening')]), events: [
			{ time: new Date(now - 11 * MINUTE).toISOString(), text: 'worker 1 exited with code 1', alert: true },
			{ time: new Date(now - MINUTE).toISOString(), text: 'worker 3 exited with code 137 (SIGKILL)', alert: true },
			{ time: new Date(now).toISOString(), text: 'worker 4 forked in slot 0 (pid 9)', alert: false }] };
		var list = d.notices(data, now);
		eq(list.length, 1);
		eq(/^⚠ \d\d:\d\d:\d\d worker 3 exited with code 137 \(SIGKILL\)$/.test(list[0].text), true, list[0].text);
	});

	test('csrfFrom prefers the dashboard\'s headers, then the XSRF-TOKEN cookie', function () {
		var headers = { 'Cluster-Csrf-Header': 'X-CSRF-TOKEN', 'Cluster-Csrf-Token': 'abc' };
		function header(name) {
			return headers[name] || null;
		}
		eq(d.csrfFrom(header, 'XSRF-TOKEN=zzz'), { header: 'X-CSRF-TOKEN', token: 'abc' });
		eq(d.csrfFrom(function () {
			return null;
		}, 'a=b; XSRF-TOKEN=1%2F2; c=d'), { header: 'X-XSRF-TOKEN', token: '1/2' });
		eq(d.csrfFrom(function () {
			return null;
		}, 'a=b'), null);
	});

	test('outcomeText says what happened, refusals with their reason', function () {
		eq(d.outcomeText('Scale', 200, { action: 'scale', workers: 3 }), '✔ Scale started (3 workers)');
		eq(d.outcomeText('Deploy', 200, { action: 'deploy', release: { version: '1.2' } }),
			'✔ Deploy started: release 1.2');
		eq(d.outcomeText('Restart of worker 3', 200, { action: 'restart', worker: 3 }), '✔ Restart of worker 3 started');
		eq(d.outcomeText('Rolling restart', 409, { status: 409, reason: 'A rolling restart is running' }),
			'✖ Rolling restart refused (409): A rolling restart is running');
		eq(d.outcomeText('Scale', 403, null), '✖ Scale refused (403): not allowed, or the CSRF token was refused');
		eq(d.outcomeText('Scale', 0, { reason: 'Failed to fetch' }), '✖ Scale refused (0): Failed to fetch');
	});

	test('clusterTotal adds the workers up and leaves gaps where none reported', function () {
		var history = { times: [1, 2, 3], workers: [{ pss: [10, null, 5] }, { pss: [1, null, null] }] };
		eq(d.clusterTotal(history, 'pss'), [11, null, 5]);
	});

	test('niceMax rounds up to 1, 2 or 5 times a power of ten', function () {
		eq(d.niceMax(0), 1);
		eq(d.niceMax(1), 1);
		eq(d.niceMax(3), 5);
		eq(d.niceMax(101), 200);
		eq(d.niceMax(468000000), 500000000);
	});

	test('linePath breaks the line where a value is missing and clamps to the box', function () {
		var box = { start: 0, end: 100, width: 100, height: 50, max: 10 };
		eq(d.linePath([0, 50, 100], [0, 10, 20], box), 'M0.0 50.0L50.0 0.0L100.0 0.0');
		eq(d.linePath([0, 50, 100], [5, null, 5], box), 'M0.0 25.0M100.0 25.0');
		eq(d.linePath([0], [null], box), '');
	});

	test('chartLines puts the cluster first, then a line per worker', function () {
		var lines = d.chartLines({ times: [1], workers: [{ id: 3, slot: 0, pss: [4] }, { id: 5, slot: 1, pss: [6] }] },
			'pss');
		eq(lines.map(function (line) {
			return line.label;
		}), ['cluster', 'worker 3 (slot 0)', 'worker 5 (slot 1)']);
		eq(lines[0].values, [10]);
		eq(d.lastValue([1, 2, null]), 2);
		eq(d.lastValue([null]), null);
	});

	test('legendValue tells a worker that is gone from one that serves', function () {
		function mb(value) {
			return value + ' MB';
		}
		eq(d.legendValue([1, 2], mb), '2 MB');
		eq(d.legendValue([1, 2, null], mb), 'gone (last 2 MB)');
		eq(d.legendValue([null, null], mb), '–');
	});

	test('actionUrl keeps what comes before the endpoints, such as a context path', function () {
		eq(d.actionUrl('/shop/actuator/clusterdashboard', '/actuator/clusterdashboard', '/actuator/cluster'),
			'/shop/actuator/cluster');
		eq(d.actionUrl('/actuator/clusterdashboard', '/actuator/clusterdashboard', '/actuator/cluster'),
			'/actuator/cluster');
		eq(d.actionUrl('/elsewhere', '/actuator/clusterdashboard', '/actuator/cluster'), '/actuator/cluster');
	});

	window.dashboardTestResults = results;
	document.addEventListener('DOMContentLoaded', function () {
		var passed = results.filter(function (result) {
			return result.passed;
		}).length;
		document.getElementById('results').textContent = passed + ' passed, ' + (results.length - passed) + ' failed\n'
			+ results.filter(function (result) {
				return !result.passed;
			}).map(function (result) {
				return result.name + ': ' + result.message;
			}).join('\n');
	});
}());
