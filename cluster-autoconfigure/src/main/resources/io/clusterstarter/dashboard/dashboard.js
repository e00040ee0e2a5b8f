/*
 * The cluster dashboard's script: plain JavaScript that the browser runs as it is, without a
 * build step. The functions at the top turn the endpoint's JSON into what the page shows and are
 * unit-tested (dashboard-tests.html, run in headless Chromium by the starter's tests); the rest
 * draws the page, polls the endpoint and sends the actions.
 */
(function (global) {
	'use strict';

	var DATA_EVERY = 2000;
	var HISTORY_EVERY = 15000;
	/** An alert event stays among the notices this long. */
	var ALERT_SHOWN = 10 * 60 * 1000;

	// ---- Figures as text -------------------------------------------------------------------

	/** Seconds in an ISO-8601 duration such as PT1H2M3.5S or P2DT3H; null when it is not one. */
	function parseDuration(iso) {
		if (typeof iso !== 'string') {
			return null;
		}
		var match = /^(-)?P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(-?\d+(?:\.\d+)?)H)?(?:(-?\d+(?:\.\d+)?)M)?(?:(-?\d+(?:\.\d+)?)S)?)?$/.exec(iso);
		if (!match || iso === 'P' || iso === 'PT') {
			return null;
		}
		var seconds = (+(match[2] || 0)) * 86400 + (+(match[3] || 0)) * 3600 + (+(match[4] || 0)) * 60 + (+(match[5] || 0));
		return match[1] ? -seconds : seconds;
	}

	/** A duration in seconds as a person reads it: 3d 4h, 2h 5m, 4m 10s, 12s, 0.4s. */
	function formatDuration(seconds) {
		if (seconds === null || seconds === undefined || isNaN(seconds)) {
			return '–';
		}
		if (seconds < 10) {
			return (Math.round(seconds * 10) / 10) + 's';
		}
		var s = Math.floor(seconds);
		var days = Math.floor(s / 86400), hours = Math.floor(s % 86400 / 3600), minutes = Math.floor(s % 3600 / 60);
		if (days > 0) {
			return days + 'd ' + hours + 'h';
		}
		if (hours > 0) {
			return hours + 'h ' + minutes + 'm';
		}
		if (minutes > 0) {
			return minutes + 'm ' + (s % 60) + 's';
		}
		return s + 's';
	}

	/** Bytes in binary units: 512 B, 1.5 KB, 210 MB, 1.25 GB; a dash when unknown. */
	function formatBytes(bytes) {
		if (bytes === null || bytes === undefined || isNaN(bytes) || bytes < 0) {
			return '–';
		}
		var units = ['B', 'KB', 'MB', 'GB', 'TB'];
		var value = bytes, unit = 0;
		while (value >= 1024 && unit < units.length - 1) {
			value /= 1024;
			unit++;
		}
		var digits = (unit === 0 || value >= 100) ? 0 : (value >= 10 ? 1 : 2);
		return value.toFixed(digits) + ' ' + units[unit];
	}

	/** A rate with one decimal, or a dash when unknown. */
	function formatRate(rate) {
		return (rate === null || rate === undefined || isNaN(rate)) ? '–' : (Math.round(rate * 10) / 10).toFixed(1);
	}

	/** A load from 0 to 1 as a percentage with one decimal, or a dash. */
	function formatPercent(load) {
		return (load === null || load === undefined || isNaN(load) || load < 0) ? '–' : (load * 100).toFixed(1) + '%';
	}

	/** A time (an ISO string, or seconds or milliseconds since the epoch) as a Date. */
	function toDate(time) {
		if (typeof time === 'number') {
			return new Date(time < 1e11 ? time * 1000 : time);
		}
		return new Date(time);
	}

	/** A time of day with its seconds, in the browser's time zone, such as 14:03:09. */
	function formatTime(date) {
		function two(n) {
			return (n < 10 ? '0' : '') + n;
		}
		return two(date.getHours()) + ':' + two(date.getMinutes()) + ':' + two(date.getSeconds());
	}

	/** A worker's state with a sign, so that it reads without colour. */
	function stateLabel(state) {
		var signs = { listening: '●', warming: '◐', online: '○', forked: '○', disconnecting: '◌', dead: '✖' };
		return (signs[state] || '?') + ' ' + (state || 'unknown');
	}

	// ---- The cluster as the page shows it --------------------------------------------------

	/** The workers as table rows, by slot, then id. */
	function workerRows(cluster) {
		var workers = (cluster && cluster.workers) ? Object.keys(cluster.workers).map(function (key) {
			return cluster.workers[key];
		}) : [];
		workers.sort(function (a, b) {
			return (a.slot - b.slot) || (a.id - b.id);
		});
		return workers.map(function (worker) {
			var report = worker.report || null;
			var fresh = report && !report.stale;
			var heap = fresh && report.heap ? report.heap : null;
			return {
				id: worker.id,
				cells: {
					id: String(worker.id),
					slot: String(worker.slot),
					pid: String(worker.pid),
					state: stateLabel(worker.state) + (worker.warmup && worker.warmup.state === 'running'
						? ' ' + Math.round(worker.warmup.progress * 100) + '%' : ''),
					lead: worker.lead ? '★ lead' : '',
					release: (worker.release && worker.release.version) || '–',
					uptime: formatDuration(parseDuration(worker.uptime)),
					restarts: String(worker.restarts || 0),
					heap: heap ? formatBytes(heap.used) + (heap.max > 0 ? ' / ' + formatBytes(heap.max) : '') : '–',
					pss: fresh ? formatBytes(report.pss) : '–',
					cpu: fresh ? formatPercent(report.processCpuLoad) : '–',
					rps: fresh && report.requests ? formatRate(report.requests.perSecond) : '–',
					report: report ? (report.stale ? '⚠ stale, ' : '') + formatDuration(parseDuration(report.age)) + ' ago'
						: 'none yet'
				},
				attention: worker.state === 'dead' || (report !== null && report.stale)
			};
		});
	}

	/** The primary's facts as label and value pairs. */
	function primaryFacts(cluster) {
		var primary = cluster && cluster.primary;
		if (!primary) {
			return [];
		}
		var facts = [
			['PID', String(primary.pid)],
			['Uptime', formatDuration(parseDuration(primary.uptime))],
			['Release', (primary.release && primary.release.version) || '–'],
			['Port', primary.port !== undefined && primary.port !== null ? String(primary.port) : 'none'],
			['Balancing', primary.scheduling || '–'],
			['Memory (RSS)', formatBytes(primary.rss)],
			['Workers', countServing(cluster) + ' serving of ' + (primary.settings ? primary.settings.workers : '?')],
			['Worker image', primary.image ? primary.image.state + (primary.image.reason ? ': ' + primary.image.reason : '') : '–']
		];
		if (primary.counters) {
			facts.push(['Restarts', String(primary.counters.restarts) + (primary.counters.oomKills
				? ' (' + primary.counters.oomKills + ' out of memory)' : '')]);
		}
		if (primary.host && primary.host.memoryLimit > 0) {
			facts.push(['Memory limit', formatBytes(primary.host.memoryLimit) + (primary.host.containerLimit
				? ' (container)' : '')]);
		}
		if (primary.runs && primary.runs.starter) {
			facts.push(['Starter', primary.runs.starter]);
		}
		if (primary.runs && primary.runs.upgradedFrom) {
			// After an upgrade the history and events start again with this primary: say why
			facts.push(['Upgraded from', 'pid ' + primary.runs.upgradedFrom + '; history and events start with this primary']);
		}
		return facts;
	}

	function countServing(cluster) {
		var web = cluster.primary && cluster.primary.port !== undefined && cluster.primary.port !== null;
		return Object.keys(cluster.workers || {}).filter(function (key) {
			var worker = cluster.workers[key];
			return web ? worker.state === 'listening' : worker.ready;
		}).length;
	}

	/**
	 * What needs a look now, each {level: 'alert' | 'info', text}: a deploy under way, failed
	 * slots, fewer workers serving than configured, and alert events of the last minutes.
	 */
	function notices(data, now) {
		var list = [];
		var cluster = data.cluster || {};
		var primary = cluster.primary;
		if (!primary) {
			list.push({ level: 'info', text: 'This application does not run as a cluster: no primary, no workers.' });
			return list;
		}
		if (primary.deploy) {
			list.push({ level: 'info', text: '⟳ Deploy of ' + ((primary.deploy.release && primary.deploy.release.version)
				|| '?') + ' under way: ' + primary.deploy.phase + ' (since ' + formatTime(toDate(primary.deploy.since)) + ')' });
		}
		if (primary.failedSlots && primary.failedSlots.length) {
			list.push({ level: 'alert', text: '⚠ Failed slot' + (primary.failedSlots.length > 1 ? 's ' : ' ')
				+ primary.failedSlots.join(', ') + ': its workers exited too often and are no longer restarted' });
		}
		var configured = primary.settings ? primary.settings.workers : null;
		var serving = countServing(cluster);
		if (configured !== null && serving < configured) {
			list.push({ level: 'alert', text: '⚠ ' + serving + ' of ' + configured + ' workers serving' });
		}
		(data.events || []).forEach(function (event) {
			var time = toDate(event.time);
			if (event.alert && now - time.getTime() < ALERT_SHOWN) {
				list.push({ level: 'alert', text: '⚠ ' + formatTime(time) + ' ' + event.text });
			}
		});
		return list;
	}

	/** The CSRF token to send with an action, from the data's answer or a cookie; or null. */
	function csrfFrom(header, cookies) {
		var name = header('Cluster-Csrf-Header');
		var token = header('Cluster-Csrf-Token');
		if (name && token) {
			return { header: name, token: token };
		}
		var match = /(?:^|;\s*)XSRF-TOKEN=([^;]*)/.exec(cookies || '');
		return match ? { header: 'X-XSRF-TOKEN', token: decodeURIComponent(match[1]) } : null;
	}

	/** What an action's answer says, in a sentence. */
	function outcomeText(label, status, body) {
		if (status >= 200 && status < 300) {
			if (body && body.release) {
				return '✔ ' + label + ' started: release ' + (body.release.version || body.release.artifact);
			}
			if (body && typeof body.workers === 'number') {
				return '✔ ' + label + ' started (' + body.workers + ' worker' + (body.workers === 1 ? '' : 's') + ')';
			}
			return '✔ ' + label + ' started';
		}
		var reason = (body && (body.reason || body.message || body.error)) || '';
		if (status === 401 || status === 403) {
			reason = reason || (status === 401 ? 'not signed in' : 'not allowed, or the CSRF token was refused');
		}
		return '✖ ' + label + ' refused (' + status + ')' + (reason ? ': ' + reason : '');
	}

	// ---- Charts ----------------------------------------------------------------------------

	/** The cluster's total at each point: the sum of the workers' values, null where none has one. */
	function clusterTotal(history, key) {
		var times = history.times || [];
		return times.map(function (time, index) {
			var total = null;
			(history.workers || []).forEach(function (worker) {
				var value = worker[key][index];
				if (value !== null && value !== undefined) {
					total = (total || 0) + value;
				}
			});
			return total;
		});
	}

	/** A round number at or above the value, for an axis: 1, 2 or 5 times a power of ten. */
	function niceMax(value) {
		if (!(value > 0)) {
			return 1;
		}
		var power = Math.pow(10, Math.floor(Math.log(value) / Math.LN10));
		var steps = [1, 2, 5, 10];
		for (var i = 0; i < steps.length; i++) {
			if (steps[i] * power >= value) {
				return steps[i] * power;
			}
		}
		return 10 * power;
	}

	/**
	 * An SVG path through the values, one segment per run of known values; x from the times over
	 * [start, end], y from 0 to max, in a box of width by height.
	 */
	function linePath(times, values, box) {
		var path = '';
		var drawing = false;
		var span = Math.max(1, box.end - box.start);
		for (var i = 0; i < values.length; i++) {
			var value = values[i];
			if (value === null || value === undefined || isNaN(value)) {
				drawing = false;
				continue;
			}
			var x = (times[i] - box.start) / span * box.width;
			var y = box.height - Math.min(value, box.max) / box.max * box.height;
			path += (drawing ? 'L' : 'M') + x.toFixed(1) + ' ' + y.toFixed(1);
			drawing = true;
		}
		return path;
	}

	/** The lines of one chart: the cluster's total first, then each worker's. */
	function chartLines(history, key) {
		var lines = [{ label: 'cluster', values: clusterTotal(history, key), total: true }];
		(history.workers || []).forEach(function (worker) {
			lines.push({ label: 'worker ' + worker.id + ' (slot ' + worker.slot + ')', values: worker[key],
				slot: worker.slot, id: worker.id });
		});
		return lines;
	}

	/**
	 * The cluster endpoint's URL from the page's: both endpoints' paths share what comes before
	 * them (a servlet context path, a proxy's prefix).
	 */
	function actionUrl(page, selfPath, actionsPath) {
		if (selfPath && page.length >= selfPath.length && page.slice(page.length - selfPath.length) === selfPath) {
			return page.slice(0, page.length - selfPath.length) + actionsPath;
		}
		return actionsPath;
	}

	/** A line's figure for its legend: its value now, or its last one for a worker that is gone. */
	function legendValue(values, format) {
		var last = lastValue(values);
		if (last === null) {
			return '–';
		}
		return (values[values.length - 1] === null || values[values.length - 1] === undefined)
			? 'gone (last ' + format(last) + ')' : format(last);
	}

	/** The last known value of a series, or null. */
	function lastValue(values) {
		for (var i = values.length - 1; i >= 0; i--) {
			if (values[i] !== null && values[i] !== undefined) {
				return values[i];
			}
		}
		return null;
	}

	// ---- The page --------------------------------------------------------------------------

	var SVG = 'http://www.w3.org/2000/svg';

	function byId(id) {
		return document.getElementById(id);
	}

	function element(tag, text, attributes) {
		var node = document.createElement(tag);
		if (text !== undefined && text !== null) {
			node.textContent = text;
		}
		Object.keys(attributes || {}).forEach(function (name) {
			node.setAttribute(name, attributes[name]);
		});
		return node;
	}

	function Dashboard() {
		this.base = location.pathname.replace(/\/$/, '');
		this.selfPath = null;
		this.csrf = null;
		this.actions = null;
		this.failures = 0;
		this.configured = null;
	}

	Dashboard.prototype.start = function () {
		var dashboard = this;
		byId('rolling-restart').addEventListener('click', function () {
			dashboard.act('Rolling restart', 'Start a rolling restart: every worker is replaced, one after the other?',
				'', { action: 'rolling-restart' });
		});
		byId('scale-form').addEventListener('submit', function (event) {
			event.preventDefault();
			var workers = parseInt(byId('scale-workers').value, 10);
			dashboard.act('Scale', 'Scale the cluster to ' + workers + ' worker' + (workers === 1 ? '' : 's') + '?', '',
				{ action: 'scale', workers: workers });
		});
		byId('deploy-form').addEventListener('submit', function (event) {
			event.preventDefault();
			var artifact = byId('deploy-artifact').value;
			dashboard.act('Deploy', 'Deploy ' + artifact + '? Every worker is replaced by one of the new release, '
				+ 'and the deploy rolls back if a new worker fails.', '', { action: 'deploy', artifact: artifact });
		});
		this.poll();
		this.pollHistory();
	};

	Dashboard.prototype.url = function (part) {
		return this.base + '/' + part;
	};

	Dashboard.prototype.poll = function () {
		var dashboard = this;
		fetch(this.url('data'), { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
			.then(function (response) {
				dashboard.csrf = csrfFrom(function (name) {
					return response.headers.get(name);
				}, document.cookie) || dashboard.csrf;
				return response.json().then(function (body) {
					if (!response.ok) {
						throw new Error((body && body.reason) || ('HTTP ' + response.status));
					}
					return body;
				});
			})
			.then(function (data) {
				dashboard.failures = 0;
				dashboard.render(data);
				dashboard.status('Live, updated ' + formatTime(new Date()));
			})
			.catch(function (error) {
				dashboard.failures++;
				dashboard.status('⚠ Not updated: ' + error.message + '. Retrying…');
			})
			.then(function () {
				setTimeout(function () {
					dashboard.poll();
				}, dashboard.failures ? Math.min(30000, DATA_EVERY * Math.pow(2, dashboard.failures)) : DATA_EVERY);
			});
	};

	Dashboard.prototype.pollHistory = function () {
		var dashboard = this;
		fetch(this.url('history'), { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
			.then(function (response) {
				return response.ok ? response.json() : null;
			})
			.then(function (history) {
				if (history) {
					dashboard.renderHistory(history);
				}
			})
			.catch(function () {
				// The data's poll tells the connection's state
			})
			.then(function () {
				setTimeout(function () {
					dashboard.pollHistory();
				}, HISTORY_EVERY);
			});
	};

	Dashboard.prototype.status = function (text) {
		var connection = byId('connection');
		// Announced only when it changes in substance, not at every poll
		var kind = text.charAt(0) === '⚠' ? 'down' : 'live';
		if (connection.dataset.kind !== kind || kind === 'down') {
			connection.dataset.kind = kind;
			connection.textContent = text;
		}
		else {
			connection.firstChild.nodeValue = text;
		}
	};

	Dashboard.prototype.render = function (data) {
		var cluster = data.cluster || {};
		this.actions = data.actions || null;
		this.selfPath = data.self || null;
		var primary = cluster.primary;
		byId('cluster-name').textContent = primary && primary.port ? 'on port ' + primary.port : '';
		this.renderNotices(notices(data, Date.now()));
		this.renderPrimary(primaryFacts(cluster));
		this.renderWorkers(workerRows(cluster));
		this.renderActions(data, primary);
		this.renderEvents(data.events || []);
	};

	Dashboard.prototype.renderNotices = function (list) {
		var target = byId('notices');
		var text = list.map(function (notice) {
			return notice.text;
		}).join('\n');
		if (target.dataset.text === text) {
			return;
		}
		target.dataset.text = text;
		target.replaceChildren.apply(target, list.map(function (notice) {
			return element('li', notice.text, { 'class': 'notice ' + notice.level });
		}));
	};

	Dashboard.prototype.renderPrimary = function (facts) {
		var list = byId('primary');
		var nodes = [];
		facts.forEach(function (fact) {
			var pair = element('div');
			pair.append(element('dt', fact[0]), element('dd', fact[1]));
			nodes.push(pair);
		});
		list.replaceChildren.apply(list, nodes);
	};

	var COLUMNS = ['id', 'slot', 'pid', 'state', 'lead', 'release', 'uptime', 'restarts', 'heap', 'pss', 'cpu', 'rps',
		'report'];

	var HEADINGS = ['ID', 'Slot', 'PID', 'State', 'Lead', 'Release', 'Uptime', 'Restarts', 'Heap', 'PSS', 'CPU', 'Req/s',
		'Report'];

	/** Rows are kept per worker and updated in place, so that a focused button keeps its focus. */
	Dashboard.prototype.renderWorkers = function (rows) {
		var dashboard = this;
		var body = byId('workers').tBodies[0];
		var existing = {};
		Array.prototype.forEach.call(body.rows, function (row) {
			existing[row.dataset.workerId] = row;
		});
		var actions = this.actions !== null;
		document.querySelector('#workers .action-column').hidden = !actions;
		rows.forEach(function (model, index) {
			var row = existing[model.id];
			delete existing[model.id];
			if (!row) {
				row = element('tr', null, { 'data-worker-id': String(model.id) });
				COLUMNS.forEach(function (column, c) {
					row.appendChild(element(c === 0 ? 'th' : 'td', null, c === 0 ? { scope: 'row', 'data-label': HEADINGS[c] }
						: { 'data-label': HEADINGS[c], 'data-column': column }));
				});
				var cell = element('td', null, { 'class': 'action-column', 'data-label': 'Action' });
				var restart = element('button', 'Restart', { type: 'button', 'aria-label': 'Restart worker ' + model.id,
					'class': 'restart-worker' });
				restart.addEventListener('click', function () {
					dashboard.act('Restart of worker ' + model.id, 'Restart worker ' + model.id
						+ '? Its replacement starts first, then it finishes its requests and exits.',
						'/' + model.id, { action: 'restart' });
				});
				cell.appendChild(restart);
				row.appendChild(cell);
			}
			COLUMNS.forEach(function (column, c) {
				if (row.cells[c].textContent !== model.cells[column]) {
					row.cells[c].textContent = model.cells[column];
				}
			});
			row.cells[COLUMNS.length].hidden = !actions;
			row.classList.toggle('attention', model.attention);
			if (body.rows[index] !== row) {
				body.insertBefore(row, body.rows[index] || null);
			}
		});
		Object.keys(existing).forEach(function (id) {
			existing[id].remove();
		});
		byId('no-workers').hidden = rows.length > 0;
	};

	Dashboard.prototype.renderActions = function (data, primary) {
		var section = byId('actions');
		section.hidden = this.actions === null || !primary;
		if (section.hidden) {
			return;
		}
		var input = byId('scale-workers');
		var configured = primary.settings ? primary.settings.workers : null;
		// The field follows the cluster until a person types in it
		if (configured !== null && (input.value === '' || (document.activeElement !== input
				&& +input.value === this.configured))) {
			input.value = configured;
		}
		this.configured = configured;
		var select = byId('deploy-artifact');
		var artifacts = data.artifacts || [];
		if (select.dataset.artifacts !== artifacts.join('\n')) {
			var chosen = select.value;
			select.dataset.artifacts = artifacts.join('\n');
			select.replaceChildren.apply(select, artifacts.length ? artifacts.map(function (artifact) {
				return element('option', artifact, { value: artifact });
			}) : [element('option', 'No jar in cluster.deploy.directory', { value: '' })]);
			if (artifacts.indexOf(chosen) >= 0) {
				select.value = chosen;
			}
		}
		byId('deploy').disabled = artifacts.length === 0;
		select.disabled = artifacts.length === 0;
	};

	Dashboard.prototype.renderEvents = function (events) {
		var list = byId('events');
		var key = events.length ? events[events.length - 1].time + events[events.length - 1].text + events.length : '';
		if (list.dataset.key === key) {
			return;
		}
		list.dataset.key = key;
		var items = events.slice().reverse().map(function (event) {
			var item = element('li', null, { 'class': event.alert ? 'alert' : '' });
			var date = toDate(event.time);
			item.appendChild(element('time', formatTime(date), { datetime: date.toISOString() }));
			item.appendChild(document.createTextNode(' ' + (event.alert ? '⚠ ' : '') + event.text));
			return item;
		});
		if (!items.length) {
			items.push(element('li', 'None since the primary started.'));
		}
		list.replaceChildren.apply(list, items);
	};

	Dashboard.prototype.renderHistory = function (history) {
		var state = byId('history-state');
		if (!history.times || !history.times.length) {
			state.textContent = history.interval ? 'The first point comes within ' + formatDuration(history.interval / 1000)
				+ '.' : 'No history is kept (cluster.stats.history=0, or worker reports are off).';
			return;
		}
		state.textContent = history.times.length + ' points, one every ' + formatDuration(history.interval / 1000)
			+ ', since ' + formatTime(toDate(history.times[0])) + '.';
		this.renderChart('pss', history, 'pss', formatBytes);
		this.renderChart('rps', history, 'perSecond', function (value) {
			return formatRate(value) + '/s';
		});
	};

	Dashboard.prototype.renderChart = function (name, history, key, format) {
		var svg = byId(name + '-chart');
		var lines = chartLines(history, key);
		var peak = Math.max.apply(null, [0].concat(lines[0].values.filter(function (value) {
			return value !== null;
		})));
		var max = niceMax(peak);
		var times = history.times;
		var box = { start: times[0], end: Math.max(times[times.length - 1], times[0] + history.interval), width: 600,
			height: 200, max: max };
		var nodes = [];
		[0, 0.5, 1].forEach(function (fraction) {
			var y = (box.height - fraction * box.height).toFixed(1);
			var grid = document.createElementNS(SVG, 'line');
			grid.setAttribute('x1', '0');
			grid.setAttribute('x2', '600');
			grid.setAttribute('y1', y);
			grid.setAttribute('y2', y);
			grid.setAttribute('class', 'grid');
			nodes.push(grid);
		});
		var legend = [];
		lines.forEach(function (line) {
			var path = document.createElementNS(SVG, 'path');
			path.setAttribute('d', linePath(times, line.values, box));
			path.setAttribute('class', line.total ? 'line total' : 'line slot-' + (line.slot % 6));
			path.setAttribute('vector-effect', 'non-scaling-stroke');
			var title = document.createElementNS(SVG, 'title');
			title.textContent = line.label;
			path.appendChild(title);
			nodes.push(path);
			var item = element('li', null, { 'class': line.total ? 'total' : 'slot-' + (line.slot % 6) });
			item.appendChild(element('span', '', { 'class': 'swatch', 'aria-hidden': 'true' }));
			item.appendChild(document.createTextNode(line.label + ': ' + legendValue(line.values, format)));
			legend.push(item);
		});
		svg.replaceChildren.apply(svg, nodes);
		var list = byId(name + '-legend');
		list.replaceChildren.apply(list, legend);
		var caption = byId(name + '-caption');
		caption.textContent = (name === 'pss' ? 'Memory (PSS)' : 'Requests per second') + ' of the workers, since '
			+ formatTime(toDate(times[0])) + ': cluster now ' + (lastValue(lines[0].values) === null ? '–'
			: format(lastValue(lines[0].values))) + ', peak ' + format(peak) + '; scale 0 to ' + format(max);
	};

	/** Ask, then send the action to the cluster endpoint and show its outcome. */
	Dashboard.prototype.act = function (label, question, path, body) {
		var dashboard = this;
		if (this.actions === null) {
			return;
		}
		var dialog = byId('confirm');
		var opener = document.activeElement;
		byId('confirm-text').textContent = question;
		dialog.returnValue = '';
		dialog.addEventListener('close', function closed() {
			dialog.removeEventListener('close', closed);
			if (opener && opener.focus) {
				opener.focus();
			}
			if (dialog.returnValue !== 'ok') {
				return;
			}
			var outcome = byId('outcome');
			outcome.textContent = label + '…';
			var headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
			if (dashboard.csrf) {
				headers[dashboard.csrf.header] = dashboard.csrf.token;
			}
			var target = actionUrl(dashboard.base, dashboard.selfPath, dashboard.actions) + path;
			fetch(target, { method: 'POST', headers: headers, credentials: 'same-origin', body: JSON.stringify(body) })
				.then(function (response) {
					return response.text().then(function (text) {
						var parsed = null;
						try {
							parsed = text ? JSON.parse(text) : null;
						}
						catch (ignored) {
							parsed = null;
						}
						outcome.textContent = outcomeText(label, response.status, parsed);
					});
				})
				.catch(function (error) {
					outcome.textContent = outcomeText(label, 0, { reason: error.message });
				});
		});
		dialog.showModal();
		byId('confirm-cancel').focus();
	};

	var api = {
		parseDuration: parseDuration,
		formatDuration: formatDuration,
		formatBytes: formatBytes,
		formatRate: formatRate,
		formatPercent: formatPercent,
		formatTime: formatTime,
		toDate: toDate,
		stateLabel: stateLabel,
		workerRows: workerRows,
		primaryFacts: primaryFacts,
		notices: notices,
		csrfFrom: csrfFrom,
		outcomeText: outcomeText,
		clusterTotal: clusterTotal,
		niceMax: niceMax,
		linePath: linePath,
		chartLines: chartLines,
		lastValue: lastValue,
		legendValue: legendValue,
		actionUrl: actionUrl
	};
	global.ClusterDashboard = api;

	document.addEventListener('DOMContentLoaded', function () {
		if (document.body.dataset.dashboard) {
			new Dashboard().start();
		}
	});
}(window));
