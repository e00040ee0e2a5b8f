package io.clusterstarter.warmup;

import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TomcatWarmupListener}: the warm-up connector reads and answers requests as the
 * application's connector does.
 */
class TomcatWarmupListenerTests {

	@Test
	void warmupConnectorTakesTheApplicationConnectorsRequestHandlingSettings() {
		Connector application = new Connector("org.apache.coyote.http11.Http11NioProtocol");
		application.setProperty("maxHttpRequestHeaderSize", "65536");
		application.setProperty("relaxedQueryChars", "|");
		application.setProperty("compression", "on");
		application.setProperty("compressionMinSize", "1024");
		application.setURIEncoding("ISO-8859-1");
		application.setMaxPostSize(1234);
		// An HTTPS connector's requests are secure: an application that redirects plain HTTP to
		// HTTPS must answer the warm-up as it answers its clients
		application.setScheme("https");
		application.setSecure(true);
		Connector warmup = new Connector("org.apache.coyote.http11.Http11NioProtocol");
		TomcatWarmupListener.copySettings(application, warmup);
		assertThat(warmup.getProperty("maxHttpRequestHeaderSize")).isEqualTo(65536);
		assertThat(warmup.getProperty("relaxedQueryChars")).isEqualTo("|");
		assertThat(warmup.getProperty("compression")).isEqualTo("on");
		assertThat(warmup.getProperty("compressionMinSize")).isEqualTo(1024);
		assertThat(warmup.getURIEncoding()).isEqualTo("ISO-8859-1");
		assertThat(warmup.getMaxPostSize()).isEqualTo(1234);
		assertThat(warmup.getScheme()).isEqualTo("https");
		assertThat(warmup.getSecure()).isTrue();
	}

}
