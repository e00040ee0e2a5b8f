package io.clusterstarter.sample;

import io.clusterstarter.Cluster;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Under a test framework the application runs plainly, in the test's JVM: no primary, no fork.
 */
@SpringBootTest
@AutoConfigureMockMvc
class SampleApplicationTests {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private Cluster cluster;

	@Test
	void runsUnclusteredUnderTest() throws Exception {
		assertThat(this.cluster.isPrimary()).isFalse();
		assertThat(this.cluster.isWorker()).isFalse();
		this.mvc.perform(get("/"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.pid").value(ProcessHandle.current().pid()))
			.andExpect(jsonPath("$.worker").isEmpty());
	}

	@Test
	void clusterEndpointShowsNoPrimaryWithoutClustering() throws Exception {
		this.mvc.perform(get("/actuator/cluster"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.primary").doesNotExist())
			.andExpect(jsonPath("$.workers").isEmpty());
	}

	@Test
	void prometheusEndpointIsSpringBootsOwnWithoutClustering() throws Exception {
		this.mvc.perform(get("/actuator/prometheus"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("jvm_threads_live_threads ")))
			.andExpect(content().string(not(containsString("worker_id="))));
	}

}
