package io.clusterstarter.autoconfigure;

import java.util.Map;

import io.clusterstarter.Cluster;
import io.clusterstarter.worker.TestWorkerRuntimes;
import io.clusterstarter.worker.WorkerCluster;
import io.clusterstarter.worker.WorkerPropertySource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link ClusterAutoConfiguration}.
 */
class ClusterAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterAutoConfiguration.class));

	@Test
	void runWhenNotClusteredShouldProvideAClusterThatIsNeitherPrimaryNorWorker() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(Cluster.class).hasSingleBean(ClusterProperties.class);
			Cluster cluster = context.getBean(Cluster.class);
			assertThat(cluster.isPrimary()).isFalse();
			assertThat(cluster.isWorker()).isFalse();
			assertThat(cluster.worker()).isEmpty();
			assertThat(cluster.workers()).isEmpty();
			assertThatIllegalStateException().isThrownBy(cluster::fork)
				.withMessage("Cluster.fork() is available in the primary only; this JVM is not clustered");
		});
	}

	@Test
	void runWhenWorkerShouldProvideTheCurrentWorker() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker).run((context) -> {
			Cluster cluster = context.getBean(Cluster.class);
			assertThat(cluster.isWorker()).isTrue();
			assertThat(cluster.worker()).hasValueSatisfying((worker) -> {
				assertThat(worker.id()).isEqualTo(3);
				assertThat(worker.slot()).isEqualTo(1);
			});
		});
	}

	@Test
	void runWhenUserDefinesAClusterShouldBackOff() {
		Cluster userCluster = mock(Cluster.class);
		this.runner.withBean(Cluster.class, () -> userCluster)
			.run((context) -> assertThat(context).getBean(Cluster.class).isSameAs(userCluster));
	}

	@Test
	void runShouldBindClusterProperties() {
		this.runner.withPropertyValues("cluster.workers=3", "cluster.shutdown-timeout=5s", "cluster.restart.policy=never")
			.run((context) -> {
				ClusterProperties properties = context.getBean(ClusterProperties.class);
				assertThat(properties.resolveWorkers(8)).isEqualTo(3);
				assertThat(properties.getShutdownTimeout()).hasSeconds(5);
				assertThat(properties.getRestart().getPolicy()).isEqualTo(ClusterProperties.RestartPolicy.NEVER);
				assertThat(context.getBean(Cluster.class)).isInstanceOf(WorkerCluster.class);
			});
	}

	static void makeWorker(ConfigurableApplicationContext context) {
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new WorkerPropertySource(TestWorkerRuntimes.unconnected(3, 1), Map.of()));
	}

}
