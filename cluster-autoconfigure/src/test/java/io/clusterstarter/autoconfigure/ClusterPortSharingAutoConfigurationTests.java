package io.clusterstarter.autoconfigure;

import io.clusterstarter.port.JettyPortSharingCustomizer;
import io.clusterstarter.port.NettyPortSharingCustomizer;
import io.clusterstarter.port.ReusePortHttp11NioProtocol;
import io.clusterstarter.port.TomcatPortSharingCustomizer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
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
	void tomcatCustomizerRefusesAnotherProtocolClearly() {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
		factory.setProtocol("org.apache.coyote.http11.Http11Nio2Protocol");
		assertThatIllegalStateException().isThrownBy(() -> new TomcatPortSharingCustomizer().customize(factory))
			.withMessageContaining("sets protocol org.apache.coyote.http11.Http11Nio2Protocol");
	}

}
