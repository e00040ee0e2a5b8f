package io.clusterstarter.autoconfigure;

import io.clusterstarter.port.JettyPortSharingCustomizer;
import io.clusterstarter.port.LeavingConnectionsWebFilter;
import io.clusterstarter.port.NettyPortSharingCustomizer;
import io.clusterstarter.port.ReusePortHttp11NioProtocol;
import io.clusterstarter.port.SharedQueueHttp11NioProtocol;
import io.clusterstarter.port.TomcatPortSharingCustomizer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link ClusterPortSharingAutoConfiguration}.
 */
class ClusterPortSharingAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterPortSharingAutoConfiguration.class));

	@Test
	void runWhenNotAWorkerShouldNotShareThePort() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(TomcatPortSharingCustomizer.class)
			.doesNotHaveBean(JettyPortSharingCustomizer.class)
			.doesNotHaveBean(NettyPortSharingCustomizer.class));
	}

	@Test
	void runWhenWorkerShouldShareThePortOnEveryServerPresent() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.run((context) -> assertThat(context).hasSingleBean(TomcatPortSharingCustomizer.class)
				.hasSingleBean(JettyPortSharingCustomizer.class)
				.hasSingleBean(NettyPortSharingCustomizer.class));
	}

	@Test
	void runWhenServerIsMissingShouldNotConfigureIt() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withClassLoader(new FilteredClassLoader(TomcatWebServerFactory.class, ConfigurableJettyWebServerFactory.class))
			.run((context) -> assertThat(context).doesNotHaveBean(TomcatPortSharingCustomizer.class)
				.doesNotHaveBean(JettyPortSharingCustomizer.class)
				.hasSingleBean(NettyPortSharingCustomizer.class));
	}

	@Test
	void runWhenUserDefinesACustomizerShouldBackOff() {
		TomcatPortSharingCustomizer userCustomizer = new TomcatPortSharingCustomizer();
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withBean(TomcatPortSharingCustomizer.class, () -> userCustomizer)
			.run((context) -> assertThat(context).getBean(TomcatPortSharingCustomizer.class).isSameAs(userCustomizer));
	}

	@Test
	void tomcatCustomizerSwitchesToTheReusePortProtocol() {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
		new TomcatPortSharingCustomizer().customize(factory);
		assertThat(factory.getProtocol()).isEqualTo(ReusePortHttp11NioProtocol.class.getName());
	}

	@Test
	void sharedQueueGoesToTheServerPortAndReusePortToTheManagementPort() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withPropertyValues("cluster.balancing=shared-queue", "server.port=8123")
			.run((context) -> {
				TomcatPortSharingCustomizer customizer = context.getBean(TomcatPortSharingCustomizer.class);
				TomcatServletWebServerFactory server = new TomcatServletWebServerFactory(8123);
				customizer.customize(server);
				assertThat(server.getProtocol()).isEqualTo(SharedQueueHttp11NioProtocol.class.getName());
				// A separate management server, in its child context, has a listener of its own
				TomcatServletWebServerFactory management = new TomcatServletWebServerFactory(8124);
				customizer.customize(management);
				assertThat(management.getProtocol()).isEqualTo(ReusePortHttp11NioProtocol.class.getName());
			});
	}

	@Test
	void reusePortBindsEveryPortWithItsOwnListener() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withPropertyValues("cluster.balancing=reuse-port", "server.port=8123")
			.run((context) -> {
				TomcatServletWebServerFactory server = new TomcatServletWebServerFactory(8123);
				context.getBean(TomcatPortSharingCustomizer.class).customize(server);
				assertThat(server.getProtocol()).isEqualTo(ReusePortHttp11NioProtocol.class.getName());
			});
	}

	@Test
	void leavingWorkersCloseTheirConnectionsAfterEachResponseOnEveryStack() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ClusterPortSharingAutoConfiguration.class))
			.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withPropertyValues("cluster.balancing=shared-queue")
			.run((context) -> assertThat(context).hasBean("leavingConnectionsFilter")
				.doesNotHaveBean(LeavingConnectionsWebFilter.class));
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ClusterPortSharingAutoConfiguration.class))
			.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withPropertyValues("cluster.balancing=shared-queue")
			.run((context) -> assertThat(context).hasSingleBean(LeavingConnectionsWebFilter.class)
				.doesNotHaveBean("leavingConnectionsFilter"));
	}

	@Test
	void workersWithAListenerEachAddNoFilterToTheirRequests() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ClusterPortSharingAutoConfiguration.class))
			.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withPropertyValues("cluster.balancing=reuse-port")
			.run((context) -> assertThat(context).doesNotHaveBean("leavingConnectionsFilter"));
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ClusterPortSharingAutoConfiguration.class))
			.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withPropertyValues("cluster.balancing=reuse-port")
			.run((context) -> assertThat(context).doesNotHaveBean(LeavingConnectionsWebFilter.class));
	}

	@Test
	void tomcatCustomizerRefusesAnotherProtocolClearly() {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
		factory.setProtocol("org.apache.coyote.http11.Http11Nio2Protocol");
		assertThatIllegalStateException().isThrownBy(() -> new TomcatPortSharingCustomizer().customize(factory))
			.withMessageContaining("sets protocol org.apache.coyote.http11.Http11Nio2Protocol");
	}

}
