package io.clusterstarter.warmup;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.clusterstarter.port.NettyPortSharingCustomizer;
import org.junit.jupiter.api.Test;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.Compression;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NettyWarmupListener}: the warm-up's server is configured as the factory
 * configures the application's, but for the starter's port sharing.
 */
class NettyWarmupListenerTests {

	@Test
	void warmupServerGetsTheFactorysCustomizersAndCompressionButNotPortSharing() {
		NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory();
		AtomicInteger applied = new AtomicInteger();
		AtomicInteger portSharing = new AtomicInteger();
		factory.addServerCustomizers((server) -> {
			applied.incrementAndGet();
			return server.idleTimeout(Duration.ofSeconds(42));
		});
		factory.addServerCustomizers((NettyPortSharingCustomizer.PortSharing) (server) -> {
			portSharing.incrementAndGet();
			return server;
		});
		Compression compression = new Compression();
		compression.setEnabled(true);
		compression.setMinResponseSize(DataSize.ofBytes(512));
		factory.setCompression(compression);

		HttpServer server = NettyWarmupListener.asTheApplicationsServer(HttpServer.create(), factory);
		assertThat(applied).hasValue(1);
		assertThat(portSharing).as("the starter's port sharing is the application server's alone").hasValue(0);
		assertThat(server.configuration().idleTimeout()).isEqualTo(Duration.ofSeconds(42));
		assertThat(server.configuration().minCompressionSize()).isEqualTo(512);
		assertThat(server.configuration().compressPredicate()).isNotNull();
	}

	@Test
	void warmupServerCompressesNothingWhenTheApplicationsDoesNot() {
		HttpServer server = NettyWarmupListener.asTheApplicationsServer(HttpServer.create(),
				new NettyReactiveWebServerFactory());
		assertThat(server.configuration().compressPredicate()).isNull();
		assertThat(server.configuration().minCompressionSize()).isEqualTo(-1);
	}

}
