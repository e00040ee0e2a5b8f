package io.clusterstarter.observe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PrometheusTextMerger}.
 */
class PrometheusTextMergerTests {

	private static final String WORKER = """
			# HELP jvm_threads_live_threads Live threads
			# TYPE jvm_threads_live_threads gauge
			jvm_threads_live_threads 24.0
			# HELP http_server_requests_seconds
			# TYPE http_server_requests_seconds summary
			http_server_requests_seconds_count{method="GET",uri="/"} 3
			http_server_requests_seconds_sum{method="GET",uri="/"} 0.25
			# HELP requests_total Requests
			# TYPE requests_total counter
			requests_total{path="/a}b",quote="say \\"}\\""} 1.0
			""";

	@Test
	void eachFamilyIsWrittenOnceWithTheSamplesOfEveryProcessTogether() {
		PrometheusTextMerger merger = new PrometheusTextMerger();
		merger.add("# HELP cluster_workers Workers\n# TYPE cluster_workers gauge\ncluster_workers{state=\"listening\"} 2.0\n",
				"");
		merger.add(WORKER, "worker_id=\"1\",worker_slot=\"0\"");
		merger.add(WORKER, "worker_id=\"2\",worker_slot=\"1\"");
		assertThat(merger.merge()).isEqualTo("""
				# HELP cluster_workers Workers
				# TYPE cluster_workers gauge
				cluster_workers{state="listening"} 2.0
				# HELP jvm_threads_live_threads Live threads
				# TYPE jvm_threads_live_threads gauge
				jvm_threads_live_threads{worker_id="1",worker_slot="0"} 24.0
				jvm_threads_live_threads{worker_id="2",worker_slot="1"} 24.0
				# HELP http_server_requests_seconds
				# TYPE http_server_requests_seconds summary
				http_server_requests_seconds_count{method="GET",uri="/",worker_id="1",worker_slot="0"} 3
				http_server_requests_seconds_sum{method="GET",uri="/",worker_id="1",worker_slot="0"} 0.25
				http_server_requests_seconds_count{method="GET",uri="/",worker_id="2",worker_slot="1"} 3
				http_server_requests_seconds_sum{method="GET",uri="/",worker_id="2",worker_slot="1"} 0.25
				# HELP requests_total Requests
				# TYPE requests_total counter
				requests_total{path="/a}b",quote="say \\"}\\"",worker_id="1",worker_slot="0"} 1.0
				requests_total{path="/a}b",quote="say \\"}\\"",worker_id="2",worker_slot="1"} 1.0
				""");
	}

	@Test
	void labelsAreAddedToSamplesWithoutLabelsWithEmptyLabelsAndWithATrailingComma() {
		assertThat(PrometheusTextMerger.withLabels("up 1", "w=\"1\"")).isEqualTo("up{w=\"1\"} 1");
		assertThat(PrometheusTextMerger.withLabels("up{} 1", "w=\"1\"")).isEqualTo("up{w=\"1\"} 1");
		assertThat(PrometheusTextMerger.withLabels("up{a=\"b\",} 1 1700000000", "w=\"1\""))
			.isEqualTo("up{a=\"b\",w=\"1\"} 1 1700000000");
	}

	@Test
	void otherCommentsAndBlankLinesAreDropped() {
		PrometheusTextMerger merger = new PrometheusTextMerger();
		merger.add("# a comment\n\n# TYPE up gauge\nup 1\n# EOF\n", "w=\"1\"");
		assertThat(merger.merge()).isEqualTo("# TYPE up gauge\nup{w=\"1\"} 1\n");
	}

	@Test
	void sampleOfAnotherFamilyWithASharedPrefixIsNotTakenForASuffix() {
		PrometheusTextMerger merger = new PrometheusTextMerger();
		merger.add("# TYPE foo gauge\nfoo 1\nfoo_bar 2\n", "");
		assertThat(merger.merge()).isEqualTo("# TYPE foo gauge\nfoo 1\nfoo_bar 2\n");
		PrometheusTextMerger other = new PrometheusTextMerger();
		other.add("# TYPE foo gauge\nfoo 1\n", "");
		other.add("foo_bar 2\n# TYPE foo gauge\nfoo 3\n", "");
		assertThat(other.merge()).isEqualTo("# TYPE foo gauge\nfoo 1\nfoo 3\nfoo_bar 2\n");
	}

	@Test
	void scrapeWithAnUnterminatedLabelSetIsRefusedWhole() {
		PrometheusTextMerger merger = new PrometheusTextMerger();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> merger.add("# TYPE up gauge\nup 1\nup{a=\"b 1\n", "w=\"1\""))
			.withMessageContaining("Unterminated label set");
		assertThat(merger.merge()).isEmpty();
	}

}
