package io.clusterstarter.control;

import java.nio.file.Path;

import io.clusterstarter.autoconfigure.ClusterConfigurationException;
import io.clusterstarter.autoconfigure.ClusterProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PrimaryControlSocket}.
 */
class PrimaryControlSocketTests {

	@TempDir
	Path temp;

	@Test
	void nameIsTheApplicationsNameAndPortInCharactersASocketNameTakes() {
		assertThat(PrimaryControlSocket.name("shop", 8080)).isEqualTo("shop-8080");
		assertThat(PrimaryControlSocket.name("My Shop/EU", 8080)).isEqualTo("My-Shop-EU-8080");
		assertThat(PrimaryControlSocket.name(null, 8080)).isEqualTo("application-8080");
		assertThat(PrimaryControlSocket.name("..hidden", null)).isEqualTo("hidden");
		assertThat(PrimaryControlSocket.name("x".repeat(80), 1)).hasSize(52);
	}

	@Test
	void aSocketThatCannotBeOpenedIsAConfigurationFailureWithWhatToChange() {
		ClusterProperties properties = new ClusterProperties();
		properties.getControl().setDirectory(this.temp.resolve("d".repeat(120)));
		assertThatExceptionOfType(ClusterConfigurationException.class)
			.isThrownBy(() -> PrimaryControlSocket.open(properties, new MockEnvironment(), null, 8080,
					(name) -> (session) -> ControlProtocol.OK, null))
			.withMessageContaining("Could not open the control socket 'application-8080'")
			.satisfies((ex) -> assertThat(ex.getAction()).contains("cluster.control.directory"));
	}

	@Test
	void disabledOpensNothing() {
		ClusterProperties properties = new ClusterProperties();
		properties.getControl().setEnabled(false);
		properties.getControl().setDirectory(this.temp);
		assertThat(PrimaryControlSocket.open(properties, new MockEnvironment(), null, 8080,
				(name) -> (session) -> ControlProtocol.OK, null)).isNull();
		assertThat(this.temp).isEmptyDirectory();
	}

	@Test
	void theNamedPidFileAndTheDescriptionSayWhatTheCommandLineNeeds() throws Exception {
		ClusterProperties properties = new ClusterProperties();
		properties.getControl().setDirectory(this.temp.resolve("control"));
		MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name", "shop")
			.withProperty("spring.pid.file", this.temp.resolve("run/shop.pid").toString());
		try (var control = PrimaryControlSocket.open(properties, environment, PrimaryControlSocketTests.class, 8080,
				(name) -> (session) -> ControlProtocol.OK, Path.of("/srv/shop/app.jar"))) {
			assertThat(control.socket()).isEqualTo(this.temp.resolve("control/shop-8080.sock"));
			assertThat(this.temp.resolve("run/shop.pid")).content()
				.isEqualToIgnoringNewLines(String.valueOf(ProcessHandle.current().pid()));
			assertThat(this.temp.resolve("control/shop-8080.properties")).content()
				.contains("start-class=" + PrimaryControlSocketTests.class.getName(), "port=8080", "application=shop");
		}
	}

}
