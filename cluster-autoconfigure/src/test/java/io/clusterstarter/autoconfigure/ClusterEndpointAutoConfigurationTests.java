package io.clusterstarter.autoconfigure;

import java.time.Duration;
import java.util.Set;

import io.clusterstarter.actuate.ClusterEndpoint;
import io.clusterstarter.actuate.ClusterEndpointWebExtension;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ClusterEndpointAutoConfiguration}.
 */
class ClusterEndpointAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(EndpointAutoConfiguration.class, ClusterAutoConfiguration.class, ClusterEndpointAutoConfiguration.class));

	@Test
	void runWhenExposedShouldHaveEndpointBean() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=cluster")
			.run((context) -> assertThat(context).hasSingleBean(ClusterEndpoint.class));
	}

	@Test
	void runWhenExposedOnTheWebShouldHaveWebExtension() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=cluster")
			.run((context) -> assertThat(context).hasSingleBean(ClusterEndpointWebExtension.class));
	}

	@Test
	void runWhenExposedOnJmxOnlyShouldNotHaveWebExtension() {
		this.runner.withPropertyValues("management.endpoints.jmx.exposure.include=cluster", "spring.jmx.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(ClusterEndpoint.class)
				.doesNotHaveBean(ClusterEndpointWebExtension.class));
	}

	@Test
	void runWhenNotExposedShouldNotHaveEndpointBean() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ClusterEndpoint.class)
			.doesNotHaveBean(ClusterEndpointWebExtension.class));
	}

	@Test
	void runWhenDisabledShouldNotHaveEndpointBean() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=cluster",
					"management.endpoint.cluster.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterEndpoint.class));
	}

	@Test
	void runWithoutActuatorShouldNotHaveEndpointBean() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ClusterAutoConfiguration.class, ClusterEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=cluster")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ClusterEndpoint.class));
	}

	@Test
	void runWhenUserDefinesAnEndpointShouldBackOff() {
		ClusterEndpoint userEndpoint = endpoint();
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=cluster")
			.withBean(ClusterEndpoint.class, () -> userEndpoint)
			.run((context) -> assertThat(context).getBean(ClusterEndpoint.class).isSameAs(userEndpoint));
	}

	@Test
	void workerIdThatIsNotANumberIsABadRequest() {
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint().worker("abc"))
			.withMessage("Worker id 'abc' is not a number");
	}

	@Test
	void unknownWorkerIsNotFound() {
		assertThat(endpoint().worker("7")).isNull();
		assertThat(new ClusterEndpointWebExtension(endpoint()).worker("7").getStatus())
			.isEqualTo(WebEndpointResponse.STATUS_NOT_FOUND);
	}

	private static ClusterEndpoint endpoint() {
		return new ClusterEndpoint(null, Duration.ofSeconds(1), Show.NEVER, Set.of());
	}

	@Test
	void endpointWithoutClusteringShowsNoPrimaryAndNoWorkers() {
		assertThat(endpoint().cluster(SecurityContext.NONE)).satisfies((snapshot) -> {
			assertThat(snapshot.primary()).isNull();
			assertThat(snapshot.workers()).isEmpty();
		});
	}

}
