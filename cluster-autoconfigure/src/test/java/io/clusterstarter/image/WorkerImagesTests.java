package io.clusterstarter.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.autoconfigure.ClusterProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerImages}: when there is no image, and why. The image itself is made
 * and used by real processes in the sample application's integration tests.
 */
class WorkerImagesTests {

	@TempDir
	Path directory;

	private final ClusterProperties.Image properties = new ClusterProperties.Image();

	@Test
	void offWhenDisabled() throws IOException {
		this.properties.setEnabled(false);
		assertThat(open(List.of()).state()).isEqualTo("off");
		assertThat(open(List.of()).reason()).isEqualTo("cluster.image.enabled=false");
	}

	@Test
	void offWhenTheOptionsChooseTheirOwnArchiveOrADebuggerListens() throws IOException {
		assertThat(open(List.of("-XX:SharedArchiveFile=my.jsa")).reason())
			.isEqualTo("the JVM options choose the class-data archive themselves (-XX:SharedArchiveFile=my.jsa)");
		assertThat(open(List.of("-Xshare:off")).state()).isEqualTo("off");
		assertThat(open(List.of("-XX:AOTCache=app.aot")).state()).isEqualTo("off");
		assertThat(open(List.of("-agentlib:jdwp=transport=dt_socket,server=y,address=5005")).reason())
			.startsWith("a debugger agent listens");
	}

	@Test
	void offWithTheSourcesReason() throws IOException {
		ClusterSnapshot.Image image = WorkerImages
			.open(this.properties, ImageSource.of(null, null, "m/m.Main"), "app", "java", List.of(), Map.of(),
					(training, background) -> new ProcessBuilder("false"), null)
			.snapshot();
		assertThat(image.state()).isEqualTo("off");
		assertThat(image.reason()).contains("module path");
		assertThat(image.directory()).isNull();
	}

	@Test
	void preparingUntilTheClusterIsUpWhenNoImageWasMadeBefore() throws IOException {
		this.properties.setDirectory(this.directory);
		try (WorkerImages images = images(List.of())) {
			ClusterSnapshot.Image image = images.snapshot();
			assertThat(image.state()).isEqualTo("preparing");
			assertThat(image.directory()).startsWith(this.directory.resolve("app").toString());
			assertThat(images.launch()).isNull();
		}
	}

	@Test
	void failedTrainingIsReportedOnceAndTheClusterGoesOnWithoutAnImage() throws Exception {
		this.properties.setDirectory(this.directory);
		try (WorkerImages images = images(List.of())) {
			images.prepareInBackground();
			org.awaitility.Awaitility.await()
				.atMost(java.time.Duration.ofMinutes(1))
				.until(() -> images.snapshot().state().equals("failed"));
			assertThat(images.snapshot().reason()).isEqualTo("The training run exited with code 1");
			assertThat(images.launch()).isNull();
			images.prepareInBackground(); // not retried
			assertThat(images.snapshot().state()).isEqualTo("failed");
		}
	}

	@Test
	void defaultDirectoryIsTheUsersCacheDirectory() {
		assertThat(WorkerImages.defaultRoot(Map.of("XDG_CACHE_HOME", "/home/u/.cache")))
			.isEqualTo(Path.of("/home/u/.cache/cluster-spring-boot/images"));
		assertThat(WorkerImages.defaultRoot(Map.of("XDG_CACHE_HOME", "relative")).toString())
			.endsWith("cluster-spring-boot/images");
		assertThat(WorkerImages.safeName("com.example.App")).isEqualTo("com.example.App");
		assertThat(WorkerImages.safeName("../x y")).isEqualTo("application.._x_y");
	}

	private ClusterSnapshot.Image open(List<String> options) throws IOException {
		this.properties.setDirectory(this.directory);
		try (WorkerImages images = images(options)) {
			return images.snapshot();
		}
	}

	private WorkerImages images(List<String> options) throws IOException {
		ImageSource source = ImageSources.plainJars(this.directory, "app.jar");
		// A training run that fails at once, as an application that cannot start would
		return WorkerImages.open(this.properties, source, "app", "java", options, Map.of(),
				(training, background) -> new ProcessBuilder("sh", "-c", "exit 1"), null);
	}

}
